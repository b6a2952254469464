// The scalar rules of the float32 elementwise kernels. They restate @nnet/kernels-js's scalar.ts
// (the TypeScript kernels' single source) in AssemblyScript; test/scalar-rules.test.ts checks
// the two agree on every rule.

import { Binary, Unary } from '../src/codes';

/** erf: the Maclaurin series to n = 8 for |x| < 0.5, else 1 - erfc(|x|) with Numerical Recipes' fit. */
function erf(x: f64): f64 {
  const z = Math.abs(x);
  if (z < 0.5) {
    const s = x * x;
    return 1.1283791670955126 * x * (1.0 + s * (-1.0 / 3.0 + s * (1.0 / 10.0 + s * (-1.0 / 42.0 + s * (1.0 / 216.0 +
      s * (-1.0 / 1320.0 + s * (1.0 / 9360.0 + s * (-1.0 / 75600.0 + s / 685440.0))))))));
  }
  const t = 1.0 / (1.0 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1.0 - r : r - 1.0;
}

/** Round half to even. */
function roundHalfEven(x: f64): f64 {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) == 0.5 && r % 2 != 0 ? r - 1 : r;
}

/** The logistic function without overflow for either sign of x. */
@inline export function sigmoid(x: f64): f64 {
  return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
}

/** op(x) for a Unary code (sign(NaN) = 0, sign(±0) = ±0, relu(NaN) = NaN). */
@inline export function unaryScalar(op: i32, x: f64): f64 {
  switch (op) {
    case Unary.neg: return -x;
    case Unary.abs: return Math.abs(x);
    case Unary.sign: return x > 0 ? 1 : x < 0 ? -1 : x == 0 ? x : 0;
    case Unary.exp: return Math.exp(x);
    case Unary.log: return Math.log(x);
    case Unary.log1p: return Math.log1p(x);
    case Unary.sqrt: return Math.sqrt(x);
    case Unary.rsqrt: return 1.0 / Math.sqrt(x);
    case Unary.reciprocal: return 1.0 / x;
    case Unary.sin: return Math.sin(x);
    case Unary.cos: return Math.cos(x);
    case Unary.tanh: return Math.tanh(x);
    case Unary.sigmoid: return sigmoid(x);
    case Unary.relu: return x > 0 ? x : x == x ? 0 : x;
    case Unary.erf: return erf(x);
    case Unary.floor: return Math.floor(x);
    case Unary.ceil: return Math.ceil(x);
    case Unary.round: return roundHalfEven(x);
    default: return x;
  }
}

/**
 * a op b for a Binary code on float32: C's pow (pow(1, NaN) = 1); maximum/minimum are wasm's
 * f32.max/f32.min, Math.max/Math.min's rule (NaN propagates, +0 is above -0, in either order).
 */
@inline export function binaryScalar(op: i32, a: f32, b: f32): f32 {
  switch (op) {
    case Binary.add: return a + b;
    case Binary.sub: return a - b;
    case Binary.mul: return a * b;
    case Binary.div: return a / b;
    case Binary.pow: return a == 1 ? 1 : <f32>Math.pow(<f64>a, <f64>b);
    case Binary.maximum: return max(a, b);
    case Binary.minimum: return min(a, b);
    default: return 0;
  }
}

/** a op b on int32 (add, sub, mul wrap; maximum, minimum). */
@inline export function binaryScalarI32(op: i32, a: i32, b: i32): i32 {
  switch (op) {
    case Binary.add: return a + b;
    case Binary.sub: return a - b;
    case Binary.mul: return a * b;
    case Binary.maximum: return max(a, b);
    default: return min(a, b);
  }
}
