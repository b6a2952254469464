/**
 * Elementwise kernels on typed arrays: unary, binary, compare, where, cast, fill. Operands follow
 * the backend contract: dense from element 0, shapes left-padded to out's rank, each dim equal to
 * out's or 1.
 */
import type { BinaryOp, CompareOp, TypedArray, UnaryOp } from '@nnet/tensor';
import { broadcastOffsets, castScalar, shapesEqual as sameShape, sizeOf } from '@nnet/tensor';
import type { Dense as T } from './handle.js';
import { BINARY, COMPARE, erf, roundHalfEven, sigmoid, UNARY } from './scalar.js';

type UnaryLoop = (a: TypedArray, o: TypedArray, n: number) => void;

/**
 * One loop per op, each its own function literal: every call site inside sees one scalar
 * function, which V8 inlines. (One shared loop calling UNARY[op] sees them all, goes megamorphic
 * and runs 5-10x slower.) The scalar rules themselves are scalar.ts's.
 */
const UNARY_LOOPS: Record<UnaryOp, UnaryLoop> = {
  neg: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = UNARY.neg(a[i]);
  },
  abs: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.abs(a[i]);
  },
  sign: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = UNARY.sign(a[i]);
  },
  exp: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.exp(a[i]);
  },
  log: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.log(a[i]);
  },
  log1p: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.log1p(a[i]);
  },
  sqrt: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.sqrt(a[i]);
  },
  rsqrt: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = UNARY.rsqrt(a[i]);
  },
  reciprocal: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = UNARY.reciprocal(a[i]);
  },
  sin: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.sin(a[i]);
  },
  cos: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.cos(a[i]);
  },
  tanh: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.tanh(a[i]);
  },
  sigmoid: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = sigmoid(a[i]);
  },
  relu: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = UNARY.relu(a[i]);
  },
  erf: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = erf(a[i]);
  },
  floor: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.floor(a[i]);
  },
  ceil: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.ceil(a[i]);
  },
  round: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = roundHalfEven(a[i]);
  },
  logicalNot: (a, o, n) => {
    for (let i = 0; i < n; i++) o[i] = UNARY.logicalNot(a[i]);
  },
};

/**
 * out = op(x) elementwise, same shape (`RequiredKernels.unary`).
 *
 * @example
 * ```ts
 * const x: Dense = { handle: { data: new Float32Array([0, 1, 2]) }, dtype: 'float32', shape: [3] };
 * const out: Dense = { handle: { data: new Float32Array([0, 0, 0]) }, dtype: 'float32', shape: [3] };
 * unary('exp', x, out);
 * out.handle.data; // Float32Array [1, 2.7182817, 7.3890562]
 * ```
 */
export function unary(op: UnaryOp, x: T, out: T): void {
  UNARY_LOOPS[op](x.handle.data, out.handle.data, sizeOf(out.shape));
}

/** Applies f over broadcast operands, with fast paths for equal shapes and a scalar operand. */
function broadcastApply(a: T, b: T, out: T, o: TypedArray, f: (x: number, y: number) => number): void {
  const x = a.handle.data;
  const y = b.handle.data;
  const n = sizeOf(out.shape);
  if (sameShape(a.shape, out.shape) && sameShape(b.shape, out.shape)) {
    for (let i = 0; i < n; i++) o[i] = f(x[i], y[i]);
  } else if (sameShape(a.shape, out.shape) && sizeOf(b.shape) === 1) {
    const s = y[0];
    for (let i = 0; i < n; i++) o[i] = f(x[i], s);
  } else if (sizeOf(a.shape) === 1 && sameShape(b.shape, out.shape)) {
    const s = x[0];
    for (let i = 0; i < n; i++) o[i] = f(s, y[i]);
  } else {
    const ia = broadcastOffsets(out.shape, a.shape);
    const ib = broadcastOffsets(out.shape, b.shape);
    for (let i = 0; i < n; i++) o[i] = f(x[ia[i]], y[ib[i]]);
  }
}

/**
 * out = a op b with broadcasting (`RequiredKernels.binary`); fast paths for equal shapes and a
 * one-element operand.
 *
 * @example
 * ```ts
 * const a: Dense = { handle: { data: new Float32Array([1, 2, 3, 4, 5, 6]) }, dtype: 'float32', shape: [2, 3] };
 * const b: Dense = { handle: { data: new Float32Array([10, 20, 30]) }, dtype: 'float32', shape: [1, 3] };
 * const out: Dense = { handle: { data: new Float32Array([0, 0, 0, 0, 0, 0]) }, dtype: 'float32', shape: [2, 3] };
 * binary('add', a, b, out);
 * out.handle.data; // Float32Array [11, 22, 33, 14, 25, 36]
 * ```
 */
