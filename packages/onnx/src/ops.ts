/**
 * The ONNX operators `importOnnx` runs, each written with @nnet/tensor ops (so autograd, every
 * backend and `tidy` work on an imported model as on a hand-built one).
 *
 * An op has an optional `check` (run once at import on the node's attributes: returns why this
 * form of the op is not supported, or null), an optional `host` version (run when every input is a
 * host constant: shape arithmetic), and `run` on tensors.
 */
import { linear, logSoftmax, matmul, sizeOf, softmax, type Tensor } from '@nnet/tensor';
import { axis, hostBinary } from './host_ops.js';
import { asTensor, type OpDef, type Value } from './op_context.js';
import { CONV_OPS } from './ops_conv.js';
import { EXTRA_OPS } from './ops_extra.js';
import { LOGIC_OPS } from './ops_logic.js';
import { axesOf, SHAPE_OPS } from './ops_shape.js';
import { runRecurrent } from './recurrent.js';

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

// ---- reductions, products and dropout ---------------------------------------------------------

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
  ...CONV_OPS,
  ...SHAPE_OPS,
  Abs: unary((x) => x.abs()),
  Add: binary(
    (a, b) => a.add(b),
    (x, y) => x + y,
  ),
  BatchNormalization: batchNorm,
  Div: binary(
    (a, b) => a.div(b),
    (x, y) => x / y,
  ),
  Dropout: dropout,
  Erf: unary((x) => x.erf()),
  Exp: unary((x) => x.exp()),
  Gemm: gemm,
  GRU: { check: (c) => runRecurrent.check('GRU', c), run: (i, c) => runRecurrent.run('GRU', i, c) },
  LayerNormalization: layerNorm,
  LeakyRelu: { run: ([x], c) => [asTensor(x, c, 0).leakyRelu(c.attrs.float('alpha', 0.01))] },
  Log: unary((x) => x.log()),
  LogSoftmax: softmaxOp(logSoftmax),
  LSTM: { check: (c) => runRecurrent.check('LSTM', c), run: (i, c) => runRecurrent.run('LSTM', i, c) },
  MatMul: binary((a, b) => matmul(a, b)),
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
  RNN: { check: (c) => runRecurrent.check('RNN', c), run: (i, c) => runRecurrent.run('RNN', i, c) },
  Sigmoid: unary((x) => x.sigmoid()),
  Softmax: softmaxOp(softmax),
  Sqrt: unary((x) => x.sqrt()),
  Sub: binary(
    (a, b) => a.sub(b),
    (x, y) => x - y,
  ),
  Tanh: unary((x) => x.tanh()),
};
