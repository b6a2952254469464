/**
 * Op-level checks: front-end ops (which decompose into the backend's kernels) run with autograd on
 * the current backend; values and the gradients of sum(op(x) · W) are compared with PyTorch's
 * float64 results, and the gradients with central finite differences (`centralDifference` of
 * `@nnet/tensor/testing`).
 *
 * Written against the public API of `@nnet/tensor` only (free functions, methods, `tidy`,
 * `noGrad`, `backward`, `grad`, `await data()`), so it tests the front end as users call it — on
 * every backend, including one that reads only asynchronously (no `readSync`).
 */
import type { AvgPool2dOptions, Conv2dOptions, Dims, MaxPool2dOptions, Tensor } from '@nnet/tensor';
import * as nn from '@nnet/tensor';
import { centralDifference, isClose } from '@nnet/tensor/testing';
import { mismatch, type Tolerance } from './compare.js';
import { decode, describeTensors, type OpCase } from './fixtures.js';

/** How a fixture op is called through the front end: inputs, kwargs, extra (non-differentiable) args. */
export type OpFn = (xs: Tensor[], kw: Record<string, unknown>, extra: Record<string, unknown>) => Tensor;

const dim = (kw: Record<string, unknown>) => kw.dim as Dims | undefined;
const keepdim = (kw: Record<string, unknown>) => kw.keepdim === true;
const correction = (kw: Record<string, unknown>) => (typeof kw.correction === 'number' ? kw.correction : 1);

/**
 * Every op the fixtures name, called the way a user would (methods and free functions both).
 *
 * @example
 * ```ts
 * import { OPS } from '@nnet/backend-testkit';
 * import { tensor } from '@nnet/tensor';
 *
 * await OPS.add([tensor([1, 2]), tensor([3, 4])], {}, {}).data(); // [2] → Float32Array [4, 6]
 * ```
 */
export const OPS: Readonly<Record<string, OpFn>> = {
  neg: ([x]) => x.neg(),
  abs: ([x]) => nn.abs(x),
  exp: ([x]) => x.exp(),
  log: ([x]) => nn.log(x),
  sqrt: ([x]) => x.sqrt(),
  rsqrt: ([x]) => nn.rsqrt(x),
  sin: ([x]) => x.sin(),
  cos: ([x]) => nn.cos(x),
  tanh: ([x]) => x.tanh(),
  sigmoid: ([x]) => nn.sigmoid(x),
  relu: ([x]) => x.relu(),
  leakyRelu: ([x], kw) => nn.leakyRelu(x, kw.negativeSlope as number),
  gelu: ([x]) => nn.gelu(x),
  geluTanh: ([x]) => nn.gelu(x, { approximate: 'tanh' }),
  softplus: ([x]) => nn.softplus(x),
  clamp: ([x], kw) => nn.clamp(x, kw.min as number, kw.max as number),
  add: ([a, b]) => nn.add(a, b),
  sub: ([a, b]) => a.sub(b),
  mul: ([a, b]) => nn.mul(a, b),
  div: ([a, b]) => a.div(b),
  pow: ([a, b]) => nn.pow(a, b),
  maximum: ([a, b]) => nn.maximum(a, b),
  minimum: ([a, b]) => a.minimum(b),
  where: ([a, b], _kw, e) => nn.where(nn.tensor(e.cond as boolean[][], { dtype: 'bool' }), a, b),
  sum: ([x], kw) => x.sum(dim(kw), keepdim(kw)),
  mean: ([x], kw) => nn.mean(x, dim(kw), keepdim(kw)),
  max: ([x], kw) => x.max(dim(kw), keepdim(kw)),
  min: ([x], kw) => nn.min(x, dim(kw), keepdim(kw)),
  prod: ([x], kw) => x.prod(dim(kw), keepdim(kw)),
  var: ([x], kw) => x.var(dim(kw), keepdim(kw), correction(kw)),
  std: ([x], kw) => nn.std(x, dim(kw), keepdim(kw), correction(kw)),
  logsumexp: ([x], kw) => nn.logsumexp(x, kw.dim as Dims, keepdim(kw)),
  matmul2d: ([a, b]) => nn.matmul(a, b),
  matmul1d: ([a, b]) => a.matmul(b),
  matmulBatched: ([a, b]) => nn.matmul(a, b),
  softmax: ([x], kw) => nn.softmax(x, kw.dim as number),
  logSoftmax: ([x], kw) => x.logSoftmax(kw.dim as number),
  cat: (xs, kw) => nn.cat(xs, kw.dim as number),
  stack: (xs, kw) => nn.stack(xs, kw.dim as number),
  gather: ([x], _kw, e) =>
    nn.gather(x, e.dim as number, nn.tensor(e.index as number[][], { dtype: 'int32' })),
  indexSelect: ([x], _kw, e) =>
    nn.indexSelect(x, e.dim as number, nn.tensor(e.index as number[], { dtype: 'int32' })),
  conv2d: ([x, w, b], kw) => nn.conv2d(x, w, b ?? null, kw as Conv2dOptions),
  // kernelSize is an argument, not an option (options objects reject unknown keys).
  maxPool2d: ([x], { kernelSize, ...kw }) => nn.maxPool2d(x, kernelSize as number, kw as MaxPool2dOptions),
  avgPool2d: ([x], { kernelSize, ...kw }) => nn.avgPool2d(x, kernelSize as number, kw as AvgPool2dOptions),
  transpose: ([x]) => x.transpose(0, 2).exp(),
  permute: ([x]) => x.permute([2, 0, 1]).exp(),
  expand: ([x]) => x.expand([2, 3, 4]).exp(),
  narrow: ([x]) => x.narrow(1, 1, 2).exp(),
  select: ([x]) => x.select(2, 1).exp(),
  reshape: ([x]) => x.reshape([4, 6]).exp(),
};

