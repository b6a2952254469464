/**
 * More elementwise math, composed from the required kernels: `log2`/`log10`, `trunc`,
 * `fmod`/`remainder`/`floorDivide`, `lerp`, `addcmul`/`addcdiv`, `logaddexp`, `xlogy`,
 * tensor-bound `clampTensor` (the trigonometric and hyperbolic functions are in trig.ts).
 * Each records one node with its closed-form derivative beside it (or composes recorded ops).
 * Float functions of int or bool inputs compute in float32, like PyTorch.
 */
import { compute, record } from '../autograd.js';
import { isFloat } from '../dtype.js';
import { DTypeError, ValueError, withOp } from '../errors.js';
import { tidy } from '../scope.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { add, div, logicalAnd, logicalOr, maximum, mul, sub, where, withOperands } from './binary.js';
import { eq, ge, isnan, le, lt } from './compare.js';
import { zerosLike } from './creation.js';
import { checkNumber, checkTensor } from './kernel.js';
import { pointwise } from './pointwise.js';
import { abs, cast, ceil, exp, floor, log, log1p, neg, reciprocal, sigmoid } from './unary.js';

/**
 * log₂ x = ln x / ln 2.
 *   d/dx = 1/(x ln 2)
 *
 * ```ts
 * log2(tensor([1, 8]))   // [2] → [0, 3]
 * ```
 */
export function log2(x: Tensor): Tensor {
  return pointwise(
    'log2',
    x,
    (v) => div(log(v), Math.LN2),
    (v) => reciprocal(mul(v, Math.LN2)),
    true,
  );
}

/**
 * log₁₀ x = ln x / ln 10.
 *   d/dx = 1/(x ln 10)
 *
 * ```ts
 * log10(tensor([1, 1000]))   // [2] → [0, 3]
 * ```
 */
export function log10(x: Tensor): Tensor {
  return pointwise(
    'log10',
    x,
    (v) => div(log(v), Math.LN10),
    (v) => reciprocal(mul(v, Math.LN10)),
    true,
  );
}

/** Rounds toward zero (unrecorded). */
function truncValue(x: Tensor): Tensor {
  return where(lt(x, 0), ceil(x), floor(x));
}

/**
 * Rounds toward zero; ints are returned as they are. Zero gradient.
 * Shapes: x → same shape and dtype.
 *
 * ```ts
 * trunc(tensor([1.7, -1.7]))   // [2] → [1, -1]
 * ```
 */
export function trunc(x: Tensor): Tensor {
  checkTensor('trunc', x);
  if (!isFloat(x.dtype)) return x.reshape(x.shape);
  const y = compute(() => truncValue(x));
  return record('trunc', [x], y, [], (g) => [zerosLike(g)]);
}

/**
 * Python-style two-operand ops on a common dtype: `fmod`, `remainder`, `floorDivide`.
 * Integer operands compute through float32 (exact for |values| < 2²⁴) and return int32.
 */
function division(
  op: 'fmod' | 'remainder' | 'floorDivide',
  a: TensorLike,
  b: TensorLike,
  round: (q: Tensor) => Tensor,
): Tensor {
  return withOperands(op, a, b, (x, y, dtype) => {
    if (dtype === 'bool') throw new DTypeError(`${op}: bool operands; cast to int32 or float32 first.`);
    const value = compute(() => {
      const q = round(div(x, y));
      const r = op === 'floorDivide' ? q : sub(x, mul(q, y));
      return dtype === 'float32' ? r : cast(r, dtype);
    });
    if (op === 'floorDivide' || dtype !== 'float32') return value;
    // r = a - round(a/b)·b:   ∂r/∂a = 1,  ∂r/∂b = -round(a/b)
    return record(op, [x, y], value, [x, y], (g, [sx, sy], needs) => [
      needs[0] ? g : null,
      needs[1] ? mul(g, neg(round(div(sx, sy)))) : null,
    ]);
  });
}

/**
 * C-style remainder a - trunc(a/b)·b: the sign of the dividend.
 *   ∂/∂a = 1, ∂/∂b = -trunc(a/b)
 *
 * ```ts
 * fmod(tensor([-3, 3]), 2)   // [-1, 1]
 * ```
 */
