/**
 * Making tensors: from data, filled, ranges, identity, and random (from the front end's seeded
 * generator, so every backend gets the same numbers).
 */

import { noGrad } from '../autograd.js';
import { allocArray, DTYPES, type DType, dtypeOfArray, type TypedArray } from '../dtype.js';
import { checkOptions, DTypeError, describeValue, ShapeError, ValueError } from '../errors.js';
import { defaultGenerator, type Generator, Generator as GeneratorClass } from '../random.js';
import { fmtShape, type Shape, shapesEqual, sizeOf } from '../shape.js';
import { checkStorageSize } from '../storage.js';
import type { NestedArray, Tensor } from '../tensor.js';
import { backendFor, checkNumber, checkTensor, empty, materialize, withDense } from './kernel.js';

const CREATE_KEYS = ['dtype', 'requiresGrad'] as const;
const RANDOM_KEYS = ['dtype', 'requiresGrad', 'generator'] as const;

function checkRequiresGrad(op: string, options: CreateOptions, dtype: DType): void {
  const rg = options.requiresGrad;
  if (rg === undefined) return;
  if (typeof rg !== 'boolean') {
    throw new ValueError(`${op}: requiresGrad must be true or false, got ${describeValue(rg)}.`);
  }
  if (rg && dtype !== 'float32') {
    throw new DTypeError(
      `${op}: only float32 tensors can require gradients, this one would be ${dtype}; drop requiresGrad or use dtype 'float32'.`,
    );
  }
}

/**
 * Options of `tensor(data, options)`: the dtype (default inferred: float32 for numbers, bool for
 * booleans), a shape for flat data, and requiresGrad.
 *
 *   tensor([1, 2, 3, 4], { shape: [2, 2], dtype: 'int32' })
 */
export interface TensorOptions {
  /** Element type; float32 unless the data says otherwise (booleans, a typed array). */
  dtype?: DType;
  /** Shape of the result, when `data` is flat. */
  shape?: readonly number[];
  /** Record operations on the result for autograd (a float32 leaf whose `.grad` backward fills); default false. */
  requiresGrad?: boolean;
}

/**
 * Options of the creation functions: the dtype (default float32) and whether the result
 * requires grad.
 *
 *   zeros([2, 3], { dtype: 'int32' })
 */
export interface CreateOptions {
  /** Element type of the result; default 'float32'. */
  dtype?: DType;
  /** Record operations on the result for autograd (float32 only); default false. */
  requiresGrad?: boolean;
}

/**
 * Options of the random creation functions: `CreateOptions` plus the generator to draw from
 * (default: the library's seeded one).
 *
 *   randn([2, 3], { generator: new Generator(7) })
 */
export interface RandomOptions extends CreateOptions {
  /** Generator to draw from (the library's seeded default otherwise). */
  generator?: Generator;
}

/** Nested arrays, a typed array, or a single number/boolean. */
export type TensorData = NestedArray | TypedArray | readonly number[];

/**
 * Throws a DTypeError naming `op` unless `dtype` is one nnet supports.
 *
 * ```ts
 * checkDType('zeros', 'float32')   // ok, returns nothing
 * checkDType('zeros', 'float64' as DType)   // throws DTypeError: zeros: unsupported dtype 'float64'; ...
 * ```
 */
export function checkDType(op: string, dtype: DType): void {
  if (!DTYPES.includes(dtype)) {
    throw new DTypeError(
      `${op}: unsupported dtype ${typeof dtype === 'string' ? `'${dtype}'` : describeValue(dtype)}; use one of ${DTYPES.join(', ')}` +
        ' (float16, float64 and int64 are not supported: use float32 or int32).',
    );
  }
}

