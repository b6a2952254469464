/**
 * More elementwise math, composed from the required kernels: trigonometric and hyperbolic
 * functions and their inverses, `atan2`, `expm1`, `log2`/`log10`, `trunc`, `fmod`/`remainder`/
 * `floorDivide`, `lerp`, `addcmul`/`addcdiv`, `logaddexp`, `xlogy`, tensor-bound `clampTensor`.
 * Each records one node with its closed-form derivative beside it (or composes recorded ops).
 * Float functions of int or bool inputs compute in float32, like PyTorch.
 */
import { compute, record } from '../autograd.js';
import { isFloat } from '../dtype.js';
import { DTypeError, ValueError } from '../errors.js';
import { tidy } from '../scope.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { add, div, logicalAnd, logicalOr, maximum, mul, sub, where, withOperands } from './binary.js';
import { eq, ge, gt, isnan, le, lt } from './compare.js';
import { zerosLike } from './creation.js';
import { pointwise } from './pointwise.js';
import {
  abs,
  cast,
  ceil,
  cos,
  exp,
  floor,
  log,
  log1p,
  neg,
  reciprocal,
  sigmoid,
  sign,
  sin,
  sqrt,
} from './unary.js';

const HALF_PI = Math.PI / 2;

/** atan on |u| <= tan(π/8): u·Σₖ (-1)ᵏ u²ᵏ/(2k + 1) for k = 0..7, by Horner (error < 2e-8). */
function atanSmall(u: Tensor): Tensor {
  const z = mul(u, u);
  const c = (k: number) => (k % 2 === 0 ? 1 : -1) / (2 * k + 1);
  let p = add(mul(z, c(7)), c(6));
  for (let k = 5; k >= 0; k--) p = add(mul(z, p), c(k));
  return mul(u, p);
}

/** atan(x) (unrecorded): range reduction to [0, 1] by 1/x, then the half-angle step, then a series. */
function atanValue(x: Tensor): Tensor {
  const a = abs(x);
  const inv = gt(a, 1);
  const t = where(inv, reciprocal(a), a);
  // atan t = 2·atan(t / (1 + √(1 + t²))), and t / (1 + √(1 + t²)) <= tan(π/8) for t <= 1.
  const u = div(t, add(sqrt(add(mul(t, t), 1)), 1));
  const r = mul(atanSmall(u), 2);
  return mul(sign(x), where(inv, sub(HALF_PI, r), r));
}

/**
 * tan x = sin x / cos x.
 *   d/dx = 1 + tan² x = 1 + y²
 */
export function tan(x: Tensor): Tensor {
  return pointwise(
    'tan',
    x,
    (v) => div(sin(v), cos(v)),
    (_v, y) => add(mul(y, y), 1),
    true,
  );
}

/**
 * atan x, in (-π/2, π/2).
 *   d/dx = 1/(1 + x²)
 */
export function atan(x: Tensor): Tensor {
  return pointwise('atan', x, atanValue, (v) => reciprocal(add(mul(v, v), 1)), true);
}

/**
 * asin x = atan(x / √((1 - x)(1 + x))), in [-π/2, π/2]; NaN outside [-1, 1].
 *   d/dx = 1/√(1 - x²)
 */
export function asin(x: Tensor): Tensor {
  return pointwise(
    'asin',
    x,
    (v) => {
      const c = sqrt(mul(sub(1, v), add(v, 1)));
      // At |x| = 1, c = 0 and x/c = ±∞, whose atan is ±π/2.
      return atanValue(div(v, c));
    },
    (v) => reciprocal(sqrt(sub(1, mul(v, v)))),
    true,
  );
}

/**
 * acos x = 2·atan(√((1 - x)/(1 + x))), in [0, π]; NaN outside [-1, 1].
 *   d/dx = -1/√(1 - x²)
 */
export function acos(x: Tensor): Tensor {
  return pointwise(
    'acos',
    x,
    (v) => mul(atanValue(sqrt(div(sub(1, v), add(v, 1)))), 2),
    (v) => neg(reciprocal(sqrt(sub(1, mul(v, v))))),
    true,
  );
}

/** eˣ - 1 (unrecorded), accurate near 0: u = eˣ, then (u - 1)·x / ln u (Kahan's trick). */
function expm1Value(x: Tensor): Tensor {
  const u = exp(x);
  const um1 = sub(u, 1);
  const accurate = div(mul(um1, x), log(u));
  // u = 1: x itself; u = 0 (x → -∞): -1; u = ∞: ∞.
  return where(eq(u, 1), x, where(eq(u, 0), -1, where(eq(u, Number.POSITIVE_INFINITY), u, accurate)));
}

