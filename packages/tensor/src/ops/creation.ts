/**
 * Making tensors: from data, filled, ranges, identity, and random (from the front end's seeded
 * generator, so every backend gets the same numbers).
 */

import { noGrad } from '../autograd.js';
import { allocArray, DTYPES, type DType, dtypeOfArray, type TypedArray } from '../dtype.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { defaultGenerator, type Generator } from '../random.js';
import { fmtShape, type Shape, shapesEqual, sizeOf } from '../shape.js';
import type { NestedArray, Tensor } from '../tensor.js';
import { backendFor, empty, materialize, withDense } from './kernel.js';

export interface TensorOptions {
  /** Element type; float32 unless the data says otherwise (booleans, a typed array). */
  dtype?: DType;
  /** Shape of the result, when `data` is flat. */
  shape?: readonly number[];
  requiresGrad?: boolean;
}

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends CreateOptions {
  /** Generator to draw from (the library's seeded default otherwise). */
  generator?: Generator;
}

/** Nested arrays, a typed array, or a single number/boolean. */
export type TensorData = NestedArray | TypedArray | readonly number[];

function checkDType(op: string, dtype: DType): void {
  if (!DTYPES.includes(dtype)) {
    throw new DTypeError(`${op}: unknown dtype '${String(dtype)}'; use one of ${DTYPES.join(', ')}.`);
  }
}

