/**
 * The ONNX operators `importOnnx` runs, each written with @nnet/tensor ops (so autograd, every
 * backend and `tidy` work on an imported model as on a hand-built one).
 *
 * An op has an optional `check` (run once at import on the node's attributes: returns why this
 * form of the op is not supported, or null), an optional `host` version (run when every input is a
 * host constant: shape arithmetic), and `run` on tensors.
 */
import {
  avgPool2d,
  cat,
  conv2d,
  convTranspose2d,
  type DType,
  DTypeError,
  indexSelect,
  linear,
  logSoftmax,
  matmul,
  maxPool2d,
  sizeOf,
  softmax,
  type Tensor,
  tensor,
  ValueError,
  where,
} from '@nnet/tensor';
import {
  axis,
  hostBinary,
  hostConcat,
  hostGather,
  hostTranspose,
  reshapeTarget,
  sliceBounds,
  take,
} from './host_ops.js';
import { asTensor, isHost, type OpContext, type OpDef, type Value } from './op_context.js';
import { convAnyRank, EXTRA_OPS } from './ops_extra.js';
import { LOGIC_OPS } from './ops_logic.js';
import { DataType } from './proto.js';
import { runRecurrent } from './recurrent.js';
import { type HostKind, type HostTensor, host } from './tensor_proto.js';

/** A host constant (shapes, axes, pads): the value must not depend on the model's input data. */
function asHost(v: Value | null, c: OpContext, what: string): HostTensor {
  if (v === null || !isHost(v)) {
    throw new ValueError(
      `importOnnx: ${c.node.opType} '${c.node.name}' needs its ${what} as a constant, but it is computed from the input data; nnet reads no data back during a forward.`,
    );
  }
  return v;
}

const ints = (h: HostTensor): number[] => Array.from(h.data);

/** The dtype an ONNX data type becomes in nnet. */
function dtypeOf(onnxType: number): DType {
  if (onnxType === DataType.BOOL) return 'bool';
  if (onnxType === DataType.FLOAT || onnxType === DataType.DOUBLE || onnxType === DataType.FLOAT16) {
    return 'float32';
  }
  return 'int32';
}

const kindOf = (d: DType): HostKind => (d === 'float32' ? 'float' : d === 'int32' ? 'int' : 'bool');

// ---- elementwise ------------------------------------------------------------------------------

const unary = (f: (x: Tensor) => Tensor): OpDef => ({ run: ([x], c) => [f(asTensor(x, c, 0))] });

function binary(f: (a: Tensor, b: Tensor) => Tensor, h?: (x: number, y: number) => number): OpDef {
  return {
    host: h ? ([a, b], c) => [hostBinary(c.node.opType ?? '', a!, b!, h)] : undefined,
    run: ([a, b], c) => [f(asTensor(a, c, 0), asTensor(b, c, 1))],
  };
}

/** Softmax and LogSoftmax: from opset 13 along `axis` (default -1); before, over the flattened
 * dims from `axis` (default 1) on. */
function softmaxOp(f: typeof softmax): OpDef {
  return {
    run: ([x], c) => {
      const t = asTensor(x, c, 0);
      if (c.opset >= 13) return [f(t, c.attrs.int('axis', -1))];
      const a = axis('Softmax', c.attrs.int('axis', 1), t.ndim);
      if (a === t.ndim - 1) return [f(t, -1)];
      const flat = t.reshape([sizeOf(t.shape.slice(0, a)), sizeOf(t.shape.slice(a))]);
      return [f(flat, 1).reshape(t.shape)];
    },
  };
}

// ---- convolution and pooling ------------------------------------------------------------------

