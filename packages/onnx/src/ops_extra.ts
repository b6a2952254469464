/**
 * The ops `importOnnx` runs for PyTorch's newer layers: Elu, Selu, Softplus, Softsign, Clip, HardSigmoid,
 * HardSwish, PRelu, Split (GLU), InstanceNormalization (GroupNorm and InstanceNorm), and Conv on
 * 1-D and 3-D inputs (Conv1d, Conv3d; the 2-D Conv stays in ops.ts), and Range (the positions
 * `torch.arange(ids.shape[1])` of GPT-2 and other learned position embeddings).
 */
import { conv1d, conv3d, hardswish, softplus, type Tensor, ValueError, where } from '@nnet/tensor';
import { axis, take } from './host_ops.js';
import { asTensor, isHost, type OpContext, type OpDef, type Value } from './op_context.js';
import { type HostTensor, host } from './tensor_proto.js';

const unary = (f: (x: Tensor, c: OpContext) => Tensor): OpDef => ({
  run: ([x], c) => [f(asTensor(x, c, 0), c)],
});

/** Clip's bound: input 1/2 from opset 11 (a constant or a tensor), the min/max attribute before. */
function bound(v: Value | null | undefined, c: OpContext, name: 'min' | 'max'): number | Tensor | null {
  if (c.opset < 11) return c.attrs.has(name) ? c.attrs.float(name, 0) : null;
  // An input left out at the end of the node's list is undefined, one left empty ('') null.
  if (v === null || v === undefined) return null;
  return isHost(v) ? v.data[0] : v;
}

/** Split's sizes: the `split` input (opset 13 on) or attribute, else equal parts, one per output. */
function splitSizes(inputs: (Value | null)[], c: OpContext, dim: number): number[] {
  const given = c.opset >= 13 ? inputs[1] : null;
  if (given && !isHost(given)) {
    throw new ValueError(
      `importOnnx: Split '${c.node.name}' needs its split sizes as a constant, but they are computed from the input data.`,
    );
  }
  const sizes = given ? Array.from(given.data) : c.attrs.has('split') ? c.attrs.ints('split', []) : null;
  if (sizes) return sizes;
  const n = (c.node.output ?? []).length;
  if (dim % n !== 0)
    throw new ValueError(`importOnnx: Split '${c.node.name}' cannot cut ${dim} into ${n} equal parts.`);
  return new Array<number>(n).fill(dim / n);
}

/** Range's scalar input `i` (start, limit or delta), which must be a constant (shape arithmetic). */
function rangeScalar(v: Value | null, c: OpContext, i: number): HostTensor {
  const what = ['start', 'limit', 'delta'][i];
  if (v === null || !isHost(v)) {
    throw new ValueError(
      `importOnnx: Range '${c.node.name}' needs its ${what} as a constant (for example from Shape), but it is computed from the input data; nnet reads no data back during a forward.`,
    );
  }
  if (v.data.length !== 1) {
    throw new ValueError(
      `importOnnx: Range '${c.node.name}' needs a scalar ${what}, got shape [${v.shape.join(', ')}].`,
    );
  }
  return v;
}

/** ONNX Range: start, start + delta, ... up to (not including) limit; max(ceil((limit - start) / delta), 0) values. */
const rangeOp: OpDef = {
  run: (inputs, c) => {
    const [start, limit, delta] = [0, 1, 2].map((i) => rangeScalar(inputs[i] ?? null, c, i));
    const d = delta.data[0];
    if (d === 0) throw new ValueError(`importOnnx: Range '${c.node.name}' has delta 0; it must be non-zero.`);
    const n = Math.max(Math.ceil((limit.data[0] - start.data[0]) / d), 0);
    const s = start.data[0];
    return [
      host(
        start.kind,
        [n],
        Float64Array.from({ length: n }, (_, i) => s + i * d),
      ),
    ];
  },
};

const split: OpDef = {
  host: (inputs, c) => {
    const x = inputs[0]!;
    const a = axis('Split', c.attrs.int('axis', 0), x.shape.length);
    let start = 0;
    return splitSizes(inputs, c, x.shape[a]).map((n) => {
      const ix = x.shape.map((d, i) =>
        Array.from({ length: i === a ? n : d }, (_, j) => (i === a ? start + j : j)),
      );
      start += n;
      return take(x, ix);
    });
  },
  run: (inputs, c) => {
    const t = asTensor(inputs[0], c, 0);
    const a = axis('Split', c.attrs.int('axis', 0), t.ndim);
    let start = 0;
    return splitSizes(inputs, c, t.shape[a]).map((n) => {
      const part = t.narrow(a, start, n);
      start += n;
      return part;
    });
  },
};

/** [C] → [C, 1, ..., 1] against a rank-`r` input (channels in dim 1). */
const perChannel = (t: Tensor, r: number) => t.reshape([t.shape[0], ...new Array<number>(r - 2).fill(1)]);

const instanceNorm: OpDef = {
  run: ([x, scale, bias], c) => {
    const t = asTensor(x, c, 0);
    const dims = Array.from({ length: t.ndim - 2 }, (_, i) => i + 2);
    const d = t.sub(t.mean(dims, true));
    const y = d.div(d.square().mean(dims, true).add(c.attrs.float('epsilon', 1e-5)).sqrt());
    return [y.mul(perChannel(asTensor(scale, c, 1), t.ndim)).add(perChannel(asTensor(bias, c, 2), t.ndim))];
  },
};

