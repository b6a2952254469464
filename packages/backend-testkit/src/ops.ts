/**
 * Op-level conformance: front-end ops (which decompose into the backend's kernels) run on the
 * backend under test; values and gradients are compared with PyTorch's float64 results and with
 * central finite differences.
 */

import type { Tensor } from '@nnet/tensor';
import * as nn from '@nnet/tensor';
import { mismatch, type Tolerance } from './compare.js';
import { decode, type OpCase } from './fixtures.js';

type OpFn = (xs: Tensor[], kw: Record<string, unknown>, extra: Record<string, unknown>) => Tensor;
const dims = (kw: Record<string, unknown>) => kw.dim as number | number[];

/** How each fixture op is called through the front end. */
export const OPS: Record<string, OpFn> = {
  neg: ([x]) => x.neg(),
  abs: ([x]) => x.abs(),
  exp: ([x]) => x.exp(),
  log: ([x]) => x.log(),
  sqrt: ([x]) => x.sqrt(),
  rsqrt: ([x]) => x.rsqrt(),
  sin: ([x]) => x.sin(),
  cos: ([x]) => x.cos(),
  tanh: ([x]) => x.tanh(),
  sigmoid: ([x]) => x.sigmoid(),
  relu: ([x]) => x.relu(),
  leakyRelu: ([x], kw) => nn.leakyRelu(x, kw.negativeSlope as number),
  gelu: ([x]) => nn.gelu(x),
  geluTanh: ([x]) => nn.gelu(x, { approximate: 'tanh' }),
  softplus: ([x]) => nn.softplus(x),
  clamp: ([x], kw) => nn.clamp(x, kw.min as number, kw.max as number),
  add: ([a, b]) => nn.add(a, b),
  sub: ([a, b]) => nn.sub(a, b),
  mul: ([a, b]) => nn.mul(a, b),
  div: ([a, b]) => nn.div(a, b),
  pow: ([a, b]) => nn.pow(a, b),
  maximum: ([a, b]) => nn.maximum(a, b),
  minimum: ([a, b]) => nn.minimum(a, b),
  where: ([a, b], _kw, e) => nn.where(nn.tensor(e.cond as boolean[][]), a, b),
  sum: ([x], kw) => x.sum(dims(kw), (kw.keepdim as boolean) ?? false),
  mean: ([x], kw) => x.mean(dims(kw), (kw.keepdim as boolean) ?? false),
  max: ([x], kw) => x.max(dims(kw)),
  min: ([x], kw) => x.min(dims(kw)),
  prod: ([x], kw) => x.prod(dims(kw)),
  var: ([x], kw) => x.var(dims(kw)),
  std: ([x], kw) => x.std(dims(kw)),
  logsumexp: ([x], kw) => nn.logsumexp(x, dims(kw)),
  matmul2d: ([a, b]) => nn.matmul(a, b),
  matmul1d: ([a, b]) => nn.matmul(a, b),
  matmulBatched: ([a, b]) => nn.matmul(a, b),
  softmax: ([x], kw) => nn.softmax(x, kw.dim as number),
  logSoftmax: ([x], kw) => nn.logSoftmax(x, kw.dim as number),
  cat: (xs, kw) => nn.cat(xs, kw.dim as number),
  stack: (xs, kw) => nn.stack(xs, kw.dim as number),
  gather: ([x], _kw, e) =>
    nn.gather(x, e.dim as number, nn.tensor(e.index as number[][], { dtype: 'int32' })),
  indexSelect: ([x], _kw, e) =>
    nn.indexSelect(x, e.dim as number, nn.tensor(e.index as number[], { dtype: 'int32' })),
  conv2d: ([x, w, b], kw) => nn.conv2d(x, w, b, kw as nn.Conv2dOptions),
  maxPool2d: ([x], kw) => nn.maxPool2d(x, kw.kernelSize as number, kw as nn.MaxPool2dOptions),
  avgPool2d: ([x], kw) => nn.avgPool2d(x, kw.kernelSize as number, kw as nn.AvgPool2dOptions),
  transpose: ([x]) => x.transpose(0, 2).exp(),
  permute: ([x]) => x.permute([2, 0, 1]).exp(),
  expand: ([x]) => x.expand([2, 3, 4]).exp(),
  narrow: ([x]) => x.narrow(1, 1, 2).exp(),
  select: ([x]) => x.select(2, 1).exp(),
  reshape: ([x]) => x.reshape([4, 6]).exp(),
};

function inputsOf(c: OpCase, requiresGrad: boolean): Tensor[] {
  return c.inputs.map((t) => nn.tensor(decode(t), { shape: t.shape, requiresGrad }));
}

/** Forward values and gradients of sum(op(x)·W) against the fixture; null on success. */
export function checkOpAgainstFixture(c: OpCase, tol: Tolerance): string | null {
  const f = OPS[c.op];
  if (!f) return `no front-end mapping for op '${c.op}'`;
  return nn.tidy(() => {
    const xs = inputsOf(c, true);
    const y = f(xs, c.kwargs, c.extra ?? {});
    const bad = mismatch(y.dataSync(), decode(c.out), tol);
    if (bad) return `forward: ${bad}`;
    y.mul(nn.tensor(decode(c.weight), { shape: c.weight.shape }))
      .sum()
      .backward();
    for (let i = 0; i < xs.length; i++) {
      const want = c.grads[i];
      const got = xs[i].grad;
      if (!want) continue;
      if (!got) return `input ${i}: no gradient computed`;
      const g = mismatch(got.dataSync(), decode(want), tol);
      xs[i].grad = null;
      got.dispose();
      if (g) return `gradient of input ${i}: ${g}`;
    }
    return null;
  });
}

/**
 * Central finite differences (float64 arithmetic over float32 evaluations) of sum(op(x)·W) at up
 * to `samples` elements per input, against the analytic gradient; null on success.
 */
export function checkOpFiniteDifferences(c: OpCase, samples = 4, eps = 1e-3): string | null {
  const f = OPS[c.op];
  if (!f) return `no front-end mapping for op '${c.op}'`;
  const w = Array.from(decode(c.weight));
  const base = c.inputs.map((t) => Float32Array.from(decode(t) as Float32Array));
  const evalAt = (vals: Float32Array[]): number =>
    nn.tidy(() =>
      nn.noGrad(() => {
        const xs = vals.map((v, i) => nn.tensor(v, { shape: c.inputs[i].shape }));
        const y = f(xs, c.kwargs, c.extra ?? {}).dataSync();
        let s = 0;
        for (let k = 0; k < y.length; k++) s += y[k] * w[k];
        return s;
      }),
    );
  for (let i = 0; i < base.length; i++) {
    const want = c.grads[i];
    if (!want) continue;
    const analytic = decode(want);
    const n = base[i].length;
    for (let s = 0; s < Math.min(samples, n); s++) {
      const k = Math.floor((s * n) / Math.min(samples, n));
      const plus = base.map((b) => Float32Array.from(b));
      const minus = base.map((b) => Float32Array.from(b));
      plus[i][k] += eps;
      minus[i][k] -= eps;
      const numeric = (evalAt(plus) - evalAt(minus)) / (2 * eps);
      if (Math.abs(numeric - analytic[k]) > 2e-2 * (1 + Math.abs(analytic[k]))) {
        return `input ${i} element ${k}: finite difference ${numeric} vs gradient ${analytic[k]}`;
      }
    }
  }
  return null;
}