/** Symmetric 2-D pads [top, left, bottom, right] → [padH, padW], or why not. */
function pads2d(c: OpContext): [number, number] | string {
  const autoPad = c.attrs.string('auto_pad', 'NOTSET');
  if (autoPad === 'VALID') return [0, 0];
  if (autoPad !== 'NOTSET') return `auto_pad=${autoPad} is not supported (only NOTSET and VALID)`;
  const p = c.attrs.ints('pads', [0, 0, 0, 0]);
  if (p.length !== 4) return `pads of length ${p.length} (only 2-D ops are supported)`;
  if (p[0] !== p[2] || p[1] !== p[3]) return `asymmetric pads [${p.join(', ')}] are not supported`;
  return [p[0], p[1]];
}

function check2d(c: OpContext, extra: [string, number, number][] = []): string | null {
  const pads = pads2d(c);
  if (typeof pads === 'string') return pads;
  const k = c.attrs.ints('kernel_shape', [0, 0]);
  if (k.length !== 2) return `a ${k.length}-D kernel (only 2-D ops are supported)`;
  for (const [name, value, want] of extra) {
    if (value !== want) return `${name}=${value} is not supported (only ${want})`;
  }
  return null;
}

function pair(c: OpContext, name: string, d: number): [number, number] {
  const v = c.attrs.ints(name, [d, d]);
  return [v[0], v[1]];
}

function require4d(t: Tensor, c: OpContext): void {
  if (t.ndim !== 4) {
    throw new ValueError(
      `importOnnx: ${c.node.opType} '${c.node.name}' got a ${t.ndim}-D input [${t.shape.join(', ')}]; only 2-D images [N, C, H, W] are supported.`,
    );
  }
}

const conv: OpDef = {
  check: (c) => check2d(c),
  run: ([x, w, b], c) => {
    const t = asTensor(x, c, 0);
    require4d(t, c);
    const pads = pads2d(c) as [number, number];
    return [
      conv2d(t, asTensor(w, c, 1), b ? asTensor(b, c, 2) : null, {
        stride: pair(c, 'strides', 1),
        padding: pads,
        dilation: pair(c, 'dilations', 1),
        groups: c.attrs.int('group', 1),
      }),
    ];
  },
};

const convTranspose: OpDef = {
  check: (c) =>
    c.attrs.has('output_shape') ? 'output_shape is not supported (give pads and output_padding)' : check2d(c),
  run: ([x, w, b], c) => {
    const t = asTensor(x, c, 0);
    require4d(t, c);
    return [
      convTranspose2d(t, asTensor(w, c, 1), b ? asTensor(b, c, 2) : null, {
        stride: pair(c, 'strides', 1),
        padding: pads2d(c) as [number, number],
        outputPadding: pair(c, 'output_padding', 0),
        dilation: pair(c, 'dilations', 1),
        groups: c.attrs.int('group', 1),
      }),
    ];
  },
};

function poolCheck(c: OpContext): string | null {
  if ((c.node.output ?? []).filter(Boolean).length > 1) return 'the Indices output is not supported';
  const d = c.attrs.ints('dilations', [1, 1]);
  if (d.some((v) => v !== 1)) return `dilations [${d.join(', ')}] are not supported`;
  return check2d(c, [
    ['ceil_mode', c.attrs.int('ceil_mode', 0), 0],
    ['storage_order', c.attrs.int('storage_order', 0), 0],
  ]);
}

const maxPool: OpDef = {
  check: poolCheck,
  run: ([x], c) => {
    const t = asTensor(x, c, 0);
    require4d(t, c);
    const k = pair(c, 'kernel_shape', 1);
    return [maxPool2d(t, k, { stride: pair(c, 'strides', 1), padding: pads2d(c) as [number, number] })];
  },
};

const averagePool: OpDef = {
  check: poolCheck,
  run: ([x], c) => {
    const t = asTensor(x, c, 0);
    require4d(t, c);
    const k = pair(c, 'kernel_shape', 1);
    return [
      avgPool2d(t, k, {
        stride: pair(c, 'strides', 1),
        padding: pads2d(c) as [number, number],
        countIncludePad: c.attrs.int('count_include_pad', 0) === 1,
      }),
    ];
  },
};