function opFn(c: OpCase): OpFn {
  const f = OPS[c.op];
  if (!f) throw new Error(`no front-end mapping for op '${c.op}' (add it to OPS in src/ops.ts)`);
  return f;
}

function makeInputs(c: OpCase, values: readonly Float32Array[], requiresGrad: boolean): Tensor[] {
  return values.map((v, i) => nn.tensor(v, { shape: c.inputs[i].shape, requiresGrad }));
}

function fixtureInputs(c: OpCase): Float32Array[] {
  return c.inputs.map((t) => Float32Array.from(decode(t)));
}

/**
 * Runs op(x) forward and sum(op(x) · W) backward through the front end; resolves to the output
 * values and each input's gradient (null when the front end computed none). The synchronous part
 * runs in `tidy`; the results are read with `await data()` and freed.
 *
 * @example
 * ```ts
 * import { forwardBackward, opCases } from '@nnet/backend-testkit';
 *
 * // The first case: neg of a [2, 3, 4] tensor, on the current backend.
 * const { out, grads } = await forwardBackward(opCases()[0]);
 * out.length;   // 24: y = -x, row-major
 * grads.length; // 1: d sum(y · W) / dx = -W
 * ```
 */
export async function forwardBackward(
  c: OpCase,
  values: readonly Float32Array[] = fixtureInputs(c),
): Promise<{
  /** The forward output y, row-major. */
  out: Float32Array;
  /** d sum(y · W) / d input for each input, or null where the front end computed none. */
  grads: (Float32Array | null)[];
}> {
  const f = opFn(c);
  const { y, gs } = nn.tidy(() => {
    const xs = makeInputs(c, values, true);
    const y = f(xs, c.kwargs, c.extra ?? {});
    y.mul(nn.tensor(decode(c.weight), { shape: c.weight.shape }))
      .sum()
      .backward();
    const gs = xs.map((x) => {
      const g = x.grad;
      x.grad = null;
      return g;
    });
    return { y: y.detach(), gs };
  });
  try {
    const out = Float32Array.from(await y.data());
    const grads: (Float32Array | null)[] = [];
    for (const g of gs) grads.push(g ? Float32Array.from(await g.data()) : null);
    return { out, grads };
  } finally {
    y.dispose();
    for (const g of gs) g?.dispose();
  }
}

/** `bad` followed by the case's inputs (shapes, dtypes, a few values), for a failure message. */
function withInputs(c: OpCase, bad: string): string {
  return `${bad}
  inputs: ${describeTensors(c.inputs)}`;
}