export function fmod(a: TensorLike, b: TensorLike): Tensor {
  return withOp('fmod', () => {
    return division('fmod', a, b, truncValue);
  });
}

/**
 * Python-style remainder a - floor(a/b)·b: the sign of the divisor.
 *   ∂/∂a = 1, ∂/∂b = -floor(a/b)
 *
 * ```ts
 * remainder(tensor([-3, 3]), 2)   // [1, 1]
 * ```
 */
export function remainder(a: TensorLike, b: TensorLike): Tensor {
  return withOp('remainder', () => {
    return division('remainder', a, b, floor);
  });
}

/**
 * floor(a/b) (PyTorch's floor_divide); int32 for int operands. No gradient (like PyTorch).
 * Shapes: a, b broadcast → broadcast shape; promoted dtype (int32 for int operands).
 *
 * ```ts
 * floorDivide(tensor([7, -7], { dtype: 'int32' }), 2)   // [2] int32 → [3, -4] int32
 * ```
 */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  return withOp('floorDivide', () => {
    return division('floorDivide', a, b, floor);
  });
}

/**
 * start + weight·(end - start), broadcasting all three (weight may be a number).
 *   ∂/∂start = 1 - w, ∂/∂end = w, ∂/∂weight = end - start   (by composition)
 *
 * ```ts
 * lerp(tensor([0, 10]), tensor([10, 20]), 0.5)   // [2] → [5, 15]
 * ```
 */
export function lerp(start: Tensor, end: Tensor, weight: TensorLike): Tensor {
  return withOp('lerp', () => {
    checkTensor('lerp', start, 'start');
    checkTensor('lerp', end, 'end');
    if (start.dtype !== 'float32' || end.dtype !== 'float32') {
      throw new DTypeError(`lerp: expects float32 start and end, got ${start.dtype} and ${end.dtype}.`);
    }
    return tidy(() => add(start, mul(weight, sub(end, start))));
  });
}

/**
 * x + value·t1·t2 (broadcasting).   ∂/∂x = 1, ∂/∂t1 = value·t2, ∂/∂t2 = value·t1 (by composition)
 * Shapes: x, t1, t2 broadcast → broadcast shape.
 *
 * ```ts
 * addcmul(tensor([1, 1]), tensor([2, 3]), tensor([4, 5]), 0.5)   // [2] → [5, 8.5]
 * ```
 */
export function addcmul(x: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  return withOp('addcmul', () => {
    checkTensor('addcmul', x);
    checkTensor('addcmul', t1, 't1');
    checkTensor('addcmul', t2, 't2');
    checkNumber('addcmul', 'value', value);
    return tidy(() => add(x, mul(mul(t1, t2), value)));
  });
}

/**
 * x + value·t1/t2 (broadcasting).   ∂/∂x = 1, ∂/∂t1 = value/t2, ∂/∂t2 = -value·t1/t2² (by composition)
 * Shapes: x, t1, t2 broadcast → broadcast shape.
 *
 * ```ts
 * addcdiv(tensor([1, 1]), tensor([2, 3]), tensor([4, 6]), 2)   // [2] → [2, 2]
 * ```
 */
export function addcdiv(x: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  return withOp('addcdiv', () => {
    checkTensor('addcdiv', x);
    checkTensor('addcdiv', t1, 't1');
    checkTensor('addcdiv', t2, 't2');
    checkNumber('addcdiv', 'value', value);
    if (!isFloat(t1.dtype) && !isFloat(t2.dtype)) {
      throw new DTypeError(
        'addcdiv: integer division of t1 by t2 is not supported; cast one of them to float32.',
      );
    }
    return tidy(() => add(x, mul(div(t1, t2), value)));
  });
}

/**
 * ln(eᵃ + eᵇ), computed as max(a, b) + log1p(e^(-|a - b|)) (no overflow; -∞ when both are -∞).
 *   ∂/∂a = σ(a - b), ∂/∂b = σ(b - a)
 *
 * ```ts
 * logaddexp(tensor([0, 1000]), tensor([0, 1000]))   // [2] → [0.6931, 1000.6931] (no overflow)
 * ```
 */