// ---- normalisation ----------------------------------------------------------------------------

const batchNorm: OpDef = {
  check: (c) => {
    if (c.attrs.int('training_mode', 0) !== 0 || (c.node.output ?? []).filter(Boolean).length > 1) {
      return 'training mode (batch statistics) is not supported; export the model in eval mode';
    }
    return c.attrs.int('spatial', 1) === 0 ? 'spatial=0 (per-element statistics) is not supported' : null;
  },
  run: ([x, scale, bias, mean, variance], c) => {
    const t = asTensor(x, c, 0);
    const view = [1, t.shape[1], ...new Array<number>(Math.max(t.ndim - 2, 0)).fill(1)];
    const r = (v: Value | null, i: number) => asTensor(v, c, i).reshape(view);
    const eps = c.attrs.float('epsilon', 1e-5);
    const y = t.sub(r(mean, 3)).div(r(variance, 4).add(eps).sqrt());
    return [y.mul(r(scale, 1)).add(r(bias, 2))];
  },
};

const layerNorm: OpDef = {
  check: (c) =>
    (c.node.output ?? []).filter(Boolean).length > 1
      ? 'the Mean and InvStdDev outputs are not supported'
      : null,
  run: ([x, scale, bias], c) => {
    const t = asTensor(x, c, 0);
    const a = axis('LayerNormalization', c.attrs.int('axis', -1), t.ndim);
    const dims = Array.from({ length: t.ndim - a }, (_, i) => a + i);
    const mean = t.mean(dims, true);
    const d = t.sub(mean);
    let y = d.div(d.square().mean(dims, true).add(c.attrs.float('epsilon', 1e-5)).sqrt());
    y = y.mul(asTensor(scale, c, 1));
    return [bias ? y.add(asTensor(bias, c, 2)) : y];
  },
};

// ---- shapes -----------------------------------------------------------------------------------

/** Axes from the attribute (before `inputFrom`) or from input 1 (from that opset on). */
function axesOf(inputs: (Value | null)[], c: OpContext, inputFrom: number): number[] | null {
  if (c.opset >= inputFrom) return inputs[1] ? ints(asHost(inputs[1], c, 'axes')) : null;
  return c.attrs.has('axes') ? c.attrs.ints('axes', []) : null;
}

function unsqueezeShape(shape: readonly number[], axes: number[]): number[] {
  const rank = shape.length + axes.length;
  const at = new Set(axes.map((a) => axis('Unsqueeze', a, rank)));
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(at.has(i) ? 1 : shape[j++]);
  return out;
}

function squeezeShape(shape: readonly number[], axes: number[] | null): number[] {
  if (!axes) return shape.filter((d) => d !== 1);
  const at = new Set(axes.map((a) => axis('Squeeze', a, shape.length)));
  return shape.filter((_, i) => !at.has(i));
}

const reshaped = (h: HostTensor, shape: number[]): HostTensor => ({ ...h, shape });

const unsqueeze: OpDef = {
  host: ([x, a], c) => [reshaped(x!, unsqueezeShape(x!.shape, axesOf([x, a], c, 13) ?? []))],
  run: ([x, a], c) => {
    const t = asTensor(x, c, 0);
    return [t.reshape(unsqueezeShape(t.shape, axesOf([x, a], c, 13) ?? []))];
  },
};

const squeeze: OpDef = {
  host: ([x, a], c) => [reshaped(x!, squeezeShape(x!.shape, axesOf([x, a], c, 13)))],
  run: ([x, a], c) => {
    const t = asTensor(x, c, 0);
    return [t.reshape(squeezeShape(t.shape, axesOf([x, a], c, 13)))];
  },
};

