/**
 * Derivatives by central finite differences, in float64 arithmetic: the independent reference
 * every gradient test compares autograd (or a backward kernel) with.
 */
// The package's entry (not single modules): it installs the Tensor methods `f` may call.
import {
  DTypeError,
  IndexError,
  isTensor,
  noGrad,
  randn,
  type Tensor,
  tensor,
  ValueError,
} from '../index.js';
import { MismatchError, tolerances } from './close.js';

/**
 * The arrays {@link centralDifference} perturbs: float32 (the step is rounded as a float32 tensor's
 * would be), float64 or plain numbers.
 *
 * @example
 * ```ts
 * const xs: DifferenceArray[] = [Float32Array.of(1, 2), [0.5]];
 * ```
 */
export type DifferenceArray = Float32Array | Float64Array | number[];

/**
 * The central difference of `loss` along element `k` of input `i`: (L(x + h·eₖ) − L(x − h·eₖ)) / h′,
 * in float64 arithmetic, where h′ is the step actually taken — for a Float32Array input, after
 * float32 rounding of x ± h. `inputs` are not modified (L sees copies of the same array types).
 * Returns a number for a synchronous `loss` and a Promise for an asynchronous one (a loss that
 * reads tensors with `await t.data()`).
 *
 * @param loss L, a scalar function of the arrays (sync or async).
 * @param inputs the point x: arrays of any lengths.
 * @param i which input to perturb, 0 ≤ i < inputs.length.
 * @param k which of its elements, 0 ≤ k < inputs[i].length.
 * @param eps the step h > 0. Default 1e-2 (float32 forward passes need a large step).
 * @returns ∂L/∂xᵢₖ ≈ (L(x + h) − L(x − h)) / h′.
 * @throws IndexError for an input or element that does not exist; ValueError for eps ≤ 0.
 *
 * @example
 * ```ts
 * import { centralDifference } from '@nnet/tensor/testing';
 *
 * const cube = (xs: Float64Array[]) => xs[0][0] ** 3;
 * centralDifference(cube, [Float64Array.of(2)], 0, 0, 1e-4); // ≈ 12 (3·2²)
 * await centralDifference(async (xs: Float32Array[]) => xs[0][1] * 2, [Float32Array.of(0, 1)], 0, 1); // ≈ 2
 * ```
 */
export function centralDifference<A extends DifferenceArray>(
  loss: (inputs: A[]) => number,
  inputs: readonly A[],
  i: number,
  k: number,
  eps?: number,
): number;
export function centralDifference<A extends DifferenceArray>(
  loss: (inputs: A[]) => Promise<number>,
  inputs: readonly A[],
  i: number,
  k: number,
  eps?: number,
): Promise<number>;
export function centralDifference<A extends DifferenceArray>(
  loss: (inputs: A[]) => number | Promise<number>,
  inputs: readonly A[],
  i: number,
  k: number,
  eps?: number,
): number | Promise<number>;
export function centralDifference<A extends DifferenceArray>(
  loss: (inputs: A[]) => number | Promise<number>,
  inputs: readonly A[],
  i: number,
  k: number,
  eps = 1e-2,
): number | Promise<number> {
  if (typeof loss !== 'function') {
    throw new ValueError(`centralDifference: loss must be a function of the arrays, got ${typeof loss}.`);
  }
  if (!Array.isArray(inputs)) {
    throw new ValueError(`centralDifference: inputs must be an array of arrays, got ${typeof inputs}.`);
  }
  if (!Number.isInteger(i) || i < 0 || i >= inputs.length) {
    throw new IndexError(`centralDifference: input ${i} does not exist; pass 0 to ${inputs.length - 1}.`);
  }
  if (!Number.isInteger(k) || k < 0 || k >= inputs[i].length) {
    throw new IndexError(
      `centralDifference: element ${k} of input ${i} does not exist; it has ${inputs[i].length}.`,
    );
  }
  if (!(eps > 0) || !Number.isFinite(eps)) {
    throw new ValueError(`centralDifference: eps must be a finite number > 0, got ${eps}; pass e.g. 1e-2.`);
  }
  const shifted = (step: number): A[] =>
    inputs.map((x, j) => {
      const copy = x.slice() as A;
      if (j === i) copy[k] += step;
      return copy;
    });
  const up = shifted(eps);
  const down = shifted(-eps);
  // The step actually taken (float32 rounding of x ± eps for a Float32Array).
  const h = up[i][k] - down[i][k];
  const lUp = loss(up);
  if (typeof lUp === 'number') {
    const lDown = loss(down);
    if (typeof lDown === 'number') return (lUp - lDown) / h;
    return lDown.then((d) => (lUp - d) / h);
  }
  // Asynchronous: L(x + h) settles before L(x − h) starts (a loss may reuse backend memory).
  return lUp.then(async (u) => (u - (await loss(down))) / h);
}

