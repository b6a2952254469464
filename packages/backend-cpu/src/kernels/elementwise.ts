/** Elementwise kernels: unary, binary, compare, where, cast, fill. */
import type { BinaryOp, CompareOp, TensorInfo, TypedArray, UnaryOp } from '@nnet/tensor';
import { broadcastOffsets, castScalar, shapesEqual as sameShape, sizeOf } from '@nnet/tensor';
import type { CpuHandle } from '../handle.js';

type T = TensorInfo<CpuHandle>;

/** erf(x) = 1 - erfc(|x|) with the Chebyshev-fitted erfc of Numerical Recipes (fractional error < 1.2e-7). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? x : 0),
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  reciprocal: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  relu: (x) => (x > 0 ? x : x === x ? 0 : x),
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  logicalNot: (x) => (x ? 0 : 1),
};

export function unary(op: UnaryOp, x: T, out: T): void {
  const a = x.handle.data;
  const o = out.handle.data;
  const n = sizeOf(out.shape);
  switch (op) {
    case 'exp':
      for (let i = 0; i < n; i++) o[i] = Math.exp(a[i]);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) o[i] = Math.tanh(a[i]);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const v = a[i];
        o[i] = v > 0 ? v : v === v ? 0 : v;
      }
      return;
    case 'neg':
      for (let i = 0; i < n; i++) o[i] = -a[i];
      return;
    default: {
      const f = UNARY[op];
      for (let i = 0; i < n; i++) o[i] = f(a[i]);
    }
  }
}

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  // C's pow: 1 to any power (even NaN) is 1; JavaScript's ** gives NaN there.
  pow: (a, b) => (a === 1 ? 1 : a ** b),
  maximum: (a, b) => (a !== a || b !== b ? Number.NaN : Math.max(a, b)),
  minimum: (a, b) => (a !== a || b !== b ? Number.NaN : Math.min(a, b)),
  logicalAnd: (a, b) => (a && b ? 1 : 0),
  logicalOr: (a, b) => (a || b ? 1 : 0),
};

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

const COMPARE: Record<CompareOp, (a: number, b: number) => number> = {
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
};

export function compare(op: CompareOp, a: T, b: T, out: T): void {
  broadcastApply(a, b, out, out.handle.data, COMPARE[op]);
}

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

export function cast(x: T, out: T): void {
  const a = x.handle.data;
  const o = out.handle.data;
  const n = sizeOf(out.shape);
  if (out.dtype === 'float32' || x.dtype === out.dtype) o.set(a.subarray(0, n));
  else for (let i = 0; i < n; i++) o[i] = castScalar(a[i], out.dtype);
}

export function fill(out: T, value: number): void {
  out.handle.data.fill(castScalar(value, out.dtype), 0, sizeOf(out.shape));
}