const reshape: OpDef = {
  host: ([x, s], c) => [reshaped(x!, reshapeTarget(x!.shape, ints(s!), c.attrs.int('allowzero', 0) === 1))],
  run: ([x, s], c) => {
    const t = asTensor(x, c, 0);
    const target = ints(asHost(s, c, 'shape'));
    return [t.reshape(reshapeTarget(t.shape, target, c.attrs.int('allowzero', 0) === 1))];
  },
};

function flattenShape(shape: readonly number[], c: OpContext): number[] {
  const raw = c.attrs.int('axis', 1);
  const a = raw < 0 ? raw + shape.length : raw;
  if (a < 0 || a > shape.length) throw new ValueError(`importOnnx: Flatten axis ${raw} is out of range.`);
  return [sizeOf(shape.slice(0, a)), sizeOf(shape.slice(a))];
}

const flatten: OpDef = {
  host: ([x], c) => [reshaped(x!, flattenShape(x!.shape, c))],
  run: ([x], c) => {
    const t = asTensor(x, c, 0);
    return [t.reshape(flattenShape(t.shape, c))];
  },
};

const shapeOp: OpDef = {
  run: ([x], c) => {
    const s = isHost(x) ? x.shape : asTensor(x, c, 0).shape;
    const r = s.length;
    const norm = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    const start = norm(c.attrs.int('start', 0));
    const end = norm(c.attrs.int('end', r));
    const dims = s.slice(start, Math.max(start, end));
    return [host('int', [dims.length], dims)];
  },
};

function perm(c: OpContext, rank: number): number[] {
  return c.attrs.ints(
    'perm',
    Array.from({ length: rank }, (_, i) => rank - 1 - i),
  );
}

const transpose: OpDef = {
  host: ([x], c) => [hostTranspose(x!, perm(c, x!.shape.length))],
  run: ([x], c) => {
    const t = asTensor(x, c, 0);
    return [t.permute(perm(c, t.ndim))];
  },
};

function sliceArgs(inputs: (Value | null)[], c: OpContext, shape: readonly number[]) {
  const rank = shape.length;
  let starts: number[];
  let ends: number[];
  let axes: number[];
  let steps: number[];
  if (c.opset >= 10) {
    starts = ints(asHost(inputs[1], c, 'starts'));
    ends = ints(asHost(inputs[2], c, 'ends'));
    axes = inputs[3] ? ints(asHost(inputs[3], c, 'axes')) : starts.map((_, i) => i);
    steps = inputs[4] ? ints(asHost(inputs[4], c, 'steps')) : starts.map(() => 1);
  } else {
    starts = c.attrs.ints('starts', []);
    ends = c.attrs.ints('ends', []);
    axes = c.attrs.ints(
      'axes',
      starts.map((_, i) => i),
    );
    steps = starts.map(() => 1);
  }
  const per: number[][] = shape.map((d) => Array.from({ length: d }, (_, i) => i));
  axes.forEach((a, i) => {
    const ax = axis('Slice', a, rank);
    per[ax] = sliceBounds(shape[ax], starts[i], ends[i], steps[i]);
  });
  return per;
}

const slice: OpDef = {
  host: (inputs, c) => [take(inputs[0]!, sliceArgs(inputs, c, inputs[0]!.shape))],
  run: (inputs, c) => {
    let t = asTensor(inputs[0], c, 0);
    const per = sliceArgs(inputs, c, t.shape);
    per.forEach((ix, d) => {
      if (ix.length === t.shape[d]) return;
      const step = ix.length > 1 ? ix[1] - ix[0] : 1;
      t = ix.length === 0 ? t.narrow(d, 0, 0) : t.slice(d, ix[0], ix[ix.length - 1] + 1, step);
    });
    return [t];
  },
};

const concat: OpDef = {
  host: (inputs, c) => [hostConcat(inputs.filter((v) => v !== null) as HostTensor[], c.attrs.int('axis', 0))],
  run: (inputs, c) => [
    cat(
      inputs.filter((v) => v !== null).map((v, i) => asTensor(v, c, i)),
      c.attrs.int('axis', 0),
    ),
  ],
};

