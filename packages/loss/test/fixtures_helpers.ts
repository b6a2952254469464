import { readFileSync } from 'node:fs';
import { type Tensor, tensor } from '@nnet/tensor';
import { expect } from 'vitest';

/** A tensor as the PyTorch fixtures store it. */
export type Enc = { shape: number[]; data: number[] };

/** Reads a JSON fixture from test/fixtures/. */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** A float32 tensor from a fixture. */
export const t = (e: Enc, requiresGrad = false): Tensor =>
  tensor(Float32Array.from(e.data), { shape: e.shape, requiresGrad });

/** Expects `got` to have `want`'s shape and values within atol + rtol·|want| (and to be finite). */
export function expectClose(got: Tensor, want: Enc, rtol = 1e-4, atol = 1e-5): void {
  expect(got.shape).toEqual(want.shape);
  const g = got.dataSync();
  want.data.forEach((w, i) => {
    expect(Number.isFinite(g[i])).toBe(true);
    expect(Math.abs(g[i] - w)).toBeLessThanOrEqual(atol + rtol * Math.abs(w));
  });
}