export function binary(op: BinaryOp, a: T, b: T, out: T): void {
  const o = out.handle.data;
  const x = a.handle.data;
  const y = b.handle.data;
  const n = sizeOf(out.shape);
  if (op === 'add' && sameShape(a.shape, out.shape) && sameShape(b.shape, out.shape)) {
    for (let i = 0; i < n; i++) o[i] = x[i] + y[i];
    return;
  }
  if (op === 'mul' && sameShape(a.shape, out.shape) && sameShape(b.shape, out.shape)) {
    for (let i = 0; i < n; i++) o[i] = x[i] * y[i];
    return;
  }
  broadcastApply(a, b, out, o, BINARY[op]);
}

/**
 * out (bool) = a op b with broadcasting (`RequiredKernels.compare`); out has the broadcast shape.
 *
 * @example
 * ```ts
 * const a: Dense = { handle: { data: new Float32Array([1, 5, 2, 4, 0, 9]) }, dtype: 'float32', shape: [2, 3] };
 * const b: Dense = { handle: { data: new Float32Array([3, 3, 3]) }, dtype: 'float32', shape: [1, 3] };
 * const out: Dense = { handle: { data: new Uint8Array([0, 0, 0, 0, 0, 0]) }, dtype: 'bool', shape: [2, 3] };
 * compare('lt', a, b, out); // out[i, j] = a[i, j] < b[0, j] ? 1 : 0
 * out.handle.data; // Uint8Array [1, 0, 1, 0, 1, 0]
 * ```
 */
export function compare(op: CompareOp, a: T, b: T, out: T): void {
  broadcastApply(a, b, out, out.handle.data, COMPARE[op]);
}

/**
 * out = cond ? a : b with broadcasting (`RequiredKernels.where`); out has the broadcast shape.
 *
 * @example
 * ```ts
 * const cond: Dense = { handle: { data: new Uint8Array([1, 0]) }, dtype: 'bool', shape: [2, 1] };
 * const a: Dense = { handle: { data: new Float32Array([1, 2, 3, 4, 5, 6]) }, dtype: 'float32', shape: [2, 3] };
 * const b: Dense = { handle: { data: new Float32Array([0]) }, dtype: 'float32', shape: [1, 1] };
 * const out: Dense = { handle: { data: new Float32Array([0, 0, 0, 0, 0, 0]) }, dtype: 'float32', shape: [2, 3] };
 * where(cond, a, b, out);
 * out.handle.data; // Float32Array [1, 2, 3, 0, 0, 0]
 * ```
 */
export function where(cond: T, a: T, b: T, out: T): void {
  const n = sizeOf(out.shape);
  const c = cond.handle.data;
  const x = a.handle.data;
  const y = b.handle.data;
  const o = out.handle.data;
  const ic = broadcastOffsets(out.shape, cond.shape);
  const ia = broadcastOffsets(out.shape, a.shape);
  const ib = broadcastOffsets(out.shape, b.shape);
  for (let i = 0; i < n; i++) o[i] = c[ic[i]] ? x[ia[i]] : y[ib[i]];
}

/**
 * out = x converted to out.dtype with `castScalar`'s rules (`RequiredKernels.cast`); same shape.
 *
 * @example
 * ```ts
 * const x: Dense = { handle: { data: new Float32Array([2.7, Number.NaN]) }, dtype: 'float32', shape: [2] };
 * const out: Dense = { handle: { data: new Int32Array([0, 0]) }, dtype: 'int32', shape: [2] };
 * cast(x, out);
 * out.handle.data; // Int32Array [2, 0]
 * ```
 */
export function cast(x: T, out: T): void {
  const a = x.handle.data;
  const o = out.handle.data;
  const n = sizeOf(out.shape);
  if (out.dtype === 'float32' || x.dtype === out.dtype) o.set(a.subarray(0, n));
  else for (let i = 0; i < n; i++) o[i] = castScalar(a[i], out.dtype);
}

/**
 * Every element of out = value converted to out.dtype (`RequiredKernels.fill`); any shape.
 *
 * @example
 * ```ts
 * const out: Dense = { handle: { data: new Int32Array([0, 0, 0, 0, 0, 0]) }, dtype: 'int32', shape: [2, 3] };
 * fill(out, 7.9);
 * out.handle.data; // Int32Array [7, 7, 7, 7, 7, 7]
 * ```
 */
export function fill(out: T, value: number): void {
  out.handle.data.fill(castScalar(value, out.dtype), 0, sizeOf(out.shape));
}
