/**
 * Loading the committed PyTorch fixtures (`fixtures/*.json`, written by scripts/gen_fixtures.py and,
 * for sortRows, cumsum, resizeAxis(+Backward) and crossEntropy(+Backward),
 * packages/backend-testkit/scripts/gen_fixtures_scan_sort_resize_ce.py).
 * NaN and ±Infinity are stored as the strings "NaN", "Infinity" and "-Infinity".
 */
import { readFileSync } from 'node:fs';
import type { DType, TypedArray } from '@nnet/tensor';

/** A tensor as the fixtures store it: dtype, shape and the row-major values. */
export interface EncodedTensor {
  /** Element type: 'float32', 'int32' or 'bool'. */
  dtype: DType;
  /** The dims, e.g. `[2, 3]` (`[]` for a scalar). */
  shape: number[];
  /** The values in row-major order, prod(shape) of them; NaN and ±Infinity as strings. */
  data: (number | string)[];
}

/** One kernel case: call kernel `kernel` on `inputs` (with `params`) and expect `out`. */
export interface KernelCase {
  /** Stable kernel id: 'unary.exp', 'binary.add', 'matmul', 'conv2d', ... */
  kernel: string;
  /** Unique, readable: 'binary.add ranks 2,3', 'conv2d x(2, 4, 7, 6) ...'. */
  name: string;
  /** The kernel's tensor arguments in contract order (null for an absent bias or buffer). */
  inputs: (EncodedTensor | null)[];
  /** The expected output (for in-place kernels: the first updated input). */
  out: EncodedTensor;
  /** A second output (maxPool2d's indices). */
  out2?: EncodedTensor;
  /** In-place kernels (optimizer updates): each input's value afterwards (null: must be unchanged). */
  expected?: (EncodedTensor | null)[];
  /** Non-tensor arguments: axes, axis, transA/transB, conv and pool geometry, fill value, ... */
  params?: Record<string, unknown>;
}

/** One front-end op case: y = op(inputs), and the gradient of sum(y · weight) for each input. */
export interface OpCase {
  /** The key into `OPS` that says how to call the op through the front end. */
  op: string;
  /** Unique, readable test name. */
  name: string;
  /** The op's keyword arguments (dims, stride, padding, ...), passed to the front-end call. */
  kwargs: Record<string, unknown>;
  /** The float32 tensor inputs, in the op's argument order (made with requiresGrad: true). */
  inputs: EncodedTensor[];
  /** The expected forward output y. */
  out: EncodedTensor;
  /** W, y's shape: the backward pass differentiates sum(y · W). */
  weight: EncodedTensor;
  /** d sum(y · weight) / d input, computed by PyTorch in float64 (null: not differentiable). */
  grads: (EncodedTensor | null)[];
  /** Non-differentiable arguments: a where condition, gather indices, ... */
  extra?: Record<string, unknown>;
}

/**
 * A fixture number: a JSON number or one of "NaN", "Infinity", "-Infinity".
 *
 * @example
 * ```ts
 * import { decodeNumber } from '@nnet/backend-testkit';
 *
 * decodeNumber('-Infinity'); // -Infinity
 * decodeNumber(0.5);         // 0.5
 * ```
 */
export function decodeNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  throw new Error(`fixture value ${JSON.stringify(v)} is not a number`);
}

/**
 * The values of an encoded tensor as the typed array of its dtype.
 *
 * @example
 * ```ts
 * import { decode } from '@nnet/backend-testkit';
 *
 * decode({ dtype: 'float32', shape: [2], data: [1, 'NaN'] }); // Float32Array [1, NaN]
 * ```
 */
export function decode(t: EncodedTensor): TypedArray {
  const values = t.data.map(decodeNumber);
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (values.length !== size) {
    throw new Error(`fixture tensor of shape [${t.shape}] holds ${values.length} values, not ${size}`);
  }
  if (t.dtype === 'int32') return Int32Array.from(values);
  if (t.dtype === 'bool') return Uint8Array.from(values);
  return Float32Array.from(values);
}

/**
 * A short description of a case's tensors for failure messages: dtype, shape and the first few
 * values of each ('x0 float32[2,3] [0.1, -2, NaN, ...]'; null for an absent bias).
 *
 * @example
 * ```ts
 * import { describeTensors } from '@nnet/backend-testkit';
 *
 * describeTensors([{ dtype: 'int32', shape: [2], data: [1, 2] }, null]);
 * // 'x0 int32[2] [1, 2]; x1 (none)'
 * ```
 */
export function describeTensors(tensors: readonly (EncodedTensor | null | undefined)[], values = 6): string {
  return tensors
    .map((t, i) => {
      if (!t) return `x${i} (none)`;
      const head = t.data.slice(0, values).map((v) => String(decodeNumber(v)));
      const more = t.data.length > values ? `, ... (${t.data.length} values)` : '';
      return `x${i} ${t.dtype}[${t.shape.join(',')}] [${head.join(', ')}${more}]`;
    })
    .join('; ');
}

interface FixtureFile<T> {
  generator: string;
  torch: string;
  cases: T[];
}

const cache = new Map<string, unknown[]>();

function load<T>(file: string): T[] {
  let cases = cache.get(file);
  if (!cases) {
    const url = new URL(`../fixtures/${file}`, import.meta.url);
    cases = (JSON.parse(readFileSync(url, 'utf8')) as FixtureFile<T>).cases;
    cache.set(file, cases);
  }
  return cases as T[];
}

/** The kernel fixture files, in the order their cases run. */
const KERNEL_FIXTURE_FILES: readonly string[] = ['kernels.json', 'kernels_scan_sort_resize_ce.json'];

/**
 * Every kernel case of the kernel fixture files (`fixtures/kernels*.json`).
 *
 * @example
 * ```ts
 * import { kernelCases } from '@nnet/backend-testkit';
 *
 * kernelCases().filter((c) => c.kernel === 'matmul').length; // 25 matmul cases
 * ```
 */
export function kernelCases(): KernelCase[] {
  return KERNEL_FIXTURE_FILES.flatMap((f) => load<KernelCase>(f));
}

/**
 * Every op case of `fixtures/ops.json`.
 *
 * @example
 * ```ts
 * import { opCases } from '@nnet/backend-testkit';
 *
 * opCases()[0].name; // 'neg', the first of the cases of fixtures/ops.json
 * ```
 */
export function opCases(): OpCase[] {
  return load<OpCase>('ops.json');
}