export function checkShape(op: string, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) {
    throw new ShapeError(`${op}: shape must be an array of sizes, e.g. [2, 3]; got ${String(shape)}.`);
  }
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${op}: shape ${fmtShape(shape)} has an invalid size ${typeof d === 'number' ? d : describeValue(d)}; sizes are integers >= 0.`,
      );
    }
  }
  return [...shape];
}

/** Wraps a typed array as a new tensor on the current backend. */
export function fromTypedArray(
  data: TypedArray,
  shape: Shape,
  dtype: DType,
  requiresGrad = false,
  op = 'tensor',
): Tensor {
  const t = empty(shape, dtype, op);
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
      throw new ValueError(
        `tensor: element ${describeValue(data)} is not a number or boolean; data must hold only numbers or booleans (nested arrays of them, or a typed array).`,
      );
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
 * ```ts
 * tensor([[1, 2], [3, 4]])                       // float32 [2, 2]
 * tensor([0, 2, 1], { dtype: 'int32' })          // class indices
 * tensor(new Float32Array(6), { shape: [2, 3] })
 * ```
 */
export function tensor(data: TensorData, options: TensorOptions = {}): Tensor {
  checkOptions('tensor', options, ['dtype', 'shape', 'requiresGrad']);
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
  checkRequiresGrad('tensor', options, dtype);
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

/**
 * A 0-d tensor holding `value`.
 *
 * Shapes: → [].
 *
 * ```ts
 * scalar(3)            // [] → 3 float32
 * scalar(3, 'int32')   // [] → 3 int32
 * ```
 */
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return filled('scalar', [], value, { dtype });
}

/** `full` under the name of the op the user called (zeros, ones, fullLike, ...). */
function filled(op: string, shape: readonly number[], value: number, options: CreateOptions): Tensor {
  checkOptions(op, options, CREATE_KEYS);
  const s = checkShape(op, shape);
  if (typeof value === 'boolean') value = value ? 1 : 0;
  checkNumber(op, 'value', value, false);
  const dtype = options.dtype ?? 'float32';
  checkDType(op, dtype);
  checkRequiresGrad(op, options, dtype);
  const t = empty(s, dtype, op);
  if (t.size > 0) withDense(op, [], (_i, backend) => backend.fill(t._info(), value));
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * A tensor of `shape` with every element `value`.
 *
 * Shapes: shape → shape.
 *
 * ```ts
 * full([2, 2], 7)   // [[7, 7], [7, 7]] float32
 * ```
 */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

/**
 * A tensor of `shape` filled with 0.
 *
 * Shapes: shape → shape.
 *
 * ```ts
 * zeros([2, 3])   // [[0, 0, 0], [0, 0, 0]] float32
 * ```
 */
export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

/**
 * A tensor of `shape` filled with 1.
 *
 * Shapes: shape → shape.
 *
 * ```ts
 * ones([3], { dtype: 'int32' })   // [1, 1, 1] int32
 * ```
 */
export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

function filledLike(op: string, t: Tensor, value: number, options: CreateOptions): Tensor {
  checkTensor(op, t);
  checkOptions(op, options, CREATE_KEYS);
  return filled(op, t.shape, value, { dtype: t.dtype, ...options });
}

/**
 * A tensor of `t`'s shape (and dtype, unless given) filled with `value`.
 *
 * Shapes: t [...] → [...].
 *
 * ```ts
 * fullLike(tensor([[1, 2]]), 5)   // [1, 2] → [[5, 5]]
 * ```
 */
export function fullLike(t: Tensor, value: number, options: CreateOptions = {}): Tensor {
  return filledLike('fullLike', t, value, options);
}

/**
 * Zeros with `t`'s shape (and dtype unless `options.dtype` says otherwise).
 *
 * ```ts
 * zerosLike(tensor([[1, 2]]))   // [[0, 0]]
 * ```
 */
export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return filledLike('zerosLike', t, 0, options);
}

/**
 * Ones with `t`'s shape (and dtype unless `options.dtype` says otherwise).
 *
 * ```ts
 * onesLike(tensor([[1, 2]]))   // [[1, 1]]
 * ```
 */
export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return filledLike('onesLike', t, 1, options);
}

/**
 * Values from `start` (inclusive) to `end` (exclusive) by `step`; `arange(5)` is 0..4.
 * The dtype is int32 when all arguments are integers, float32 otherwise (or as given).
 *
 * Shapes: → [⌈(end − start)/step⌉].
 *
 * ```ts
 * arange(5)             // [0, 1, 2, 3, 4] int32
 * arange(0, 1, 0.25)    // [0, 0.25, 0.5, 0.75] float32
 * ```
 */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  checkOptions('arange', options, CREATE_KEYS);
  if (end === undefined) {
    end = start;
    start = 0;
  }
  checkNumber('arange', 'start', start);
  checkNumber('arange', 'end', end);
  checkNumber('arange', 'step', step);
  if (step === 0) throw new ValueError(`arange: step must be a non-zero finite number, got ${step}.`);
  if ((end - start) / step < 0) {
    throw new ValueError(
      `arange: step ${step} moves away from end (start ${start}, end ${end}); flip its sign.`,
    );
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = options.dtype ?? ([start, end, step].every(Number.isInteger) ? 'int32' : 'float32');
  checkDType('arange', dtype);
  checkRequiresGrad('arange', options, dtype);
  checkStorageSize('arange', [n], dtype);
  const data = allocArray(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return fromTypedArray(data, [n], dtype, options.requiresGrad, 'arange');
}

/**
 * `steps` evenly spaced values from `start` to `end`, both included.
 *
 * Shapes: → [steps].
 *
 * ```ts
 * linspace(0, 1, 5)   // [0, 0.25, 0.5, 0.75, 1] float32
 * ```
 */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  checkOptions('linspace', options, CREATE_KEYS);
  checkNumber('linspace', 'start', start);
  checkNumber('linspace', 'end', end);
  if (!Number.isInteger(steps) || steps < 0)
    throw new ValueError(`linspace: steps must be an integer >= 0, got ${describeValue(steps)}.`);
  const dtype = options.dtype ?? 'float32';
  checkDType('linspace', dtype);
  checkRequiresGrad('linspace', options, dtype);
  checkStorageSize('linspace', [steps], 'float32');
  const data = new Float32Array(steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Like PyTorch, fill the second half from the end so both endpoints are exact.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) data[i] = i < half ? start + i * delta : end - (steps - 1 - i) * delta;
  return fromTypedArray(data, [steps], dtype, options.requiresGrad, 'linspace');
}

/**
 * The `n` x `m` identity matrix (m defaults to n).
 *
 * Shapes: → [n, m].
 *
 * ```ts
 * eye(2, 3)   // [[1, 0, 0], [0, 1, 0]] float32
 * ```
 */
export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  checkOptions('eye', options, CREATE_KEYS);
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 0 || m < 0) {
    throw new ValueError(
      `eye: sizes must be integers >= 0, got ${describeValue(n)} and ${describeValue(m)}.`,
    );
  }
  const dtype = options.dtype ?? 'float32';
  checkDType('eye', dtype);
  checkRequiresGrad('eye', options, dtype);
  checkStorageSize('eye', [n, m], dtype);
  const data = allocArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return fromTypedArray(data, [n, m], dtype, options.requiresGrad, 'eye');
}

function randomTensor(
  op: string,
  shape: readonly number[],
  options: RandomOptions,
  draw: (g: Generator) => number,
): Tensor {
  checkOptions(op, options, RANDOM_KEYS);
  const s = checkShape(op, shape);
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32')
    throw new DTypeError(`${op}: only float32 is supported, got ${String(dtype)}; use randint for integers.`);
  checkRequiresGrad(op, options, dtype);
  const g = checkGenerator(op, options.generator);
  checkStorageSize(op, s, dtype);
  const data = new Float32Array(sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = draw(g);
  return fromTypedArray(data, s, dtype, options.requiresGrad, op);
}

/**
 * Uniform samples in [0, 1) (float32 only).
 *
 * Shapes: shape → shape.
 *
 * ```ts
 * manualSeed(0); rand([2])                  // [0.8869, 0.2640]
 * rand([2, 3], { generator: new Generator(7) })
 * ```
 */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return randomTensor('rand', shape, options, (g) => g.uniform());
}

/**
 * Standard normal samples (mean 0, standard deviation 1; float32 only).
 *
 * Shapes: shape → shape.
 *
 * ```ts
 * manualSeed(0); randn([2])   // [-1.3735, -2.6233]
 * ```
 */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return randomTensor('randn', shape, options, (g) => g.normal());
}

/**
 * Uniform integers in [low, high) as int32. Throws ValueError unless low < high are integers.
 *
 * Shapes: shape → shape.
 *
 * ```ts
 * manualSeed(0); randint(0, 10, [4])   // [6, 5, 2, 6] int32
 * ```
 */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  options: RandomOptions = {},
): Tensor {
  checkOptions('randint', options, RANDOM_KEYS);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ValueError(
      `randint: need integers low < high, got low=${describeValue(low)}, high=${describeValue(high)}.`,
    );
  }
  const s = checkShape('randint', shape);
  const dtype = options.dtype ?? 'int32';
  checkDType('randint', dtype);
  if (options.requiresGrad) {
    throw new DTypeError('randint: integer tensors cannot require gradients; drop requiresGrad.');
  }
  const g = checkGenerator('randint', options.generator);
  checkStorageSize('randint', s, 'int32');
  const data = new Int32Array(sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = g.int(low, high);
  return fromTypedArray(data, s, dtype, false, 'randint');
}

function checkGenerator(op: string, g: unknown): Generator {
  if (g === undefined) return defaultGenerator;
  if (!(g instanceof GeneratorClass)) {
    throw new ValueError(
      `${op}: generator must be a Generator (new Generator(seed)), got ${describeValue(g)}.`,
    );
  }
  return g;
}

/** Copies `src` into `dst`'s storage in place (no autograd); see `Tensor.assign`. */
export function assign(dst: Tensor, src: Tensor): void {
  checkTensor('assign', dst, 'destination');
  checkTensor('assign', src, 'source');
  if (!shapesEqual(dst.shape, src.shape)) {
    throw new ShapeError(
      `assign: source shape ${fmtShape(src.shape)} does not match destination ${fmtShape(dst.shape)}; the shapes must be equal (reshape or expand the source first).`,
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
