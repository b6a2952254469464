/**
 * Trigonometric and hyperbolic functions and their inverses, `atan2` and `expm1`, composed from
 * the required kernels: `tan`, `atan`, `asin`, `acos`, `sinh`, `cosh`, `asinh`, `acosh`, `atanh`.
 * Each records one node with its closed-form derivative beside it (or composes recorded ops).
 * Float functions of int or bool inputs compute in float32, like PyTorch.
 */

import { compute, record } from '../autograd.js';
import { withOp } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { add, div, logicalAnd, logicalOr, mul, sub, where, withOperands } from './binary.js';
import { eq, gt, lt } from './compare.js';
import { pointwise } from './pointwise.js';
import { abs, cast, cos, exp, log, log1p, neg, reciprocal, sign, sin, sqrt } from './unary.js';

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
 *
 * ```ts
 * tan(tensor([0, 1]))   // [2] → [0, 1.5574]
 * ```
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
 *
 * ```ts
 * atan(tensor([0, 1]))   // [2] → [0, 0.7854]
 * ```
 */
export function atan(x: Tensor): Tensor {
  return pointwise('atan', x, atanValue, (v) => reciprocal(add(mul(v, v), 1)), true);
}

/**
 * asin x = atan(x / √((1 - x)(1 + x))), in [-π/2, π/2]; NaN outside [-1, 1].
 *   d/dx = 1/√(1 - x²)
 *
 * ```ts
 * asin(tensor([0, 1]))   // [2] → [0, 1.5708]
 * ```
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
 *
 * ```ts
 * acos(tensor([1, 0, -1]))   // [3] → [0, 1.5708, 3.1416]
 * ```
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
 *
 * ```ts
 * expm1(tensor([0, 1e-5]))   // [2] → [0, 1.000005e-5] (exp(x) - 1 in float32 would give ≈ 1.0014e-5)
 * ```
 */
export function expm1(x: Tensor): Tensor {
  return pointwise('expm1', x, expm1Value, (_v, y) => add(y, 1), true);
}

/**
 * sinh x = (eˣ - e⁻ˣ)/2, computed as ½(u + u/(u + 1)) with u = eˣ - 1 (accurate near 0).
 *   d/dx = cosh x
 *
 * ```ts
 * sinh(tensor([0, 1]))   // [2] → [0, 1.1752]
 * ```
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
 *
 * ```ts
 * cosh(tensor([0, 1]))   // [2] → [1, 1.5431]
 * ```
 */
export function cosh(x: Tensor): Tensor {
  return pointwise('cosh', x, coshValue, (v) => sinh(v), true);
}

const BIG = 1e10;

/**
 * asinh x = sign(x)·ln(|x| + √(x² + 1)), computed as log1p(|x| + x²/(1 + √(1 + x²))) (accurate
 * near 0) and as ln|x| + ln 2 for |x| > 1e10 (no overflow of x²).
 *   d/dx = 1/√(x² + 1)
 *
 * ```ts
 * asinh(tensor([0, 1]))   // [2] → [0, 0.8814]
 * ```
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
 *
 * ```ts
 * acosh(tensor([1, 2]))   // [2] → [0, 1.3170]
 * ```
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
 *
 * ```ts
 * atanh(tensor([0, 0.5]))   // [2] → [0, 0.5493]
 * ```
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
 * atan2(y, x): the angle of the point (x, y), in [-π, π], broadcasting y and x.
 *   ∂/∂y = x/(x² + y²), ∂/∂x = -y/(x² + y²)
 *
 * ```ts
 * atan2(tensor([1, 1]), tensor([1, -1]))   // [2], [2] → [0.7854, 2.3562] (π/4, 3π/4)
 * ```
 */
export function atan2(y: TensorLike, x: TensorLike): Tensor {
  return withOp('atan2', () => {
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
  });
}