/**
 * eˣ - 1, accurate for small x.
 *   d/dx = eˣ = y + 1
 */
export function expm1(x: Tensor): Tensor {
  return pointwise('expm1', x, expm1Value, (_v, y) => add(y, 1), true);
}

/**
 * sinh x = (eˣ - e⁻ˣ)/2, computed as ½(u + u/(u + 1)) with u = eˣ - 1 (accurate near 0).
 *   d/dx = cosh x
 */
export function sinh(x: Tensor): Tensor {
  return pointwise(
    'sinh',
    x,
    (v) => {
      const u = expm1Value(abs(v));
      // On |x| to avoid u/(u + 1) at u = -1; sinh is odd.
      return mul(mul(add(u, div(u, add(u, 1))), 0.5), sign(v));
    },
    (v) => coshValue(v),
    true,
  );
}

function coshValue(x: Tensor): Tensor {
  const e = exp(abs(x));
  return mul(add(e, reciprocal(e)), 0.5);
}

/**
 * cosh x = (eˣ + e⁻ˣ)/2.
 *   d/dx = sinh x
 */
export function cosh(x: Tensor): Tensor {
  return pointwise('cosh', x, coshValue, (v) => sinh(v), true);
}

const BIG = 1e10;

/**
 * asinh x = sign(x)·ln(|x| + √(x² + 1)), computed as log1p(|x| + x²/(1 + √(1 + x²))) (accurate
 * near 0) and as ln|x| + ln 2 for |x| > 1e10 (no overflow of x²).
 *   d/dx = 1/√(x² + 1)
 */
export function asinh(x: Tensor): Tensor {
  return pointwise(
    'asinh',
    x,
    (v) => {
      const a = abs(v);
      const a2 = mul(a, a);
      const small = log1p(add(a, div(a2, add(sqrt(add(a2, 1)), 1))));
      return mul(sign(v), where(gt(a, BIG), add(log(a), Math.LN2), small));
    },
    (v) => reciprocal(sqrt(add(mul(v, v), 1))),
    true,
  );
}

/**
 * acosh x = ln(x + √(x² - 1)) for x >= 1 (NaN below), computed as log1p(t + √(2t + t²)) with
 * t = x - 1 (accurate near 1) and as ln x + ln 2 for x > 1e10.
 *   d/dx = 1/√(x² - 1)
 */
export function acosh(x: Tensor): Tensor {
  return pointwise(
    'acosh',
    x,
    (v) => {
      const t = sub(v, 1);
      const near = log1p(add(t, sqrt(add(mul(t, 2), mul(t, t)))));
      return where(gt(v, BIG), add(log(v), Math.LN2), near);
    },
    (v) => reciprocal(sqrt(sub(mul(v, v), 1))),
    true,
  );
}

/**
 * atanh x = ½·log1p(2x/(1 - x)); ±∞ at ±1, NaN outside [-1, 1].
 *   d/dx = 1/(1 - x²)
 */
export function atanh(x: Tensor): Tensor {
  return pointwise(
    'atanh',
    x,
    (v) => mul(log1p(div(mul(v, 2), sub(1, v))), 0.5),
    (v) => reciprocal(sub(1, mul(v, v))),
    true,
  );
}

/**
 * log₂ x = ln x / ln 2.
 *   d/dx = 1/(x ln 2)
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

/** Rounds toward zero; ints are returned as they are. Zero gradient. */
export function trunc(x: Tensor): Tensor {
  x._check('trunc');
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
 *   fmod(tensor([-3, 3]), 2)   // [-1, 1]
 */
export function fmod(a: TensorLike, b: TensorLike): Tensor {
  return division('fmod', a, b, truncValue);
}

/**
 * Python-style remainder a - floor(a/b)·b: the sign of the divisor.
 *   ∂/∂a = 1, ∂/∂b = -floor(a/b)
 *
 *   remainder(tensor([-3, 3]), 2)   // [1, 1]
 */
export function remainder(a: TensorLike, b: TensorLike): Tensor {
  return division('remainder', a, b, floor);
}

/** floor(a/b) (PyTorch's floor_divide); int32 for int operands. No gradient (like PyTorch). */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  return division('floorDivide', a, b, floor);
}

/**
 * start + weight·(end - start), broadcasting all three (weight may be a number).
 *   ∂/∂start = 1 - w, ∂/∂end = w, ∂/∂weight = end - start   (by composition)
 */
