/**
 * Test helpers of @nnet/onnx. The repo has no shared test-utility package yet (layers and loss each
 * keep their own fixtures_helpers.ts), so this is the minimal local one: run a model in ONNX
 * Runtime or back through importOnnx, and the largest absolute difference between two arrays.
 */
import { readFileSync } from 'node:fs';
import { noGrad, type Tensor } from '@nnet/tensor';
import * as ort from 'onnxruntime-node';
import { importOnnx } from '../src/index.js';

/** Runs `bytes` in ONNX Runtime's CPU provider on one input and returns the first output. */
export async function runOrt(
  bytes: Uint8Array,
  input: Tensor,
  inputName = 'input',
): Promise<{ data: Float32Array; dims: number[] }> {
  return Object.values(await runOrtAll(bytes, { [inputName]: input }))[0];
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

/** Runs `bytes` in ONNX Runtime's CPU provider on named inputs and returns every output by name. */
export async function runOrtAll(
  bytes: Uint8Array,
  feeds: Record<string, Tensor>,
): Promise<Record<string, { data: Float32Array; dims: number[] }>> {
  const session = await ort.InferenceSession.create(bytes);
  const input: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    const data = await t.data();
    input[name] =
      t.dtype === 'bool'
        ? new ort.Tensor(
            'bool',
            Uint8Array.from(data, (v) => (v ? 1 : 0)),
            t.shape,
          )
        : new ort.Tensor(t.dtype === 'int32' ? 'int32' : 'float32', data, t.shape);
  }
  const out = await session.run(input);
  await session.release();
  const result: Record<string, { data: Float32Array; dims: number[] }> = {};
  for (const name of session.outputNames) {
    result[name] = { data: out[name].data as Float32Array, dims: [...out[name].dims] };
  }
  return result;
}

/**
 * Runs `bytes` through `importOnnx` (the round trip of an export) on the graph's inputs in order and
 * returns every output in the graph's order, read back; the imported module is disposed.
 */
export async function runImported(
  bytes: Uint8Array,
  inputs: Tensor[],
): Promise<{ data: ArrayLike<number>; dims: number[] }[]> {
  const model = importOnnx(bytes);
  const outs = noGrad(() => model.run(Object.fromEntries(model.inputNames.map((n, i) => [n, inputs[i]]))));
  const result: { data: ArrayLike<number>; dims: number[] }[] = [];
  for (const name of model.outputNames) {
    result.push({ data: await outs[name].data(), dims: [...outs[name].shape] });
    outs[name].dispose();
  }
  model.dispose();
  return result;
}
