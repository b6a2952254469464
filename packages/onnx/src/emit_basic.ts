/**
 * ONNX translations of the dense and image layers: Linear, ManualLinear, Conv2d, ConvTranspose2d,
 * MaxPool2d, AvgPool2d, AdaptiveAvgPool2d and Flatten.
 */
import type {
  AdaptiveAvgPool2d,
  AvgPool2d,
  Conv2d,
  ConvTranspose2d,
  Flatten,
  Linear,
  ManualLinear,
} from '@nnet/layers';
import { MaxPool2d } from '@nnet/layers';
import type { Conv2dOptions, ConvTranspose2dOptions } from '@nnet/tensor';
import { attr } from './builder.js';
import { configOf, type Emit, type Export, pair, withBatch } from './export_context.js';

/** The nodes of x·Wᵀ + bias for a weight [out, in] initializer (and an optional bias initializer name). */
export function linearNodes(b: Export, x: string, w: string, bias: string | null, scope: string): string {
  const wt = b.node('Transpose', [w], [attr.ints('perm', [1, 0])], scope);
  const mm = b.node('MatMul', [x, wt], [], scope);
  return bias ? b.node('Add', [mm, bias], [], scope) : mm;
}

export const emitLinear: Emit = (b, m, scope, x) => {
  const l = m as Linear | ManualLinear;
  const w = b.weight(`${scope}weight`, l.weight);
  const bias = l.bias ? b.weight(`${scope}bias`, l.bias) : null;
  const y = l.forward(x.value);
  if (x.value.ndim === 2) {
    return b.val(b.node('Gemm', bias ? [x.name, w, bias] : [x.name, w], [attr.int('transB', 1)], scope), y);
  }
  return b.val(linearNodes(b, x.name, w, bias, scope), y);
};

export const emitConv: Emit = (b, m, scope, x) => {
  const c = m as Conv2d;
  const o = configOf<Conv2dOptions>(c, 'options');
  const [kH, kW] = c.kernelSize;
  const [sH, sW] = pair(o.stride, 1);
  const [dH, dW] = pair(o.dilation, 1);
  let pads: number[];
  if (o.padding === 'same') {
    const total = [dH * (kH - 1), dW * (kW - 1)];
    pads = [Math.floor(total[0] / 2), Math.floor(total[1] / 2), 0, 0];
    pads[2] = total[0] - pads[0];
    pads[3] = total[1] - pads[1];
  } else {
    const [pH, pW] = o.padding === 'valid' ? [0, 0] : pair(o.padding, 0);
    pads = [pH, pW, pH, pW];
  }
  const w = b.weight(`${scope}weight`, c.weight);
  const inputs = c.bias ? [w, b.weight(`${scope}bias`, c.bias)] : [w];
  const attrs = [
    attr.ints('kernel_shape', [kH, kW]),
    attr.ints('strides', [sH, sW]),
    attr.ints('pads', pads),
    attr.ints('dilations', [dH, dW]),
    attr.int('group', o.groups ?? 1),
  ];
  const y = withBatch(b, x, scope, (n) => b.node('Conv', [n, ...inputs], attrs, scope));
  return b.val(y, c.forward(x.value));
};

export const emitConvTranspose: Emit = (b, m, scope, x) => {
  const c = m as ConvTranspose2d;
  const o = configOf<ConvTranspose2dOptions>(c, 'options');
  const [pH, pW] = pair(o.padding, 0);
  const w = b.weight(`${scope}weight`, c.weight);
  const inputs = c.bias ? [w, b.weight(`${scope}bias`, c.bias)] : [w];
  const attrs = [
    attr.ints('kernel_shape', c.kernelSize),
    attr.ints('strides', pair(o.stride, 1)),
    attr.ints('pads', [pH, pW, pH, pW]),
    attr.ints('dilations', pair(o.dilation, 1)),
    attr.ints('output_padding', pair(o.outputPadding, 0)),
    attr.int('group', o.groups ?? 1),
  ];
  const y = withBatch(b, x, scope, (n) => b.node('ConvTranspose', [n, ...inputs], attrs, scope));
  return b.val(y, c.forward(x.value));
};

