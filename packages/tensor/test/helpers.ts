import { expect } from 'vitest';
import { noGrad, randn, type Tensor, tensor } from '../src/index.js';

/** Expects `t` to hold `expected` (nested arrays) within an absolute+relative tolerance. */
export function expectClose(t: Tensor, expected: unknown, tol = 1e-5): void {
  const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [Number(v)]);
  const got = Array.from(t.dataSync());
  const want = flat(expected);
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i];
    if (Number.isNaN(w)) expect(g).toBeNaN();
    else if (!Number.isFinite(w)) expect(g).toBe(w);
    else expect(Math.abs(g - w)).toBeLessThanOrEqual(tol + tol * Math.abs(w));
  });
}

/**
 * Checks the analytic gradient of sum(f(inputs) · W) against central finite differences
 * (f evaluated in float32, the differences taken in float64).
 */
export function gradcheck(
  f: (...xs: Tensor[]) => Tensor,
  shapes: number[][],
  options: { eps?: number; tol?: number; make?: (shape: number[], i: number) => Tensor } = {},
): void {
  const eps = options.eps ?? 1e-2;
  const tol = options.tol ?? 2e-2;
  const inputs = shapes.map((s, i) => (options.make ? options.make(s, i) : randn(s)).requiresGrad_());
  const out = f(...inputs);
  const weight = randn(out.shape as number[]);
  out.mul(weight).sum().backward();
  const w = Array.from(weight.dataSync());
  const evalAt = (vals: Float32Array[]): number =>
    noGrad(() => {
      const ts = vals.map((v, i) => tensor(v, { shape: shapes[i] }));
      const y = Array.from(f(...ts).dataSync());
      return y.reduce((acc, yi, k) => acc + yi * w[k], 0);
    });
  const base = inputs.map((t) => Float32Array.from(t.dataSync()));
  inputs.forEach((input, i) => {
    const analytic = input.grad ? Array.from(input.grad.dataSync()) : new Array(base[i].length).fill(0);
    for (let k = 0; k < base[i].length; k++) {
      const plus = base.map((b) => Float32Array.from(b));
      const minus = base.map((b) => Float32Array.from(b));
      plus[i][k] += eps;
      minus[i][k] -= eps;
      const numeric = (evalAt(plus) - evalAt(minus)) / (2 * eps);
      const diff = Math.abs(analytic[k] - numeric);
      if (diff > tol * (1 + Math.abs(numeric))) {
        throw new Error(`gradient of input ${i} element ${k}: analytic ${analytic[k]} vs numeric ${numeric}`);
      }
    }
  });
}