export function checkShape(op: string, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) {
    throw new ShapeError(`${op}: shape must be an array of sizes, e.g. [2, 3]; got ${String(shape)}.`);
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${op}: shape ${fmtShape(shape)} has an invalid size ${d}; sizes are integers >= 0.`,
      );
    }
  }
  return [...shape];
}

/** Wraps a typed array as a new tensor on the current backend. */
export function fromTypedArray(data: TypedArray, shape: Shape, dtype: DType, requiresGrad = false): Tensor {
  const t = empty(shape, dtype);
  backendFor('tensor', []);
  const typed = dtypeOfArray(data) === dtype ? data : convertArray(data, dtype);
  if (t.size > 0) t._storage.backend.write(t._storage.handle, typed);
  if (requiresGrad) t.requiresGrad = true;
  return t;
}

function convertArray(data: ArrayLike<number>, dtype: DType): TypedArray {
  const out = allocArray(dtype, data.length);
  if (dtype === 'bool') for (let i = 0; i < data.length; i++) out[i] = data[i] ? 1 : 0;
  else if (dtype === 'int32') for (let i = 0; i < data.length; i++) out[i] = Math.trunc(data[i]);
  else out.set(data);
  return out;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function flatten(
  data: NestedArray,
  shape: number[],
  out: number[],
  dim: number,
  sawBool: { v: boolean },
): void {
  if (dim === shape.length) {
    if (Array.isArray(data)) {
      throw new ShapeError(
        `tensor: nested data is ragged; every list at depth ${dim} must have the same length.`,
      );
    }
    if (typeof data === 'boolean') {
      sawBool.v = true;
      out.push(data ? 1 : 0);
    } else if (typeof data === 'number') {
      out.push(data);
    } else {
      throw new ValueError(`tensor: element ${String(data)} is not a number or boolean.`);
    }
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[dim]) {
    throw new ShapeError(
      `tensor: nested data is ragged: expected a list of length ${shape[dim]} at depth ${dim}; ` +
        'every row must have the same length.',
    );
  }
  for (const x of data) flatten(x, shape, out, dim + 1, sawBool);
}

/**
 * Makes a tensor from nested arrays, a typed array or a number.
 *
 *   tensor([[1, 2], [3, 4]])                       // float32 [2, 2]
 *   tensor([0, 2, 1], { dtype: 'int32' })          // class indices
 *   tensor(new Float32Array(6), { shape: [2, 3] })
 */
export function tensor(data: TensorData, options: TensorOptions = {}): Tensor {
  let flat: ArrayLike<number>;
  let shape: number[];
  let dtype: DType;
  if (ArrayBuffer.isView(data)) {
    flat = data as TypedArray;
    shape = [flat.length];
    dtype = options.dtype ?? dtypeOfArray(data as TypedArray);
  } else {
    shape = inferShape(data as NestedArray);
    const values: number[] = [];
    const sawBool = { v: false };
    flatten(data as NestedArray, shape, values, 0, sawBool);
    flat = values;
    dtype = options.dtype ?? (sawBool.v ? 'bool' : 'float32');
  }
  checkDType('tensor', dtype);
  if (options.shape) {
    const target = checkShape('tensor', options.shape);
    if (sizeOf(target) !== flat.length) {
      throw new ShapeError(
        `tensor: shape ${fmtShape(target)} needs ${sizeOf(target)} elements but the data has ${flat.length}.`,
      );
    }
    shape = target;
  }
  const typed =
    ArrayBuffer.isView(flat) && dtypeOfArray(flat as TypedArray) === dtype
      ? (flat as TypedArray)
      : convertArray(flat, dtype);
  return fromTypedArray(typed, shape, dtype, options.requiresGrad ?? false);
}

/** A 0-d tensor holding `value`. */
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return full([], value, { dtype });
}

/** A tensor of `shape` with every element `value`. */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  const s = checkShape('full', shape);
  const dtype = options.dtype ?? 'float32';
  checkDType('full', dtype);
  const t = empty(s, dtype);
  if (t.size > 0) withDense('full', [], (_i, backend) => backend.fill(t._info(), value));
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return full(shape, 0, options);
}

export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return full(shape, 1, options);
}

export function fullLike(t: Tensor, value: number, options: CreateOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, ...options });
}

export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return fullLike(t, 0, options);
}

export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return fullLike(t, 1, options);
}

/**
 * Values from `start` (inclusive) to `end` (exclusive) by `step`; `arange(5)` is 0..4.
 * The dtype is int32 when all arguments are integers, float32 otherwise (or as given).
 */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step))
    throw new ValueError(`arange: step must be a non-zero finite number, got ${step}.`);
  if ((end - start) / step < 0) {
    throw new ValueError(
      `arange: step ${step} moves away from end (start ${start}, end ${end}); flip its sign.`,
    );
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = options.dtype ?? ([start, end, step].every(Number.isInteger) ? 'int32' : 'float32');
  const data = allocArray(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return fromTypedArray(data, [n], dtype, options.requiresGrad);
}

/** `steps` evenly spaced values from `start` to `end`, both included. */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0)
    throw new ValueError(`linspace: steps must be an integer >= 0, got ${steps}.`);
  const data = new Float32Array(steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Like PyTorch, fill the second half from the end so both endpoints are exact.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) data[i] = i < half ? start + i * delta : end - (steps - 1 - i) * delta;
  return fromTypedArray(data, [steps], options.dtype ?? 'float32', options.requiresGrad);
}

/** The `n` x `m` identity matrix (m defaults to n). */
export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 0 || m < 0) {
    throw new ValueError(`eye: sizes must be integers >= 0, got ${n} and ${m}.`);
  }
  const dtype = options.dtype ?? 'float32';
  const data = allocArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return fromTypedArray(data, [n, m], dtype, options.requiresGrad);
}

function randomTensor(
  op: string,
  shape: readonly number[],
  options: RandomOptions,
  draw: (g: Generator) => number,
): Tensor {
  const s = checkShape(op, shape);
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32')
    throw new DTypeError(`${op}: only float32 is supported, got ${dtype}; use randint for integers.`);
  const g = options.generator ?? defaultGenerator;
  const data = new Float32Array(sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = draw(g);
  return fromTypedArray(data, s, dtype, options.requiresGrad);
}

/** Uniform samples in [0, 1). */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return randomTensor('rand', shape, options, (g) => g.uniform());
}

/** Standard normal samples. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return randomTensor('randn', shape, options, (g) => g.normal());
}

/** Uniform integers in [low, high) as int32. */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  options: RandomOptions = {},
): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ValueError(`randint: need integers low < high, got low=${low}, high=${high}.`);
  }
  const s = checkShape('randint', shape);
  const g = options.generator ?? defaultGenerator;
  const data = new Int32Array(sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = g.int(low, high);
  return fromTypedArray(data, s, options.dtype ?? 'int32');
}

/** Copies `src` into `dst`'s storage in place (no autograd); see `Tensor.assign`. */
export function assign(dst: Tensor, src: Tensor): void {
  if (!shapesEqual(dst.shape, src.shape)) {
    throw new ShapeError(
      `assign: source shape ${fmtShape(src.shape)} does not match destination ${fmtShape(dst.shape)}.`,
    );
  }
  if (!dst._isDense()) {
    throw new ValueError(
      'assign: the destination must be a contiguous tensor (not a view); call contiguous() first.',
    );
  }
  noGrad(() => {
    const backend = backendFor('assign', [dst, src]);
    if (dst.size === 0) return;
    let s = src;
    if (s.dtype !== dst.dtype) {
      const dense = s._isDense() ? s : materialize(s);
      s = empty(src.shape, dst.dtype);
      backend.cast(dense._info(), s._info());
      if (dense !== src) dense.dispose();
    }
    backend.copyStrided(s._strided(), dst._info());
    if (s !== src) s.dispose();
  });
}
