/** Gradients against central finite differences, on every backend (reads are asynchronous). */
import { DTypeError, IndexError, noGrad, randn, type Tensor, tensor, ValueError } from '@nnet/tensor';
import { expect } from 'vitest';

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Step h of (L(x + h) - L(x - h)) / 2h. Default 1e-2. */
  eps?: number;
  /** Probe every `stride`-th element of each input (0, stride, 2·stride, ...). Default 1: all of them. */
  stride?: number;
  /** Accepts |grad - fd| <= atol + rtol·|fd|. Default 2e-2. */
  rtol?: number;
  /** The absolute part of that tolerance. Default 2e-2. */
  atol?: number;
}

/**
 * Expects the gradients autograd computes for `f` at `inputs` (float32 tensors of any shapes) to
 * match central finite differences of L(x) = sum(f(x) · W): W is random normal of f's output
 * shape, or 1 when f returns one element (a loss). f is evaluated in float32, L and the
 * differences in float64, over the step actually taken after float32 rounding of x ± eps. The
 * inputs themselves are only read: their values are copied into fresh leaves.
 *
 * @example
 * ```ts
 * const x = randn([3, 4]);
 * await gradcheck((a) => a.tanh(), [x]);
 * await gradcheck((lp) => ctc(lp, targets, [5, 5], [2, 2], { reduction: 'sum' }), [lp], { stride: 3 });
 * ```
 */
export async function gradcheck(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): Promise<void> {
  const { eps = 1e-2, stride = 1, rtol = 2e-2, atol = 2e-2 } = options;
  if (!(eps > 0))
    throw new ValueError(`gradcheck: eps must be > 0, got ${eps}; pass a small step such as 1e-2.`);
  if (!Number.isInteger(stride) || stride < 1) {
    throw new ValueError(
      `gradcheck: stride must be an integer >= 1, got ${stride}; pass 1 to probe every element.`,
    );
  }
  inputs.forEach((x, i) => {
    if (x.dtype !== 'float32') {
      throw new DTypeError(`gradcheck: input ${i} is ${x.dtype}; finite differences need float32 inputs.`);
    }
  });
  const shapes = inputs.map((x) => [...x.shape]);
  const base = await Promise.all(inputs.map(async (x) => Float32Array.from(await x.data())));

  const leaves = base.map((b, i) => tensor(b, { shape: shapes[i] }).requiresGrad_());
  const out = f(...leaves);
  const weight = out.size === 1 ? null : randn([...out.shape]);
  (weight ? out.mul(weight) : out).sum().backward();
  const w = weight ? await weight.data() : null;

  const loss = async (vals: Float32Array[]): Promise<number> => {
    const xs = vals.map((v, i) => tensor(v, { shape: shapes[i] }));
    const y = noGrad(() => f(...xs));
    const data = await y.data();
    y.dispose();
    for (const x of xs) x.dispose();
    let s = 0;
    for (let k = 0; k < data.length; k++) s += data[k] * (w ? w[k] : 1);
    return s;
  };
  for (let i = 0; i < base.length; i++) {
    const grad = leaves[i].grad;
    const analytic = grad ? await grad.data() : new Float32Array(base[i].length);
    for (let k = 0; k < base[i].length; k += stride) {
      const numeric = await centralDifference(loss, base, i, k, eps);
      expect(
        Math.abs(analytic[k] - numeric),
        `input ${i} element ${k}: gradient ${analytic[k]} vs finite difference ${numeric}`,
      ).toBeLessThanOrEqual(atol + rtol * Math.abs(numeric));
    }
  }
}

/**
 * The central difference of `loss` along element `k` of input `i`: (L(x + h) - L(x - h)) / h',
 * where h' is the step actually taken after float32 rounding of x ± eps, in float64 arithmetic.
 * `inputs` are not modified (L sees copies). Tensor-free, so any test can probe any function of
 * float32 arrays with it.
 *
 * @example
 * ```ts
 * const cube = (xs: Float32Array[]) => xs[0][0] ** 3;
 * await centralDifference(cube, [Float32Array.of(2)], 0, 0); // ≈ 12 (3·2²)
 * ```
 */
export async function centralDifference(
  loss: (inputs: Float32Array[]) => number | Promise<number>,
  inputs: readonly Float32Array[],
  i: number,
  k: number,
  eps = 1e-2,
): Promise<number> {
  if (!Number.isInteger(i) || i < 0 || i >= inputs.length) {
    throw new IndexError(`centralDifference: input ${i} does not exist; pass 0 to ${inputs.length - 1}.`);
  }
  if (!Number.isInteger(k) || k < 0 || k >= inputs[i].length) {
    throw new IndexError(
      `centralDifference: element ${k} of input ${i} does not exist; it has ${inputs[i].length}.`,
    );
  }
  const shifted = (step: number): Float32Array[] =>
    inputs.map((x, j) => {
      const copy = Float32Array.from(x);
      if (j === i) copy[k] += step;
      return copy;
    });
  const up = shifted(eps);
  const down = shifted(-eps);
  return ((await loss(up)) - (await loss(down))) / (up[i][k] - down[i][k]);
}
