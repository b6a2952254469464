/**
 * ONNX translations of the newer layers of @nnet/layers: the activations SiLU, ELU, SELU, Mish,
 * Hardtanh, ReLU6, Hardswish, Hardsigmoid, Softsign, LogSigmoid, GLU and PReLU; the
 * normalisations RMSNorm, GroupNorm and InstanceNorm1d/2d; and Conv1d and Conv3d.
 */
import type {
  Conv1d,
  Conv3d,
  ELU,
  GLU,
  GroupNorm,
  Hardtanh,
  InstanceNorm1d,
  Module,
  PReLU,
  RMSNorm,
} from '@nnet/layers';
import { type Conv1dOptions, type Conv3dOptions, ones, type Tensor, tidy, zeros } from '@nnet/tensor';
import { attr } from './builder.js';
import type { Emit, Export, Val } from './export_context.js';

/** An activation written as nodes on the input's graph name. */
const activation =
  (nodes: (b: Export, m: Module, x: string, scope: string) => string): Emit =>
  (b, m, scope, x) =>
    b.val(nodes(b, m, x.name, scope), m.forward(x.value));

/** Clip(x, lo, hi) with the bounds as initializers (opset 11 on). */
const clip = (b: Export, x: string, lo: number, hi: number, scope: string) =>
  b.node('Clip', [x, b.scalar(`${scope}min`, lo), b.scalar(`${scope}max`, hi)], [], scope);

/** x·max(0, min(1, x/6 + ½)), written with HardSigmoid so that it runs below opset 14. */
const hardSigmoid = (b: Export, x: string, scope: string) =>
  b.node('HardSigmoid', [x], [attr.float('alpha', 1 / 6), attr.float('beta', 0.5)], scope);

export const ACTIVATION_EMITTERS: Record<string, Emit> = {
  SiLU: activation((b, _, x, s) => b.node('Mul', [x, b.node('Sigmoid', [x], [], s)], [], s)),
  ELU: activation((b, m, x, s) => b.node('Elu', [x], [attr.float('alpha', (m as ELU).alpha)], s)),
  // ONNX's default alpha and gamma are PyTorch's SELU constants rounded to float32.
  SELU: activation((b, _, x, s) => b.node('Selu', [x], [], s)),
  Mish: activation((b, _, x, s) =>
    b.node('Mul', [x, b.node('Tanh', [b.node('Softplus', [x], [], s)], [], s)], [], s),
  ),
  Hardtanh: activation((b, m, x, s) => clip(b, x, (m as Hardtanh).minVal, (m as Hardtanh).maxVal, s)),
  ReLU6: activation((b, _, x, s) => clip(b, x, 0, 6, s)),
  Hardswish: activation((b, _, x, s) => b.node('Mul', [x, hardSigmoid(b, x, s)], [], s)),
  Hardsigmoid: activation((b, _, x, s) => hardSigmoid(b, x, s)),
  Softsign: activation((b, _, x, s) => b.node('Softsign', [x], [], s)),
  // log σ(x) = -softplus(-x)
  LogSigmoid: activation((b, _, x, s) =>
    b.node('Neg', [b.node('Softplus', [b.node('Neg', [x], [], s)], [], s)], [], s),
  ),
};

/** GLU: a·σ(b) with a, b the two halves of the input along `dim`. */
export const emitGlu: Emit = (b, m, scope, x) => {
  const g = m as GLU;
  const d = g.dim < 0 ? g.dim + x.value.ndim : g.dim;
  const half = x.value.shape[d] / 2;
  const axes = b.int64s([d], `${scope}/axes`);
  const part = (i: number) =>
    b.node(
      'Slice',
      [x.name, b.int64s([i * half], `${scope}/s`), b.int64s([(i + 1) * half], `${scope}/e`), axes],
      [],
      scope,
    );
  return b.val(
    b.node('Mul', [part(0), b.node('Sigmoid', [part(1)], [], scope)], [], scope),
    g.forward(x.value),
  );
};

/** A per-channel [C] parameter shaped [C, 1, ..., 1] to broadcast over dim 1 of a rank-`r` input. */
function perChannel(b: Export, name: string, t: Tensor, r: number): string {
  const C = t.shape[0];
  return b.weight(
    name,
    b.own(tidy(() => t.reshape([C, ...new Array<number>(Math.max(r - 2, 0)).fill(1)]).contiguous())),
  );
}

/** PReLU: PRelu with the slopes [1] or [C, 1, ..., 1] (channels in dim 1). */
export const emitPrelu: Emit = (b, m, scope, x) => {
  const p = m as PReLU;
  const slope =
    p.slopes > 1
      ? perChannel(b, `${scope}weight`, p.weight, x.value.ndim)
      : b.weight(`${scope}weight`, p.weight);
  return b.val(b.node('PRelu', [x.name, slope], [], scope), p.forward(x.value));
};

/** (x - μ) / √(σ² + ε) with μ, σ² (biased) over `axes` of `x`. */
function standardise(b: Export, x: string, axes: number[], eps: number, scope: string): string {
  const a = [attr.ints('axes', axes), attr.int('keepdims', 1)];
  const d = b.node('Sub', [x, b.node('ReduceMean', [x], a, scope)], [], scope);
  const variance = b.node('ReduceMean', [b.node('Mul', [d, d], [], scope)], a, scope);
  return b.node(
    'Div',
    [d, b.node('Sqrt', [b.node('Add', [variance, b.scalar(`${scope}eps`, eps)], [], scope)], [], scope)],
    [],
    scope,
  );
}