export const emitPool: Emit = (b, m, scope, x) => {
  const p = m as MaxPool2d | AvgPool2d;
  const k = pair(p.kernelSize, 1);
  const [pH, pW] = pair(p.options.padding, 0);
  const attrs = [
    attr.ints('kernel_shape', k),
    attr.ints('strides', pair(p.options.stride ?? k, 1)),
    attr.ints('pads', [pH, pW, pH, pW]),
  ];
  const isMax = m instanceof MaxPool2d;
  if (!isMax)
    attrs.push(attr.int('count_include_pad', (m as AvgPool2d).options.countIncludePad === false ? 0 : 1));
  const y = withBatch(b, x, scope, (n) => b.node(isMax ? 'MaxPool' : 'AveragePool', [n], attrs, scope));
  return b.val(y, p.forward(x.value));
};

export const emitAdaptiveAvg: Emit = (b, m, scope, x) => {
  const a = m as AdaptiveAvgPool2d;
  const [oH, oW] = a.size;
  const H = x.value.shape[x.value.ndim - 2];
  const W = x.value.shape[x.value.ndim - 1];
  const y = withBatch(b, x, scope, (n) => {
    if (oH === 1 && oW === 1) return b.node('GlobalAveragePool', [n], [], scope);
    if (H % oH === 0 && W % oW === 0) {
      const k = [H / oH, W / oW];
      return b.node(
        'AveragePool',
        [n],
        [attr.ints('kernel_shape', k), attr.ints('strides', k), attr.ints('pads', [0, 0, 0, 0])],
        scope,
      );
    }
    // PyTorch's overlapping windows: output cell (i, j) averages rows ⌊iH/oH⌋..⌈(i+1)H/oH⌉ - 1.
    const axes = b.int64s([2, 3], `${scope}/axes`);
    const rows: string[] = [];
    for (let i = 0; i < oH; i++) {
      const cells: string[] = [];
      for (let j = 0; j < oW; j++) {
        const h0 = Math.floor((i * H) / oH);
        const w0 = Math.floor((j * W) / oW);
        const starts = b.int64s([h0, w0], `${scope}/starts`);
        const ends = b.int64s(
          [Math.ceil(((i + 1) * H) / oH), Math.ceil(((j + 1) * W) / oW)],
          `${scope}/ends`,
        );
        const s = b.node('Slice', [n, starts, ends, axes], [], scope);
        cells.push(b.node('ReduceMean', [s], [attr.ints('axes', [2, 3]), attr.int('keepdims', 1)], scope));
      }
      rows.push(cells.length === 1 ? cells[0] : b.node('Concat', cells, [attr.int('axis', 3)], scope));
    }
    return rows.length === 1 ? rows[0] : b.node('Concat', rows, [attr.int('axis', 2)], scope);
  });
  return b.val(y, a.forward(x.value));
};

export const emitFlatten: Emit = (b, m, scope, x) => {
  const f = m as Flatten;
  const r = x.value.ndim;
  const start = f.startDim < 0 ? f.startDim + r : f.startDim;
  const end = f.endDim < 0 ? f.endDim + r : f.endDim;
  const y = f.forward(x.value);
  if (start === 1 && end === r - 1)
    return b.val(b.node('Flatten', [x.name], [attr.int('axis', 1)], scope), y);
  if (start === 0 && end === r - 1)
    return b.val(b.node('Reshape', [x.name, b.int64s([-1], `${scope}/shape`)], [], scope), y);
  // shape(x)[:start] ++ [-1] ++ shape(x)[end+1:], computed in the graph so dynamic axes survive.
  const shape = b.node('Shape', [x.name], [], scope);
  const parts: string[] = [];
  if (start > 0) {
    parts.push(
      b.node('Slice', [shape, b.int64s([0], `${scope}/s`), b.int64s([start], `${scope}/e`)], [], scope),
    );
  }
  parts.push(b.int64s([-1], `${scope}/minus1`));
  if (end < r - 1) {
    parts.push(
      b.node('Slice', [shape, b.int64s([end + 1], `${scope}/s`), b.int64s([r], `${scope}/e`)], [], scope),
    );
  }
  const target = b.node('Concat', parts, [attr.int('axis', 0)], scope);
  return b.val(b.node('Reshape', [x.name, target], [], scope), y);
};