export function logaddexp(a: TensorLike, b: TensorLike): Tensor {
  return withOp('logaddexp', () => {
    return withOperands(
      'logaddexp',
      a,
      b,
      (x, y) => {
        const value = compute(() => {
          const m = maximum(x, y);
          const out = add(m, log1p(exp(neg(abs(sub(x, y))))));
          // Equal infinities: a - b is NaN, but the answer is the infinity itself.
          return where(logicalAnd(eq(x, y), eq(abs(x), Number.POSITIVE_INFINITY)), x, out);
        });
        return record('logaddexp', [x, y], value, [x, y], (g, [sx, sy], needs) => [
          needs[0] ? mul(g, sigmoid(sub(sx, sy))) : null,
          needs[1] ? mul(g, sigmoid(sub(sy, sx))) : null,
        ]);
      },
      'float32',
    );
  });
}

/**
 * x·ln y, and 0 where x = 0 (unless y is NaN).
 *   ∂/∂x = ln y (0 where x = 0 and y <= 0, PyTorch's rule);  ∂/∂y = x/y
 *
 * ```ts
 * xlogy(tensor([0, 2]), tensor([0, Math.E]))   // [2] → [0, 2] (0·ln 0 = 0)
 * ```
 */
export function xlogy(x: TensorLike, y: TensorLike): Tensor {
  return withOp('xlogy', () => {
    return withOperands(
      'xlogy',
      x,
      y,
      (a, b) => {
        const value = compute(() => where(logicalAnd(eq(a, 0), logicalNotNan(b)), 0, mul(a, log(b))));
        return record('xlogy', [a, b], value, [a, b], (g, [sa, sb], needs) => [
          needs[0] ? where(logicalAnd(eq(sa, 0), le(sb, 0)), 0, mul(g, log(sb))) : null,
          needs[1] ? mul(g, div(sa, sb)) : null,
        ]);
      },
      'float32',
    );
  });
}

function logicalNotNan(x: Tensor): Tensor {
  return eq(x, x);
}

/**
 * Clamps `x` into [min, max] with tensor (or number) bounds that broadcast with x; where
 * min > max the result is max (PyTorch's rule). At least one bound must be given.
 *   ∂/∂x = 1 where min <= x <= max;  ∂/∂min = 1 where x < min;  ∂/∂max = 1 where x > max
 *
 * ```ts
 * clampTensor(tensor([-2, 0.5, 3]), tensor([0, 1, 0]), 2)   // [3] → [0, 1, 2]
 * ```
 */
export function clampTensor(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  checkTensor('clamp', x);
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new ValueError('clamp: give at least one of min and max.');
  }
  if (x.dtype === 'bool') throw new DTypeError('clamp: bool input; cast to float32 or int32 first.');
  const lo = min ?? null;
  const hi = max ?? null;
  return tidy(() => {
    let out: Tensor = x;
    if (lo !== null) out = maximumFirst(out, lo);
    if (hi !== null) out = minimumFirst(out, hi);
    return out;
  });
}

/**
 * max(x, bound) whose gradient goes wholly to x on ties (clamp's rule), unlike `maximum`'s
 * even split.   ∂/∂x = 1 where x >= bound, ∂/∂bound = 1 where x < bound
 */
function maximumFirst(x: Tensor, bound: TensorLike): Tensor {
  return withOperands('clamp', x, bound, (a, b) => {
    const v = compute(() => where(logicalOr(ge(a, b), isnan(a)), a, b));
    return record('clamp', [a, b], v, [a, b], (g, [sa, sb], needs) => {
      const keep = logicalOr(ge(sa, sb), isnan(sa));
      return [needs[0] ? where(keep, g, 0) : null, needs[1] ? where(keep, 0, g) : null];
    });
  });
}

/** min(x, bound), the gradient wholly to x on ties.   ∂/∂x = 1 where x <= bound, ∂/∂bound = 1 where x > bound */
function minimumFirst(x: Tensor, bound: TensorLike): Tensor {
  return withOperands('clamp', x, bound, (a, b) => {
    const v = compute(() => where(logicalOr(le(a, b), isnan(a)), a, b));
    return record('clamp', [a, b], v, [a, b], (g, [sa, sb], needs) => {
      const keep = logicalOr(le(sa, sb), isnan(sa));
      return [needs[0] ? where(keep, g, 0) : null, needs[1] ? where(keep, 0, g) : null];
    });
  });
}
