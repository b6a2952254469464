/** Shared readers of the transformer fixtures (scripts/gen_transformer_fixtures.py). */
import { readFileSync } from 'node:fs';
import { type DType, decodeSafetensors, type Tensor, tensor } from '@nnet/tensor';
import { expectClose } from '@nnet/test-utils';
import { expect } from 'vitest';

/** A tensor as gen_transformer_fixtures.py stores it (non-finite numbers as strings). */
export interface TEnc {
  dtype: DType;
  shape: number[];
  data: (number | string)[];
}

/** Parses a JSON fixture of test/fixtures/. */
export function transformerFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** The tensors of a safetensors fixture of test/fixtures/. */
export function transformerTensors(name: string): Map<string, Tensor> {
  const bytes = new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
  return new Map(Object.entries(decodeSafetensors(bytes).tensors));
}

const num = (v: number | string): number => (typeof v === 'number' ? v : Number(v));

/** A tensor from a fixture. */
export function dec(e: TEnc, requiresGrad = false): Tensor {
  return tensor(e.data.map(num), { shape: e.shape, dtype: e.dtype, requiresGrad });
}

/**
 * Expects `got` to hold `want` by test-utils' `expectClose` (atol + rtol·|want|; NaN and ±Infinity
 * must match), after decoding the fixture's non-finite strings. Reads asynchronously, so it runs on
 * every backend (webgpu has no synchronous read).
 */
export async function expectNear(got: Tensor | null, want: TEnc, rtol = 1e-4, atol = 1e-5): Promise<void> {
  expect(got).not.toBeNull();
  await expectClose(got as Tensor, { shape: want.shape, data: want.data.map(num) }, rtol, atol);
}