const gather: OpDef = {
  host: ([d, i], c) => [hostGather(d!, i!, c.attrs.int('axis', 0))],
  run: ([d, i], c) => {
    const data = asTensor(d, c, 0);
    const a = axis('Gather', c.attrs.int('axis', 0), data.ndim);
    const dim = data.shape[a];
    let idx: Tensor;
    let idxShape: number[];
    if (isHost(i)) {
      idxShape = [...i.shape];
      idx = tensor(Int32Array.from(i.data, (v) => (v < 0 ? v + dim : v)));
    } else {
      const t = asTensor(i, c, 1);
      if (t.dtype !== 'int32') {
        throw new DTypeError(
          `importOnnx: Gather '${c.node.name}' needs integer indices, got ${t.dtype}; pass indices as an int32 tensor.`,
        );
      }
      idxShape = [...t.shape];
      const flat = t.reshape([t.size]);
      idx = where(flat.lt(0), flat.add(dim), flat);
    }
    const rows = indexSelect(data, a, idx);
    return [rows.reshape([...data.shape.slice(0, a), ...idxShape, ...data.shape.slice(a + 1)])];
  },
};

const expand: OpDef = {
  run: ([x, s], c) => {
    const t = asTensor(x, c, 0);
    const target = ints(asHost(s, c, 'shape'));
    const r = Math.max(t.ndim, target.length);
    const a = [...new Array<number>(r - t.ndim).fill(1), ...t.shape];
    const b = [...new Array<number>(r - target.length).fill(1), ...target];
    return [t.expand(a.map((d, k) => (d === 1 ? b[k] : d)))];
  },
};

const constantOfShape: OpDef = {
  run: ([s], c) => {
    const shape = ints(asHost(s, c, 'shape'));
    const v = c.attrs.tensor('value');
    const kind = v?.kind ?? 'float';
    return [host(kind, shape, new Float64Array(sizeOf(shape)).fill(v ? v.data[0] : 0))];
  },
};

const constant: OpDef = {
  check: (c) => {
    for (const n of ['sparse_value', 'value_string', 'value_strings']) {
      if (c.attrs.has(n)) return `${n} is not supported`;
    }
    return null;
  },
  run: (_, c) => {
    const t = c.attrs.tensor('value');
    if (t) return [t];
    if (c.attrs.has('value_float')) return [host('float', [], [c.attrs.float('value_float', 0)])];
    const fs = c.attrs.floats('value_floats');
    if (fs) return [host('float', [fs.length], fs)];
    if (c.attrs.has('value_int')) return [host('int', [], [c.attrs.int('value_int', 0)])];
    const is = c.attrs.ints('value_ints', []);
    return [host('int', [is.length], is)];
  },
};

const castOp: OpDef = {
  host: ([x], c) => {
    const kind = kindOf(dtypeOf(c.attrs.int('to', DataType.FLOAT)));
    return [
      host(
        kind,
        x!.shape,
        Array.from(x!.data, (v) =>
          kind === 'int' ? Math.trunc(v) : kind === 'bool' ? (v ? 1 : 0) : Math.fround(v),
        ),
      ),
    ];
  },
  run: ([x], c) => [asTensor(x, c, 0).to(dtypeOf(c.attrs.int('to', DataType.FLOAT)))],
};

const identity: OpDef = { host: ([x]) => [x!], run: ([x]) => [x!] };

function reduceOp(name: 'mean' | 'sum', inputFrom: number): OpDef {
  return {
    run: (inputs, c) => {
      const t = asTensor(inputs[0], c, 0);
      const axes = axesOf(inputs, c, inputFrom);
      const keep = c.attrs.int('keepdims', 1) === 1;
      if (!axes || axes.length === 0) {
        if (c.attrs.int('noop_with_empty_axes', 0) === 1) return [t];
        return [name === 'mean' ? t.mean(undefined, keep) : t.sum(undefined, keep)];
      }
      return [name === 'mean' ? t.mean(axes, keep) : t.sum(axes, keep)];
    },
  };
}

