/**
 * The extended op library against PyTorch: values and gradients of every case in
 * fixtures/ops_extra.json (written by scripts/gen_ops_fixtures.py) and fixtures/ops_fused.json
 * (packages/tensor/scripts/gen_ops_fixtures_fused.py), at rtol 1e-4.
 */
import '@nnet/test-utils/setup';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import { type DType, type Tensor, tensor } from '../src/index.js';
import { expectClose } from './helpers.js';

interface Enc {
  dtype: DType;
  shape: number[];
  data: (number | string)[];
}
interface Case {
  op: string;
  name: string;
  inputs: Enc[];
  grad: boolean[];
  kwargs: Record<string, unknown>;
  out: Enc[];
  weight?: Enc;
  grads?: (Enc | null)[];
}

/** ops_extra.json (scripts/gen_ops_fixtures.py) and ops_fused.json (scripts/gen_ops_fixtures_fused.py). */
const FIXTURE_FILES = ['ops_extra.json', 'ops_fused.json'];
const fixture = {
  cases: FIXTURE_FILES.flatMap(
    (f) =>
      (JSON.parse(readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8')) as { cases: Case[] })
        .cases,
  ),
};

const num = (v: number | string): number => (typeof v === 'number' ? v : Number(v));
const decode = (e: Enc): Tensor => tensor(e.data.map(num), { shape: e.shape, dtype: e.dtype });
const values = (e: Enc): number[] => e.data.map(num);

type Op = (xs: Tensor[], kw: Record<string, never>) => Tensor | Tensor[];

/** The nnet call for each fixture op key (PyTorch's keyword names on the left, nnet's on the right). */
const OPS: Record<string, Op> = {
  tril: ([x], kw) => x.tril(kw.diagonal),
  triu: ([x], kw) => nn.triu(x, kw.diagonal),
  maskedFill: ([x, m], kw) => x.maskedFill(m, num(kw.value)),
  maskedFillTensor: ([x, m, v]) => nn.maskedFill(x, m, v),
  matmul: ([a, b]) => a.matmul(b),
  silu: ([x]) => x.silu(),
  elu: ([x], kw) => nn.elu(x, kw.alpha),
  selu: ([x]) => x.selu(),
  mish: ([x]) => nn.mish(x),
  hardtanh: ([x], kw) => x.hardtanh(kw.min_val, kw.max_val),
  relu6: ([x]) => x.relu6(),
  hardswish: ([x]) => nn.hardswish(x),
  hardsigmoid: ([x]) => x.hardsigmoid(),
  softsign: ([x]) => x.softsign(),
  logsigmoid: ([x]) => nn.logsigmoid(x),
  glu: ([x], kw) => x.glu(kw.dim),
  prelu: ([x, w]) => x.prelu(w),
  tan: ([x]) => x.tan(),
  atan: ([x]) => nn.atan(x),
  asin: ([x]) => x.asin(),
  acos: ([x]) => nn.acos(x),
  sinh: ([x]) => x.sinh(),
  cosh: ([x]) => nn.cosh(x),
  asinh: ([x]) => x.asinh(),
  acosh: ([x]) => nn.acosh(x),
  atanh: ([x]) => x.atanh(),
  expm1: ([x]) => x.expm1(),
  log2: ([x]) => x.log2(),
  log10: ([x]) => nn.log10(x),
  trunc: ([x]) => x.trunc(),
  atan2: ([y, x]) => y.atan2(x),
  fmod: ([a, b]) => a.fmod(b),
  remainder: ([a, b]) => nn.remainder(a, b),
  floorDivide: ([a, b]) => a.floorDivide(b),
  lerp: ([a, b, w]) => a.lerp(b, w),
  lerpScalar: ([a, b], kw) => nn.lerp(a, b, kw.weight),
  addcmul: ([x, a, b], kw) => x.addcmul(a, b, kw.value),
  addcdiv: ([x, a, b], kw) => nn.addcdiv(x, a, b, kw.value),
  logaddexp: ([a, b]) => a.logaddexp(b),
  xlogy: ([a, b]) => nn.xlogy(a, b),
  clampTensor: ([x, lo, hi]) => x.clamp(lo, hi),
  all: ([x], kw) => x.all(kw.dim),
  any: ([x], kw) => nn.any(x, kw.dim),
  allAll: ([x]) => nn.all(x),
  anyAll: ([x]) => x.any(),
  norm: ([x], kw) =>
    x.norm(kw.p === 'inf' ? Number.POSITIVE_INFINITY : kw.p, kw.dim ?? undefined, kw.keepdim),
  cosineSimilarity: ([a, b], kw) => nn.cosineSimilarity(a, b, kw.dim),
  cdist: ([a, b], kw) => a.cdist(b, kw.p),
  repeat: ([x], kw) => x.repeat(kw.repeats),
  tile: ([x], kw) => nn.tile(x, kw.reps),
  flip: ([x], kw) => x.flip(kw.dims),
  roll: ([x], kw) => (kw.dims === null ? nn.roll(x, kw.shifts) : x.roll(kw.shifts, kw.dims)),
  pad: ([x], kw) => x.pad(kw.pad, { mode: kw.mode, ...(kw.mode === 'constant' ? { value: kw.value } : {}) }),
  diag: ([x], kw) => x.diag(kw.diagonal),
  outer: ([a, b]) => nn.outer(a, b),
  einsum: (xs, kw) => nn.einsum(kw.equation, ...xs),
  cumsum: ([x], kw) => x.cumsum(kw.dim),
  cumprod: ([x], kw) => nn.cumprod(x, kw.dim),
  sort: ([x], kw) => x.sort(kw.dim, kw.descending),
  argsort: ([x], kw) => nn.argsort(x, kw.dim, kw.descending),
  topk: ([x], kw) => x.topk(kw.k, kw.dim, kw.largest),
  median: ([x], kw) => x.median(kw.dim, kw.keepdim),
  medianAll: ([x]) => nn.median(x),
  scatter: ([x, i, s], kw) => x.scatter(kw.dim, i, s),
  scatterValue: ([x, i], kw) => nn.scatter(x, kw.dim, i, num(kw.value)),
  scatterAdd: ([x, i, s], kw) => x.scatterAdd(kw.dim, i, s),
  indexAdd: ([x, i, s], kw) => x.indexAdd(kw.dim, i, s, kw.alpha),
  nonzero: ([x]) => x.nonzero(),
  maskedSelect: ([x, m]) => x.maskedSelect(m),
  layerNorm: ([x, w, b], kw) => nn.layerNorm(x, kw.shape, { weight: w, bias: b, eps: kw.eps }),
  rmsNorm: ([x, w], kw) => nn.rmsNorm(x, kw.shape, { weight: w, eps: kw.eps }),
  groupNorm: ([x, w, b], kw) => nn.groupNorm(x, kw.groups, { weight: w, bias: b }),
  batchNormTrain: ([x, w, b]) => nn.batchNorm(x, { weight: w, bias: b, training: true }),
  batchNormEval: ([x, w, b, rm, rv]) =>
    nn.batchNorm(x, { weight: w, bias: b, runningMean: rm, runningVar: rv }),
  instanceNorm: ([x, w, b]) => nn.instanceNorm(x, { weight: w, bias: b }),
  batchNormRunning: ([x, rm, rv]) => {
    nn.batchNorm(x, { runningMean: rm, runningVar: rv, training: true, momentum: 0.2 });
    return [x, rm, rv];
  },
  instanceNormRunning: ([x, rm, rv]) => {
    nn.instanceNorm(x, { runningMean: rm, runningVar: rv, momentum: 0.2 });
    return [x, rm, rv];
  },
  conv1d: ([x, w, b], kw) =>
    nn.conv1d(x, w, b, { stride: kw.stride, padding: kw.padding, dilation: kw.dilation, groups: kw.groups }),
  conv3d: ([x, w, b], kw) =>
    nn.conv3d(x, w, b, { stride: kw.stride, padding: kw.padding, dilation: kw.dilation, groups: kw.groups }),
  maxPool2d: ([x], kw) =>
    nn.maxPool2d(x, kw.k, {
      stride: kw.stride,
      padding: kw.padding,
      dilation: kw.dilation,
      ceilMode: kw.ceil_mode,
    }),
  avgPool2d: ([x], kw) =>
    nn.avgPool2d(x, kw.k, {
      stride: kw.stride,
      padding: kw.padding,
      ceilMode: kw.ceil_mode,
      countIncludePad: kw.count_include_pad,
      divisorOverride: kw.divisor_override ?? undefined,
    }),
  maxPool1d: ([x], kw) =>
    nn.maxPool1d(x, kw.k, {
      stride: kw.stride,
      padding: kw.padding,
      dilation: kw.dilation,
      ceilMode: kw.ceil_mode,
    }),
  avgPool1d: ([x], kw) =>
    nn.avgPool1d(x, kw.k, {
      stride: kw.stride,
      padding: kw.padding,
      ceilMode: kw.ceil_mode,
      countIncludePad: kw.count_include_pad,
    }),
  adaptiveAvgPool2d: ([x], kw) => nn.adaptiveAvgPool2d(x, kw.size),
  adaptiveMaxPool2d: ([x], kw) => nn.adaptiveMaxPool2d(x, kw.size),
  adaptiveAvgPool1d: ([x], kw) => nn.adaptiveAvgPool1d(x, kw.size),
  adaptiveMaxPool1d: ([x], kw) => nn.adaptiveMaxPool1d(x, kw.size),
  interpolate: ([x], kw) =>
    nn.interpolate(x, {
      size: kw.size ?? undefined,
      scaleFactor: kw.scale_factor ?? undefined,
      mode: kw.mode,
      alignCorners: kw.align_corners ?? undefined,
    }),
  unfold: ([x], kw) => nn.unfold(x, kw.k, { dilation: kw.dilation, padding: kw.padding, stride: kw.stride }),
  softmaxCrossEntropy: ([x, t], kw) =>
    nn.softmaxCrossEntropy(x, t, kw.ignore_index === undefined ? {} : { ignoreIndex: kw.ignore_index }),
  linear: ([x, w, b], kw) => nn.linear(x, w, b ?? null, { activation: kw.activation }),
  scaledDotProductAttention: ([q, k, v, m], kw) =>
    nn.scaledDotProductAttention(q, k, v, {
      attnMask: m ?? null,
      isCausal: kw.is_causal ?? false,
      scale: kw.scale,
    }),
  convTranspose2d: ([x, w, b], kw) =>
    nn.convTranspose2d(x, w, b ?? null, {
      stride: kw.stride,
      padding: kw.padding,
      outputPadding: kw.output_padding,
      groups: kw.groups,
    }),
  erf: ([x]) => nn.erf(x),
  log1p: ([x]) => x.log1p(),
  reciprocal: ([x]) => nn.reciprocal(x),
  square: ([x]) => x.square(),
  chunk: ([x], kw) => nn.chunk(x, kw.chunks, kw.dim),
  split: ([x], kw) => nn.split(x, kw.split_size, kw.dim),
  clone: ([x]) => nn.clone(x),
  contiguous: ([x]) => nn.contiguous(nn.t(x)),
  flatten: ([x], kw) => nn.flatten(x, kw.start_dim, kw.end_dim),
  slice: ([x], kw) => nn.slice(x, kw.dim, kw.start, kw.end, kw.step),
  squeeze: ([x], kw) => nn.squeeze(x, kw.dim),
  t: ([x]) => nn.t(x),
  unsqueeze: ([x], kw) => nn.unsqueeze(x, kw.dim),
  view: ([x], kw) => nn.view(x, kw.shape),
  fold: ([c], kw) =>
    nn.fold(c, kw.out, kw.k, { dilation: kw.dilation, padding: kw.padding, stride: kw.stride }),
};

describe('extended ops match PyTorch (fixtures/ops_extra.json)', () => {
  it('has a mapping for every fixture op', () => {
    const missing = [...new Set(fixture.cases.map((c) => c.op))].filter((op) => !(op in OPS));
    expect(missing).toEqual([]);
  });
  for (const c of fixture.cases) {
    it(c.name, () => {
      const op = OPS[c.op];
      const xs = c.inputs.map((e, i) => {
        const t = decode(e);
        return c.grad[i] ? t.requiresGrad_() : t;
      });
      const out = op(xs, c.kwargs as Record<string, never>);
      const outs = Array.isArray(out) ? out : [out];
      expect(outs.length).toBe(c.out.length);
      outs.forEach((o, k) => {
        expect(o.shape).toEqual(c.out[k].shape);
        expect(o.dtype).toBe(c.out[k].dtype);
        expectClose(o, values(c.out[k]), 1e-4);
      });
      if (c.weight && c.grads) {
        outs[0].mul(decode(c.weight)).sum().backward();
        c.grads.forEach((g, i) => {
          if (!g) return;
          expect(xs[i].grad, `gradient of input ${i}`).not.toBeNull();
          expectClose(xs[i].grad!, values(g), 1e-4);
        });
      }
    });
  }
});