/** Symmetric pads of a k-D op as k numbers, or why not. */
function padsNd(c: OpContext, k: number): number[] | string {
  const autoPad = c.attrs.string('auto_pad', 'NOTSET');
  if (autoPad === 'VALID') return new Array<number>(k).fill(0);
  if (autoPad !== 'NOTSET') return `auto_pad=${autoPad} is not supported (only NOTSET and VALID)`;
  const p = c.attrs.ints('pads', new Array<number>(2 * k).fill(0));
  if (p.length !== 2 * k) return `pads of length ${p.length} for a ${k}-D kernel`;
  if (p.some((v, i) => i < k && v !== p[i + k])) return `asymmetric pads [${p.join(', ')}] are not supported`;
  return p.slice(0, k);
}

/**
 * The kernel rank the attributes give: kernel_shape's length, else (kernel_shape is optional in
 * ONNX) that of strides, dilations or pads / 2; null when none is given (the weight decides at run
 * time), a reason when they disagree.
 */
function attrRank(c: OpContext): number | null | string {
  const ranks: [string, number][] = [];
  for (const [name, per] of [
    ['kernel_shape', 1],
    ['strides', 1],
    ['dilations', 1],
    ['pads', 2],
  ] as const) {
    if (c.attrs.has(name)) ranks.push([name, c.attrs.ints(name, []).length / per]);
  }
  const bad = ranks.find(([, r]) => r !== ranks[0]![1]);
  if (bad) return `${ranks[0]![0]} and ${bad[0]} give different kernel ranks (${ranks[0]![1]} and ${bad[1]})`;
  return ranks.length > 0 ? ranks[0]![1] : null;
}

/** Why a k-D Conv cannot run, or null. */
function checkRank(conv2dOp: OpDef, c: OpContext, k: number): string | null {
  if (k === 2) return conv2dOp.check?.(c) ?? null;
  if (k !== 1 && k !== 3) return `a ${k}-D kernel (1-D, 2-D and 3-D are supported)`;
  const pads = padsNd(c, k);
  return typeof pads === 'string' ? pads : null;
}

/**
 * Conv on [N, C, L] (1-D) and [N, C, D, H, W] (3-D) inputs; `conv2dOp` keeps the 2-D case. The rank
 * is kernel_shape's length, or without it the weight's rank - 2 ([C_out, C_in / group, ...kernel]).
 */
export function convAnyRank(conv2dOp: OpDef): OpDef {
  return {
    check: (c) => {
      const k = attrRank(c);
      if (typeof k === 'string') return k;
      return k === null ? null : checkRank(conv2dOp, c, k);
    },
    run: (inputs, c) => {
      const [x, w, b] = inputs;
      if (!w) throw new ValueError(`importOnnx: Conv '${c.node.name}' is missing input 1 (the weight).`);
      const fromAttrs = attrRank(c);
      const k = typeof fromAttrs === 'number' ? fromAttrs : w.shape.length - 2;
      const why = checkRank(conv2dOp, c, k);
      if (why !== null) {
        throw new ValueError(
          `importOnnx: Conv '${c.node.name}' cannot run: ${why} (weight [${w.shape.join(', ')}]); give a [C_out, C_in / group, ...kernel] weight of rank 3, 4 or 5.`,
        );
      }
      if (k === 2) return conv2dOp.run(inputs, c);
      const t = asTensor(x, c, 0);
      if (t.ndim !== k + 2) {
        throw new ValueError(
          `importOnnx: Conv '${c.node.name}' has a ${k}-D kernel but a ${t.ndim}-D input [${t.shape.join(', ')}]; expected ${k + 2}-D.`,
        );
      }
      const ones = new Array<number>(k).fill(1);
      const strides = c.attrs.ints('strides', ones);
      const dilations = c.attrs.ints('dilations', ones);
      const pads = padsNd(c, k) as number[];
      const groups = c.attrs.int('group', 1);
      const weight = asTensor(w, c, 1);
      const bias = b ? asTensor(b, c, 2) : null;
      if (k === 1) {
        return [
          conv1d(t, weight, bias, { stride: strides[0], padding: pads[0], dilation: dilations[0], groups }),
        ];
      }
      const triple = (v: number[]): [number, number, number] => [v[0], v[1], v[2]];
      return [
        conv3d(t, weight, bias, {
          stride: triple(strides),
          padding: triple(pads),
          dilation: triple(dilations),
          groups,
        }),
      ];
    },
  };
}

/** The newer layers' ops, by op_type (default domain); merged into `OPS`. */
export const EXTRA_OPS: Record<string, OpDef> = {
  Clip: {
    run: ([x, lo, hi], c) => [asTensor(x, c, 0).clamp(bound(lo, c, 'min'), bound(hi, c, 'max'))],
  },
  Elu: unary((x, c) => {
    const alpha = c.attrs.float('alpha', 1);
    return where(x.gt(0), x, x.clamp(null, 0).exp().sub(1).mul(alpha));
  }),
  HardSigmoid: unary((x, c) =>
    x.mul(c.attrs.float('alpha', 0.2)).add(c.attrs.float('beta', 0.5)).clamp(0, 1),
  ),
  HardSwish: unary((x) => hardswish(x)),
  InstanceNormalization: instanceNorm,
  // Slope broadcast to x (unidirectionally, as ONNX defines it): x where x ≥ 0, slope·x elsewhere.
  PRelu: {
    run: ([x, s], c) => [
      where(asTensor(x, c, 0).lt(0), asTensor(x, c, 0).mul(asTensor(s, c, 1)), asTensor(x, c, 0)),
    ],
  },
  Range: rangeOp,
  Selu: unary((x, c) => {
    const alpha = c.attrs.float('alpha', 1.6732631921768188);
    const gamma = c.attrs.float('gamma', 1.0507010221481323);
    return where(x.gt(0), x, x.clamp(null, 0).exp().sub(1).mul(alpha)).mul(gamma);
  }),
  Softplus: unary((x) => softplus(x)),
  Softsign: unary((x) => x.div(x.abs().add(1))),
  Split: split,
};