const gemm: OpDef = {
  run: ([a, b, cc], c) => {
    const A = asTensor(a, c, 0);
    const B = asTensor(b, c, 1);
    const C = cc ? asTensor(cc, c, 2) : null;
    const alpha = c.attrs.float('alpha', 1);
    const beta = c.attrs.float('beta', 1);
    const ta = c.attrs.int('transA', 0) === 1;
    const tb = c.attrs.int('transB', 0) === 1;
    if (!ta && tb && alpha === 1 && beta === 1 && (!C || C.ndim <= 1)) return [linear(A, B, C)];
    let y = matmul(ta ? A.t() : A, tb ? B.t() : B);
    if (alpha !== 1) y = y.mul(alpha);
    if (C) y = y.add(beta === 1 ? C : C.mul(beta));
    return [y];
  },
};

const dropout: OpDef = {
  check: (c) =>
    (c.node.output ?? []).filter(Boolean).length > 1 ? 'the mask output is not supported' : null,
  run: ([x]) => [x!],
};

/** Every op `importOnnx` can run, by op_type (default domain). */
export const OPS: Record<string, OpDef> = {
  ...LOGIC_OPS,
  ...EXTRA_OPS,
  Abs: unary((x) => x.abs()),
  Add: binary(
    (a, b) => a.add(b),
    (x, y) => x + y,
  ),
  AveragePool: averagePool,
  BatchNormalization: batchNorm,
  Cast: castOp,
  Concat: concat,
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Conv: convAnyRank(conv),
  ConvTranspose: convTranspose,
  Div: binary(
    (a, b) => a.div(b),
    (x, y) => x / y,
  ),
  Dropout: dropout,
  Erf: unary((x) => x.erf()),
  Exp: unary((x) => x.exp()),
  Expand: expand,
  Flatten: flatten,
  Gather: gather,
  Gemm: gemm,
  GlobalAveragePool: {
    run: ([x], c) => {
      const t = asTensor(x, c, 0);
      require4d(t, c);
      return [t.mean([2, 3], true)];
    },
  },
  GRU: { check: (c) => runRecurrent.check('GRU', c), run: (i, c) => runRecurrent.run('GRU', i, c) },
  Identity: identity,
  LayerNormalization: layerNorm,
  LeakyRelu: { run: ([x], c) => [asTensor(x, c, 0).leakyRelu(c.attrs.float('alpha', 0.01))] },
  Log: unary((x) => x.log()),
  LogSoftmax: softmaxOp(logSoftmax),
  LSTM: { check: (c) => runRecurrent.check('LSTM', c), run: (i, c) => runRecurrent.run('LSTM', i, c) },
  MatMul: binary((a, b) => matmul(a, b)),
  MaxPool: maxPool,
  Mul: binary(
    (a, b) => a.mul(b),
    (x, y) => x * y,
  ),
  Neg: unary((x) => x.neg()),
  Pow: binary((a, b) => a.pow(b)),
  Reciprocal: unary((x) => x.reciprocal()),
  ReduceMean: reduceOp('mean', 18),
  ReduceSum: reduceOp('sum', 13),
  Relu: unary((x) => x.relu()),
  Reshape: reshape,
  RNN: { check: (c) => runRecurrent.check('RNN', c), run: (i, c) => runRecurrent.run('RNN', i, c) },
  Shape: shapeOp,
  Sigmoid: unary((x) => x.sigmoid()),
  Slice: slice,
  Softmax: softmaxOp(softmax),
  Sqrt: unary((x) => x.sqrt()),
  Squeeze: squeeze,
  Sub: binary(
    (a, b) => a.sub(b),
    (x, y) => x - y,
  ),
  Tanh: unary((x) => x.tanh()),
  Transpose: transpose,
  Unsqueeze: unsqueeze,
};
