/** PyTorch fixtures as the packages' generator scripts write them, and comparisons with them. */
import { readFileSync } from 'node:fs';
import { isTensor, type Tensor, tensor } from '@nnet/tensor';
import { assertClose } from '@nnet/tensor/testing';
import { expect } from 'vitest';

/**
 * A tensor as the PyTorch fixtures store it: its shape and its elements, row-major.
 *
 * @example
 * ```ts
 * const x: Enc = { shape: [2, 2], data: [1, 2, 3, 4] };
 * t(x).shape; // [2, 2]
 * ```
 */
export type Enc = {
  /** The tensor's shape (`[]` for 0-d). */
  shape: number[];
  /** Its elements, row-major (as many as the shape's product). */
  data: number[];
};

/**
 * Reads a JSON fixture (the packages' generator scripts write them with PyTorch).
 *
 * @example
 * ```ts
 * const cases = readFixture<{ x: Enc; out: Enc }[]>(new URL('./fixtures/adam.json', import.meta.url));
 * ```
 */
export function readFixture<T>(url: URL): T {
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

/**
 * A float32 tensor from a fixture's `Enc` (shape `e.shape`), optionally requiring gradients.
 *
 * @example
 * ```ts
 * const x = t({ shape: [2], data: [0.5, -1] }, true); // float32 [2], requiresGrad
 * ```
 */
export const t = (e: Enc, requiresGrad = false): Tensor =>
  tensor(Float32Array.from(e.data), { shape: e.shape, requiresGrad });

/**
 * Expects `got` to have `want`'s shape (when `got` is a tensor and `want` an `Enc`), then applies
 * `assertClose` of `@nnet/tensor/testing` (the one close-to rule): the same length, finite values
 * within atol + rtol·|want|, the same NaN or infinity where `want` is not finite; a failure names
 * the element, the expected and the actual value. Returns the largest absolute difference over the
 * finite elements. Reads tensors asynchronously, so it runs on every backend.
 *
 *   await expectClose(loss, fixtureCase.out);
 *   await expectClose(y, [0.5, 1], 1e-6);
 *   const worst = await expectClose(await y.data(), [Number.NaN, 0.5]); // NaN must stay NaN
 */
export async function expectClose(
  got: Tensor | ArrayLike<number>,
  want: Enc | ArrayLike<number>,
  rtol = 1e-4,
  atol = 1e-5,
): Promise<number> {
  const isEnc = 'shape' in want && 'data' in want;
  if (isTensor(got) && isEnc) expect(got.shape).toEqual(want.shape);
  return assertClose(isTensor(got) ? await got.data() : got, isEnc ? want.data : want, { rtol, atol });
}
