/**
 * Test helpers of @nnet/onnx. The repo has no shared test-utility package yet (layers and loss each
 * keep their own fixtures_helpers.ts), so this is the minimal local one: run a model in ONNX
 * Runtime, and the largest absolute difference between two arrays.
 */
import { readFileSync } from 'node:fs';
import type { Tensor } from '@nnet/tensor';
import * as ort from 'onnxruntime-node';

/** Runs `bytes` in ONNX Runtime's CPU provider on one input and returns the first output. */
export async function runOrt(
  bytes: Uint8Array,
  input: Tensor,
  inputName = 'input',
): Promise<{ data: Float32Array; dims: number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const data = await input.data();
  const feed = new ort.Tensor(input.dtype === 'int32' ? 'int32' : 'float32', data, input.shape);
  const out = await session.run({ [inputName]: feed });
  const first = out[session.outputNames[0]];
  await session.release();
  return { data: first.data as Float32Array, dims: [...first.dims] };
}

/** max |a - b|, NaN if a value is not finite or the lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.NaN;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!Number.isFinite(d)) return Number.NaN;
    m = Math.max(m, d);
  }
  return m;
}

/** Reads a file from test/fixtures/. */
export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
}

/** Reads a JSON fixture from test/fixtures/. */
export function fixtureJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}