/**
 * Options of {@link gradcheck}.
 *
 * @example
 * ```ts
 * const options: GradcheckOptions = { eps: 1e-2, stride: 3, rtol: 2e-2, atol: 2e-2 };
 * ```
 */
export interface GradcheckOptions {
  /** Step h of (L(x + h) − L(x − h)) / 2h. Default 1e-2. */
  eps?: number;
  /** Probe every `stride`-th element of each input (0, stride, 2·stride, ...). Default 1: all of them. */
  stride?: number;
  /** Accepts |grad − fd| ≤ atol + rtol·|fd|. Default 2e-2. */
  rtol?: number;
  /** The absolute part of that tolerance. Default 2e-2. */
  atol?: number;
}

/**
 * Checks the gradients autograd computes for `f` at `inputs` against central finite differences
 * of L(x) = sum(f(x) · W) (PyTorch's `torch.autograd.gradcheck`, on float32): W is random normal of
 * f's output shape (from the seeded generator), or 1 when f returns one element (a loss). f runs in
 * float32 on the current backend, L and the differences in float64, over the step actually taken
 * after float32 rounding of x ± eps. The inputs are only read: their values are copied into fresh
 * leaves. Reads with `await t.data()`, so it runs on every backend. Resolves to the largest
 * |grad − fd| over the probed elements.
 *
 * @param f the function under test, of `inputs.length` float32 tensors (any shapes).
 * @param inputs the point x.
 * @param options `eps` (1e-2), `stride` (1), `rtol` (2e-2), `atol` (2e-2).
 * @returns the largest |grad − fd|.
 * @throws MismatchError naming the input, the element, the gradient and the finite difference.
 * @throws DTypeError for an input that is not float32; ValueError for a bad option.
 *
 * @example
 * ```ts
 * import { gradcheck } from '@nnet/tensor/testing';
 * import { randn } from '@nnet/tensor';
 *
 * await gradcheck((a) => a.tanh(), [randn([3, 4])]);               // resolves: tanh' = 1 − tanh²
 * await gradcheck((a, b) => a.matmul(b).sum(), [randn([2, 3]), randn([3, 2])], { stride: 2 });
 * ```
 */
export async function gradcheck(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): Promise<number> {
  const { eps = 1e-2, stride = 1 } = options;
  const { rtol, atol } = tolerances('gradcheck', { rtol: options.rtol ?? 2e-2, atol: options.atol ?? 2e-2 });
  if (typeof f !== 'function')
    throw new ValueError(`gradcheck: f must be a function of tensors, got ${typeof f}.`);
  if (!(eps > 0) || !Number.isFinite(eps)) {
    throw new ValueError(`gradcheck: eps must be > 0, got ${eps}; pass a small step such as 1e-2.`);
  }
  if (!Number.isInteger(stride) || stride < 1) {
    throw new ValueError(
      `gradcheck: stride must be an integer >= 1, got ${stride}; pass 1 to probe every element.`,
    );
  }
  inputs.forEach((x, i) => {
    if (!isTensor(x))
      throw new ValueError(`gradcheck: input ${i} is not a tensor; pass tensors such as randn([3]).`);
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
  let worst = 0;
  for (let i = 0; i < base.length; i++) {
    const grad = leaves[i].grad;
    const analytic = grad ? await grad.data() : new Float32Array(base[i].length);
    for (let k = 0; k < base[i].length; k += stride) {
      const numeric = await centralDifference(loss, base, i, k, eps);
      const d = Math.abs(analytic[k] - numeric);
      // Written so that a NaN gradient or difference fails.
      if (!(d <= atol + rtol * Math.abs(numeric))) {
        throw new MismatchError(
          `gradcheck: input ${i} element ${k}: gradient ${analytic[k]} vs finite difference ${numeric} (|diff| ${d.toExponential(2)} > ${atol} + ${rtol}·|fd|)`,
          k,
          analytic[k],
          numeric,
        );
      }
      worst = Math.max(worst, d);
    }
  }
  return worst;
}
