/**
 * The tensor tests' adapters to `@nnet/tensor/testing` (the rules live there): nested expected
 * values and synchronous reads for `expectClose`, input shapes for `gradcheck`.
 */
import { randn, type Tensor } from '../src/index.js';
import { assertClose, gradcheck as checkGradients } from '../src/testing/index.js';

/** Throws unless `t` holds `expected` (nested arrays) within |t − e| ≤ tol + tol·|e| (NaN, ±Inf exactly). */
export function expectClose(t: Tensor, expected: unknown, tol = 1e-5): number {
  const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [Number(v)]);
  return assertClose(t.dataSync(), flat(expected), { rtol: tol, atol: tol });
}

/**
 * Checks the analytic gradient of sum(f(inputs) · W) against central finite differences at random
 * normal inputs of `shapes` (or `make`'s), accepting |grad − fd| ≤ tol·(1 + |fd|).
 */
export function gradcheck(
  f: (...xs: Tensor[]) => Tensor,
  shapes: number[][],
  options: { eps?: number; tol?: number; make?: (shape: number[], i: number) => Tensor } = {},
): Promise<number> {
  const tol = options.tol ?? 2e-2;
  const inputs = shapes.map((s, i) => (options.make ? options.make(s, i) : randn(s)));
  return checkGradients(f, inputs, { eps: options.eps ?? 1e-2, rtol: tol, atol: tol });
}
