/**
 * Test helpers only @nnet/onnx needs: run a model in ONNX Runtime or back through importOnnx, the
 * largest absolute difference between nnet's and ONNX Runtime's outputs, the files of test/fixtures/,
 * and the export check every export test uses. The helpers every package shares (backend setup,
 * expectClose, gradcheck, PyTorch fixtures) are @nnet/test-utils's.
 */
import { readFileSync } from 'node:fs';
import type { Module } from '@nnet/layers';
import { noGrad, type Tensor } from '@nnet/tensor';
import { readFixture } from '@nnet/test-utils';
import * as ort from 'onnxruntime-node';
import { afterAll, expect } from 'vitest';
import { type ExportOptions, exportOnnx, importOnnx } from '../src/index.js';

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
  return readFixture<T>(new URL(`./fixtures/${name}`, import.meta.url));
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

/**
 * The worst |nnet - ONNX Runtime| and |nnet - importOnnx(exportOnnx(nnet))| per label of one test
 * file, printed after its tests (`what` names the file's models in the printout).
 */
export class ExportErrors {
  readonly measured: Record<string, number> = {};
  readonly roundTrip: Record<string, number> = {};
  constructor(what: string) {
    afterAll(() => {
      console.log(`max |nnet - onnxruntime|${what}:`, JSON.stringify(this.measured));
      console.log(`max |nnet - importOnnx(exportOnnx(nnet))|${what}:`, JSON.stringify(this.roundTrip));
    });
  }
}

/**
 * Exports `model` on `example` and checks every output of ONNX Runtime, and of the file imported
 * back with importOnnx, against nnet's (`run`) on each set of inputs (the sets differ in their
 * dynamic axes): shapes equal, max abs error ≤ 1e-5. Records the worst errors under `label` (the
 * largest over calls with the same label) and returns the file's bytes.
 */
export async function checkExport(
  errors: ExportErrors,
  label: string,
  model: Module,
  example: Tensor | (Tensor | null)[],
  sets: (Tensor | null)[][],
  run: (inputs: (Tensor | null)[]) => Tensor[],
  options: ExportOptions,
): Promise<Uint8Array> {
  const bytes = await exportOnnx(model, example, options);
  model.eval();
  let worst = 0;
  let worstBack = 0;
  for (const set of sets) {
    const given = set.filter((t): t is Tensor => t !== null);
    const names = Array.isArray(example)
      ? (options.inputNames ?? Object.keys(options.dynamicAxes ?? {}).slice(0, given.length))
      : ['input'];
    const got = await runOrtAll(bytes, Object.fromEntries(given.map((t, i) => [names[i], t])));
    const back = await runImported(bytes, given);
    const want = noGrad(() => run(set));
    const outs = Object.values(got);
    expect(outs.length).toBe(want.length);
    expect(back.length).toBe(want.length);
    for (let k = 0; k < want.length; k++) {
      expect(outs[k].dims).toEqual(want[k].shape);
      expect(back[k].dims).toEqual(want[k].shape);
      const w = await want[k].data();
      worst = Math.max(worst, maxAbsDiff(outs[k].data, w));
      worstBack = Math.max(worstBack, maxAbsDiff(back[k].data, w));
      want[k].dispose();
    }
  }
  const keep = (table: Record<string, number>, v: number) => {
    table[label] = Math.max(table[label] ?? 0, Number(v.toExponential(2)));
  };
  keep(errors.measured, worst);
  keep(errors.roundTrip, worstBack);
  expect(worst).toBeLessThanOrEqual(1e-5);
  expect(worstBack).toBeLessThanOrEqual(1e-5);
  return bytes;
}