/**
 * Forward values and gradients of sum(op(x) · W) against PyTorch's; null on success.
 *
 * @example
 * ```ts
 * import { DEFAULT_TOLERANCE, checkOpAgainstFixture, opCases } from '@nnet/backend-testkit';
 *
 * // On the current backend (setBackend), e.g. the first case, neg of a [2, 3, 4] tensor:
 * await checkOpAgainstFixture(opCases()[0], DEFAULT_TOLERANCE); // null when it matches PyTorch
 * ```
 */
export async function checkOpAgainstFixture(c: OpCase, tol: Tolerance): Promise<string | null> {
  const { out, grads } = await forwardBackward(c);
  const bad = mismatch(out, decode(c.out), tol);
  if (bad) return withInputs(c, `forward: ${bad}`);
  for (let i = 0; i < c.grads.length; i++) {
    const want = c.grads[i];
    if (!want) continue;
    const got = grads[i];
    if (!got) return withInputs(c, `input ${i}: no gradient computed (PyTorch has one)`);
    const g = mismatch(got, decode(want), tol);
    if (g) return withInputs(c, `gradient of input ${i}: ${g}`);
  }
  return null;
}

/**
 * Options of `checkOpFiniteDifferences`: step, samples per input and the acceptance tolerance.
 *
 * @example
 * ```ts
 * const c = opCases().find((k) => k.op === 'tanh')!; // a fixture case with a gradient
 * await checkOpFiniteDifferences(c, { eps: 1e-3, samples: 8 }); // null on success
 * ```
 */
export interface FiniteDifferenceOptions {
  /** Step h of (f(x + h) - f(x - h)) / 2h. Default 1e-2 (fixture inputs keep 0.1 from any kink). */
  eps?: number;
  /** Elements probed per input, spread evenly over it. Default 24 (every element of most cases). */
  samples?: number;
  /**
   * Accepts |fd - grad| <= atol + rtol·|grad|. Defaults 2e-3 and 2e-3: on the CPU backend the worst
   * case (div) is 1.6e-4·(1 + |grad|), so this leaves room for another backend's float32 rounding.
   */
  rtol?: number;
  /** The absolute part of that tolerance; default 2e-3. */
  atol?: number;
}

/**
 * Central finite differences of L(x) = sum(op(x) · W), in float64 arithmetic over float32 forward
 * evaluations, against the gradient the front end computes on this backend; null on success.
 *
 * @example
 * ```ts
 * import { checkOpFiniteDifferences, opCases } from '@nnet/backend-testkit';
 *
 * await checkOpFiniteDifferences(opCases()[0], { samples: 8 }); // null when the gradient agrees
 * ```
 */
export async function checkOpFiniteDifferences(
  c: OpCase,
  options: FiniteDifferenceOptions = {},
): Promise<string | null> {
  const { eps = 1e-2, samples = 24, rtol = 2e-3, atol = 2e-3 } = options;
  const f = opFn(c);
  const w = decode(c.weight);
  const base = fixtureInputs(c);
  const { grads } = await forwardBackward(c, base);
  const loss = async (vals: Float32Array[]): Promise<number> => {
    const y = nn.tidy(() => nn.noGrad(() => f(makeInputs(c, vals, false), c.kwargs, c.extra ?? {})));
    try {
      const v = await y.data();
      let s = 0;
      for (let k = 0; k < v.length; k++) s += v[k] * w[k];
      return s;
    } finally {
      y.dispose();
    }
  };
  for (let i = 0; i < base.length; i++) {
    if (!c.grads[i]) continue;
    const analytic = grads[i];
    if (!analytic) return withInputs(c, `input ${i}: no gradient computed`);
    const n = base[i].length;
    const m = Math.min(samples, n);
    for (let s = 0; s < m; s++) {
      const k = Math.floor((s * n) / m);
      const numeric = await centralDifference(loss, base, i, k, eps);
      // A gradient that is not finite fails even where the difference is not finite either.
      if (!Number.isFinite(analytic[k]) || !isClose(numeric, analytic[k], { rtol, atol })) {
        return withInputs(
          c,
          `input ${i} element ${k}: finite difference ${numeric.toPrecision(6)} vs gradient ${analytic[k]}`,
        );
      }
    }
  }
  return null;
}