/** RMSNorm: x / √(mean(x²) + ε) · weight over the last dims (ε default float32's machine epsilon, as PyTorch). */
export const emitRmsNorm: Emit = (b, m, scope, x) => {
  const n = m as RMSNorm;
  const r = x.value.ndim;
  const k = n.normalizedShape.length;
  const a = [
    attr.ints(
      'axes',
      Array.from({ length: k }, (_, i) => r - k + i),
    ),
    attr.int('keepdims', 1),
  ];
  const ms = b.node('ReduceMean', [b.node('Mul', [x.name, x.name], [], scope)], a, scope);
  const eps = b.scalar(`${scope}eps`, n.eps ?? 1.1920928955078125e-7);
  let y = b.node(
    'Div',
    [x.name, b.node('Sqrt', [b.node('Add', [ms, eps], [], scope)], [], scope)],
    [],
    scope,
  );
  if (n.weight) y = b.node('Mul', [y, b.weight(`${scope}weight`, n.weight)], [], scope);
  return b.val(y, n.forward(x.value));
};

/** The per-channel affine of GroupNorm and InstanceNorm (weight and bias may be absent). */
function affine(
  b: Export,
  y: string,
  w: Tensor | null,
  bias: Tensor | null,
  scope: string,
  r: number,
): string {
  let out = y;
  if (w) out = b.node('Mul', [out, perChannel(b, `${scope}weight`, w, r)], [], scope);
  if (bias) out = b.node('Add', [out, perChannel(b, `${scope}bias`, bias, r)], [], scope);
  return out;
}

/** GroupNorm: x [N, C, ...] as [N, G, -1], standardised per group, back to x's shape, affine. */
export const emitGroupNorm: Emit = (b, m, scope, x) => {
  const g = m as GroupNorm;
  const grouped = b.node('Reshape', [x.name, b.int64s([0, g.numGroups, -1], `${scope}/groups`)], [], scope);
  const z = standardise(b, grouped, [2], g.eps, scope);
  const y = b.node('Reshape', [z, b.node('Shape', [x.name], [], scope)], [], scope);
  return b.val(affine(b, y, g.weight, g.bias, scope, x.value.ndim), g.forward(x.value));
};

/**
 * InstanceNorm1d/2d: in eval with running statistics, BatchNormalization on them; otherwise
 * InstanceNormalization (per sample and channel statistics).
 */
export const emitInstanceNorm: Emit = (b, m, scope, x) => {
  const n = m as InstanceNorm1d;
  const C = n.numFeatures;
  const scale = n.weight
    ? b.weight(`${scope}weight`, n.weight)
    : b.weight(`${scope}weight`, b.own(ones([C])));
  const bias = n.bias ? b.weight(`${scope}bias`, n.bias) : b.weight(`${scope}bias`, b.own(zeros([C])));
  const eps = attr.float('epsilon', n.eps);
  const y =
    n.runningMean && n.runningVar
      ? b.node(
          'BatchNormalization',
          [
            x.name,
            scale,
            bias,
            b.weight(`${scope}running_mean`, n.runningMean),
            b.weight(`${scope}running_var`, n.runningVar),
          ],
          [eps],
          scope,
        )
      : b.node('InstanceNormalization', [x.name, scale, bias], [eps], scope);
  return b.val(y, n.forward(x.value));
};

/** Conv1d and Conv3d: Conv with 1-D or 3-D attributes (an unbatched input gets a batch dim around it). */
export const emitConvNd: Emit = (b, m, scope, x: Val) => {
  const c = m as Conv1d | Conv3d;
  const spatial = c.weight.ndim - 2;
  const kernel = c.weight.shape.slice(2);
  const o: Readonly<Conv1dOptions | Conv3dOptions> = c.options;
  const many = (v: number | readonly number[] | undefined, d: number) =>
    v === undefined
      ? new Array<number>(spatial).fill(d)
      : typeof v === 'number'
        ? new Array<number>(spatial).fill(v)
        : [...v];
  const dil = many(o.dilation, 1);
  let begin: number[];
  let end: number[];
  if (o.padding === 'same') {
    const total = kernel.map((k, i) => dil[i] * (k - 1));
    begin = total.map((t) => Math.floor(t / 2));
    end = total.map((t, i) => t - begin[i]);
  } else {
    begin = end = o.padding === 'valid' ? many(0, 0) : many(o.padding, 0);
  }
  const w = b.weight(`${scope}weight`, c.weight);
  const inputs = c.bias ? [w, b.weight(`${scope}bias`, c.bias)] : [w];
  const attrs = [
    attr.ints('kernel_shape', kernel),
    attr.ints('strides', many(o.stride, 1)),
    attr.ints('pads', [...begin, ...end]),
    attr.ints('dilations', dil),
    attr.int('group', o.groups ?? 1),
  ];
  const unbatched = x.value.ndim === spatial + 1;
  const axes = b.int64s([0], `${scope}/axes`);
  const input = unbatched ? b.node('Unsqueeze', [x.name, axes], [], scope) : x.name;
  let y = b.node('Conv', [input, ...inputs], attrs, scope);
  if (unbatched) y = b.node('Squeeze', [y, axes], [], scope);
  return b.val(y, c.forward(x.value));
};
