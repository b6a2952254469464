/**
 * The scalar rules of the elementwise kernels, each written once: every typed-array kernel here
 * (and so the CPU backend and the WASM backend's TypeScript paths) applies these functions. The
 * AssemblyScript kernels of `@nnet/backend-wasm` restate them in their own language; its tests
 * check them against these.
 */
import type { BinaryOp, CompareOp, UnaryOp } from '@nnet/tensor';

/** 2/√π, erf's slope at 0. */
const ERF_SMALL = 1.1283791670955126;

/** Σ (−1)ⁿ sⁿ / (n!(2n + 1)) for n = 0..8 (Horner in s = x²): erf(x) = 2/√π·x·erfSeries(x²). */
function erfSeries(s: number): number {
  return (
    1 +
    s *
      (-1 / 3 +
        s *
          (1 / 10 +
            s * (-1 / 42 + s * (1 / 216 + s * (-1 / 1320 + s * (1 / 9360 + s * (-1 / 75600 + s / 685440)))))))
  );
}

/**
 * erf(x): for |x| < 0.5 its Maclaurin series 2/√π·Σ (−1)ⁿ x²ⁿ⁺¹ / (n!(2n + 1)) to n = 8 (relative
 * error < 1e-12, exactly odd, erf(±0) = ±0); beyond, 1 − erfc(|x|) with the Chebyshev-fitted erfc
 * of Numerical Recipes (fractional error < 1.2e-7), whose absolute error of ~3e-8 near 0 would
 * otherwise swamp erf itself (it gave erf(0) = −3e-8 and the wrong sign for |x| < 3e-8).
 *
 * @example
 * ```ts
 * erf(1); // 0.8427007877600067
 * erf(-1); // -0.8427007877600067
 * erf(0); // 0
 * erf(1e-9); // 1.1283791670955127e-9 (relative error < 1e-12 below 0.5)
 * ```
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  if (z < 0.5) return ERF_SMALL * x * erfSeries(x * x);
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

/**
 * Rounds to the nearest integer, ties to the even one (PyTorch's and NumPy's `round`).
 *
 * @example
 * ```ts
 * roundHalfEven(2.5); // 2
 * roundHalfEven(3.5); // 4
 * roundHalfEven(-0.5); // -0
 * ```
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The logistic function 1 / (1 + e^-x), computed without overflow for either sign of x.
 *
 * @example
 * ```ts
 * sigmoid(0); // 0.5
 * sigmoid(-1000); // 0 (not NaN)
 * ```
 */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * C's `pow`: 1 to any power (even NaN) is 1, any number to the power ±0 is 1 (JavaScript's `**`
 * gives NaN for 1 ** NaN).
 *
 * @example
 * ```ts
 * powC(1, Number.NaN); // 1 (1 ** NaN is NaN)
 * powC(Number.NaN, 0); // 1
 * powC(2, 3); // 8
 * ```
 */
export function powC(a: number, b: number): number {
  return a === 1 ? 1 : a ** b;
}

/**
 * Elementwise unary functions by op, with PyTorch's values at the edges (`UnaryOp`'s doc).
 *
 * @example
 * ```ts
 * UNARY.relu(-2); // 0
 * UNARY.relu(Number.NaN); // NaN
 * ```
 */
export const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  // sign(NaN) = 0, sign(±0) = ±0.
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
  sigmoid,
  // relu(NaN) = NaN.
  relu: (x) => (x > 0 ? x : x === x ? 0 : x),
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  logicalNot: (x) => (x ? 0 : 1),
};

/**
 * Binary arithmetic by op: `pow` is C's, maximum/minimum propagate NaN, logical ops give 0/1.
 *
 * @example
 * ```ts
 * BINARY.maximum(1, Number.NaN); // NaN
 * ```
 */
export const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: powC,
  maximum: (a, b) => (a !== a || b !== b ? Number.NaN : Math.max(a, b)),
  minimum: (a, b) => (a !== a || b !== b ? Number.NaN : Math.min(a, b)),
  logicalAnd: (a, b) => (a && b ? 1 : 0),
  logicalOr: (a, b) => (a || b ? 1 : 0),
};

/**
 * Comparisons by op, as 0/1: NaN compares false (ne: true).
 *
 * @example
 * ```ts
 * COMPARE.lt(1, 2); // 1
 * COMPARE.ne(Number.NaN, Number.NaN); // 1
 * ```
 */
export const COMPARE: Record<CompareOp, (a: number, b: number) => number> = {
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
};