export function lerp(start: Tensor, end: Tensor, weight: TensorLike): Tensor {
  start._check('lerp');
  end._check('lerp');
  if (start.dtype !== 'float32' || end.dtype !== 'float32') {
    throw new DTypeError(`lerp: expects float32 start and end, got ${start.dtype} and ${end.dtype}.`);
  }
  return tidy(() => add(start, mul(weight, sub(end, start))));
}

/**
 * x + value·t1·t2 (broadcasting).   ∂/∂x = 1, ∂/∂t1 = value·t2, ∂/∂t2 = value·t1 (by composition)
 */
export function addcmul(x: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  x._check('addcmul');
  return tidy(() => add(x, mul(mul(t1, t2), value)));
}

/**
 * x + value·t1/t2 (broadcasting).   ∂/∂x = 1, ∂/∂t1 = value/t2, ∂/∂t2 = -value·t1/t2² (by composition)
 */
export function addcdiv(x: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  x._check('addcdiv');
  if (!isFloat(t1.dtype) && !isFloat(t2.dtype)) {
    throw new DTypeError(
      'addcdiv: integer division of t1 by t2 is not supported; cast one of them to float32.',
    );
  }
  return tidy(() => add(x, mul(div(t1, t2), value)));
}

/**
 * ln(eᵃ + eᵇ), computed as max(a, b) + log1p(e^(-|a - b|)) (no overflow; -∞ when both are -∞).
 *   ∂/∂a = σ(a - b), ∂/∂b = σ(b - a)
 */
export function logaddexp(a: TensorLike, b: TensorLike): Tensor {
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
}

/**
 * x·ln y, and 0 where x = 0 (unless y is NaN).
 *   ∂/∂x = ln y (0 where x = 0 and y <= 0, PyTorch's rule);  ∂/∂y = x/y
 */
export function xlogy(x: TensorLike, y: TensorLike): Tensor {
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
}

function logicalNotNan(x: Tensor): Tensor {
  return eq(x, x);
}

/**
 * Clamps `x` into [min, max] with tensor (or number) bounds that broadcast with x; where
 * min > max the result is max (PyTorch's rule). At least one bound must be given.
 *   ∂/∂x = 1 where min <= x <= max;  ∂/∂min = 1 where x < min;  ∂/∂max = 1 where x > max
 */
export function clampTensor(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  x._check('clamp');
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

/**
 * atan2(y, x): the angle of the point (x, y), in [-π, π], broadcasting y and x.
 *   ∂/∂y = x/(x² + y²), ∂/∂x = -y/(x² + y²)
 */
export function atan2(y: TensorLike, x: TensorLike): Tensor {
  return withOperands(
    'atan2',
    y,
    x,
    (sy, sx) => {
      const value = compute(() => {
        const base = atanValue(div(sy, sx));
        // y's sign, with -0 counted as negative (1/-0 = -∞), picks ±π in the left half-plane.
        const yNeg = logicalOr(lt(sy, 0), eq(reciprocal(sy), Number.NEGATIVE_INFINITY));
        const xNeg = logicalOr(lt(sx, 0), eq(reciprocal(sx), Number.NEGATIVE_INFINITY));
        // ±π by y's sign: π - 2π·[y < 0].
        const piByY = add(mul(cast(yNeg, 'float32'), -2 * Math.PI), Math.PI);
        const shifted = where(xNeg, add(base, piByY), base);
        // x = ±0, y = ±0: y/x is NaN; the answer is ±0 (x = +0) or ±π (x = -0).
        const bothZero = logicalAnd(eq(sy, 0), eq(sx, 0));
        const zeroCase = where(xNeg, piByY, sy);
        // Both infinite: y/x is NaN; the answer is ±π/4 or ±3π/4.
        const inf = Number.POSITIVE_INFINITY;
        const bothInf = logicalAnd(eq(abs(sy), inf), eq(abs(sx), inf));
        const infCase = mul(add(mul(cast(xNeg, 'float32'), Math.PI / 2), Math.PI / 4), sign(sy));
        return where(bothZero, zeroCase, where(bothInf, infCase, shifted));
      });
      return record('atan2', [sy, sx], value, [sy, sx], (g, [a, b], needs) => {
        const r = reciprocal(add(mul(a, a), mul(b, b)));
        return [needs[0] ? mul(g, mul(b, r)) : null, needs[1] ? mul(g, mul(neg(a), r)) : null];
      });
    },
    'float32',
  );
}
