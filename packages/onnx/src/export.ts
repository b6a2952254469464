/**
 * `exportOnnx(model, exampleInputs, options)`: an nnet model as the bytes of an ONNX file.
 *
 * The exporter walks the module tree (Sequential's children in order, each known layer type
 * translated to ONNX nodes) and runs every layer's own forward on the example as it goes, so the
 * shapes it writes are the ones nnet computes. Weights become initializers under the module's
 * dotted parameter names (PyTorch's: "0.weight", "2.running_mean").
 */
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  ConvTranspose2d,
  Dropout,
  Embedding,
  Flatten,
  GELU,
  GRU,
  Identity,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  LSTM,
  ManualLinear,
  MaxPool2d,
  type Module,
  ReLU,
  RNN,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
} from '@nnet/layers';
import {
  type Conv2dOptions,
  type ConvTranspose2dOptions,
  cat,
  full,
  isTensor,
  noGrad,
  ones,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
  zeros,
} from '@nnet/tensor';
import { attr, GraphBuilder } from './builder.js';
import { UnsupportedModuleError } from './errors.js';
import { DataType, encodeModel, type ValueInfoProto } from './proto.js';
import { floatTensorProto } from './tensor_proto.js';

/**
 * The opsets `exportOnnx` writes.
 *
 * @example
 * SUPPORTED_EXPORT_OPSETS.includes(17); // true
 */
export const SUPPORTED_EXPORT_OPSETS: readonly number[] = [13, 14, 15, 16, 17];
/**
 * The default opset of `exportOnnx`: 17, the first with LayerNormalization.
 *
 * @example
 * await exportOnnx(model, x, { opset: DEFAULT_OPSET }); // the same as leaving opset out
 */
export const DEFAULT_OPSET = 17;

/**
 * Options of `exportOnnx`, named as PyTorch's `torch.onnx.export` names them.
 *
 * @example
 * const options: ExportOptions = { opset: 13, inputNames: ['x'], outputNames: ['y'], dynamicAxes: { x: { 0: 'batch' } } };
 */
export interface ExportOptions {
  /** ONNX opset, 13 to 17 (default 17; below 17 LayerNorm is written as its decomposition). */
  opset?: number;
  /** Graph input names (default ['input']). */
  inputNames?: string[];
  /** Graph output names (default ['output']). */
  outputNames?: string[];
  /**
   * Axes whose size may differ from the example's, as in PyTorch: per input or output name, a map
   * from axis to a symbolic name (`{ input: { 0: 'batch' } }`) or a list of axes (`{ input: [0] }`).
   * Output axes not listed are found by tracing a second time with the dynamic input axes resized.
   */
  dynamicAxes?: Record<string, Record<number, string> | number[]>;
  /** producer_name in the file (default 'nnet'). */
  producerName?: string;
}

interface Val {
  name: string;
  value: Tensor;
}

type Emit = (b: Export, m: Module, scope: string, x: Val) => Val;

/** State of one export: the graph and the tensors made while tracing (freed at the end). */
class Export extends GraphBuilder {
  readonly owned: Tensor[] = [];
  own<T extends Tensor>(t: T): T {
    this.owned.push(t);
    return t;
  }
  /** The node output `name` with nnet's value of it on the example. */
  val(name: string, value: Tensor): Val {
    return { name, value: this.own(value) };
  }
}

const pair = (v: number | readonly number[] | undefined, d: number): [number, number] =>
  v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

/** Runs `body` on a 4-D view of a 3-D [C, H, W] input (ONNX's image ops need the batch dim). */
function withBatch(b: Export, x: Val, scope: string, body: (name: string) => string): string {
  if (x.value.ndim !== 3) return body(x.name);
  const axes = b.int64s([0], `${scope}/axes`);
  const y = body(b.node('Unsqueeze', [x.name, axes], [], scope));
  return b.node('Squeeze', [y, axes], [], scope);
}

/**
 * A configuration field that @nnet/layers keeps private (Conv2d's and ConvTranspose2d's `options`,
 * the recurrent layers' `cell`); read at run time until the layers expose them.
 */
function configOf<T>(m: Module, key: string): T {
  return (m as unknown as Record<string, T>)[key];
}

function paramOf(m: Module, name: string): Tensor | null {
  return m.namedParameters().find(([n]) => n === name)?.[1] ?? null;
}

const emitLinear: Emit = (b, m, scope, x) => {
  const l = m as Linear | ManualLinear;
  const w = b.weight(`${scope}weight`, l.weight);
  const bias = l.bias ? b.weight(`${scope}bias`, l.bias) : null;
  const y = l.forward(x.value);
  if (x.value.ndim === 2) {
    return b.val(b.node('Gemm', bias ? [x.name, w, bias] : [x.name, w], [attr.int('transB', 1)], scope), y);
  }
  const wt = b.node('Transpose', [w], [attr.ints('perm', [1, 0])], scope);
  const mm = b.node('MatMul', [x.name, wt], [], scope);
  return b.val(bias ? b.node('Add', [mm, bias], [], scope) : mm, y);
};

const emitConv: Emit = (b, m, scope, x) => {
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

const emitConvTranspose: Emit = (b, m, scope, x) => {
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

const emitPool: Emit = (b, m, scope, x) => {
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

const emitAdaptiveAvg: Emit = (b, m, scope, x) => {
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

const emitFlatten: Emit = (b, m, scope, x) => {
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

const emitBatchNorm: Emit = (b, m, scope, x) => {
  const n = m as BatchNorm1d;
  if (!n.runningMean || !n.runningVar) {
    throw new UnsupportedModuleError(
      `exportOnnx: ${n.constructor.name} at '${scope.slice(0, -1)}' has trackRunningStats=false, so even in eval it ` +
        'normalises with batch statistics, which ONNX BatchNormalization cannot express. Train it with running statistics.',
      [{ path: scope.slice(0, -1), type: n.constructor.name }],
    );
  }
  const C = n.numFeatures;
  const scale = n.weight
    ? b.weight(`${scope}weight`, n.weight)
    : b.weight(`${scope}weight`, b.own(ones([C])));
  const bias = n.bias ? b.weight(`${scope}bias`, n.bias) : b.weight(`${scope}bias`, b.own(zeros([C])));
  const mean = b.weight(`${scope}running_mean`, n.runningMean);
  const variance = b.weight(`${scope}running_var`, n.runningVar);
  const y = b.node(
    'BatchNormalization',
    [x.name, scale, bias, mean, variance],
    [attr.float('epsilon', n.eps)],
    scope,
  );
  return b.val(y, n.forward(x.value));
};

const emitLayerNorm: Emit = (b, m, scope, x) => {
  const l = m as LayerNorm;
  const k = l.normalizedShape.length;
  const r = x.value.ndim;
  const y = l.forward(x.value);
  const gamma = l.weight ? b.weight(`${scope}weight`, l.weight) : null;
  const beta = l.bias ? b.weight(`${scope}bias`, l.bias) : null;
  if (b.opset >= 17) {
    const scale = gamma ?? b.weight(`${scope}weight`, b.own(ones(l.normalizedShape)));
    const inputs = beta ? [x.name, scale, beta] : [x.name, scale];
    const attrs = [attr.int('axis', -k), attr.float('epsilon', l.eps)];
    return b.val(b.node('LayerNormalization', inputs, attrs, scope), y);
  }
  // (x - μ) / √(σ² + ε) · γ + β, μ and σ² (biased) over the last k axes.
  const axes = attr.ints(
    'axes',
    Array.from({ length: k }, (_, i) => r - k + i),
  );
  const mean = b.node('ReduceMean', [x.name], [axes, attr.int('keepdims', 1)], scope);
  const d = b.node('Sub', [x.name, mean], [], scope);
  const variance = b.node(
    'ReduceMean',
    [b.node('Mul', [d, d], [], scope)],
    [axes, attr.int('keepdims', 1)],
    scope,
  );
  const eps = b.weight(`${scope}eps`, b.own(full([], l.eps)));
  let out = b.node(
    'Div',
    [d, b.node('Sqrt', [b.node('Add', [variance, eps], [], scope)], [], scope)],
    [],
    scope,
  );
  if (gamma) out = b.node('Mul', [out, gamma], [], scope);
  if (beta) out = b.node('Add', [out, beta], [], scope);
  return b.val(out, y);
};

const emitEmbedding: Emit = (b, m, scope, x) => {
  const e = m as Embedding;
  const w = b.weight(`${scope}weight`, e.weight);
  return b.val(b.node('Gather', [w, x.name], [attr.int('axis', 0)], scope), e.forward(x.value));
};

const unary =
  (opType: string, attrs: (m: Module) => ReturnType<typeof attr.int>[] = () => []): Emit =>
  (b, m, scope, x) =>
    b.val(b.node(opType, [x.name], attrs(m), scope), m.forward(x.value));

const emitGelu: Emit = (b, m, scope, x) => {
  const g = m as GELU;
  const c = (v: number, name: string) => b.weight(`${scope}${name}`, b.own(full([], v)));
  const half = b.node('Mul', [x.name, c(0.5, 'half')], [], scope);
  let inner: string;
  if (g.approximate === 'tanh') {
    // ½x·(1 + tanh(√(2/π)·(x + 0.044715x³)))
    const cube = b.node('Mul', [x.name, b.node('Mul', [x.name, x.name], [], scope)], [], scope);
    const poly = b.node('Add', [x.name, b.node('Mul', [cube, c(0.044715, 'coef')], [], scope)], [], scope);
    inner = b.node(
      'Tanh',
      [b.node('Mul', [poly, c(Math.sqrt(2 / Math.PI), 'sqrt_2_over_pi')], [], scope)],
      [],
      scope,
    );
  } else {
    // ½x·(1 + erf(x/√2))
    inner = b.node('Erf', [b.node('Mul', [x.name, c(Math.SQRT1_2, 'sqrt_half')], [], scope)], [], scope);
  }
  const y = b.node('Mul', [half, b.node('Add', [inner, c(1, 'one')], [], scope)], [], scope);
  return b.val(y, g.forward(x.value));
};

/** PyTorch's gate blocks → ONNX's: LSTM i,f,g,o → i,o,f,c; GRU r,z,n → z,r,h. */
function reorderGates(t: Tensor, cell: string): Tensor {
  if (cell === 'lstm') {
    const [i, f, g, o] = t.chunk(4, 0);
    return cat([i, o, f, g], 0);
  }
  if (cell === 'gru') {
    const [r, z, n] = t.chunk(3, 0);
    return cat([z, r, n], 0);
  }
  return t.clone();
}

const emitRecurrent: Emit = (b, m, scope, x) => {
  const rnn = m as RNN;
  const cell = configOf<string>(rnn, 'cell');
  const H = rnn.hiddenSize;
  const opType = cell === 'lstm' ? 'LSTM' : cell === 'gru' ? 'GRU' : 'RNN';
  const y = rnn.forward(x.value);
  let seq = x.name;
  if (x.value.ndim === 2) seq = b.node('Unsqueeze', [seq, b.int64s([1], `${scope}/axes`)], [], scope);
  else if (rnn.batchFirst) seq = b.node('Transpose', [seq], [attr.ints('perm', [1, 0, 2])], scope);
  const dirAxis = b.int64s([1], `${scope}/dir_axis`);
  for (let k = 0; k < rnn.numLayers; k++) {
    const p = (n: string) => paramOf(m, `${n}_l${k}`);
    const W = b.weight(
      `${scope}W_l${k}`,
      b.own(tidy(() => reorderGates(p('weight_ih')!, cell).unsqueeze(0))),
    );
    const R = b.weight(
      `${scope}R_l${k}`,
      b.own(tidy(() => reorderGates(p('weight_hh')!, cell).unsqueeze(0))),
    );
    const inputs = [seq, W, R];
    const bih = p('bias_ih');
    const bhh = p('bias_hh');
    if (bih && bhh) {
      const B = tidy(() => cat([reorderGates(bih, cell), reorderGates(bhh, cell)], 0).unsqueeze(0));
      inputs.push(b.weight(`${scope}B_l${k}`, b.own(B)));
    }
    const attrs = [attr.int('hidden_size', H)];
    if (cell === 'gru') attrs.push(attr.int('linear_before_reset', 1));
    if (cell === 'rnn_tanh' || cell === 'rnn_relu') {
      attrs.push(attr.strings('activations', [cell === 'rnn_relu' ? 'Relu' : 'Tanh']));
    }
    // Y [T, 1, N, H] → [T, N, H]
    seq = b.node('Squeeze', [b.node(opType, inputs, attrs, scope), dirAxis], [], scope);
  }
  if (x.value.ndim === 2) seq = b.node('Squeeze', [seq, b.int64s([1], `${scope}/axes`)], [], scope);
  else if (rnn.batchFirst) seq = b.node('Transpose', [seq], [attr.ints('perm', [1, 0, 2])], scope);
  return b.val(seq, y);
};

const emitSequential: Emit = (b, m, scope, x) => {
  let cur = x;
  for (const [name, child] of m.namedChildren()) cur = emitModule(b, child, `${scope}${name}.`, cur);
  return cur;
};

/** The layer types `exportOnnx` translates, most specific first. */
const EMITTERS: [abstract new (...args: never[]) => Module, Emit][] = [
  [Sequential, emitSequential],
  [Linear, emitLinear],
  [ManualLinear, emitLinear],
  [Conv2d, emitConv],
  [ConvTranspose2d, emitConvTranspose],
  [MaxPool2d, emitPool],
  [AvgPool2d, emitPool],
  [AdaptiveAvgPool2d, emitAdaptiveAvg],
  [Flatten, emitFlatten],
  [BatchNorm1d, emitBatchNorm],
  [BatchNorm2d, emitBatchNorm],
  [LayerNorm, emitLayerNorm],
  [Embedding, emitEmbedding],
  [Dropout, unary('Identity')],
  [Identity, unary('Identity')],
  [ReLU, unary('Relu')],
  [Sigmoid, unary('Sigmoid')],
  [Tanh, unary('Tanh')],
  [LeakyReLU, unary('LeakyRelu', (m) => [attr.float('alpha', (m as LeakyReLU).negativeSlope)])],
  [GELU, emitGelu],
  [Softmax, unary('Softmax', (m) => [attr.int('axis', (m as Softmax).dim)])],
  [LogSoftmax, unary('LogSoftmax', (m) => [attr.int('axis', (m as LogSoftmax).dim)])],
  [RNN, emitRecurrent],
  [LSTM, emitRecurrent],
  [GRU, emitRecurrent],
];

function emitterFor(m: Module): Emit | null {
  // Exact class match first, so that a user subclass of a known layer (which may override forward)
  // is not silently exported as its parent.
  return EMITTERS.find(([cls]) => m.constructor === cls)?.[1] ?? null;
}

function emitModule(b: Export, m: Module, scope: string, x: Val): Val {
  return emitterFor(m)!(b, m, scope, x);
}

/** Every module in the tree that has no emitter (children of Sequential are checked, others not). */
function unsupported(m: Module, path: string): { path: string; type: string }[] {
  if (!emitterFor(m)) return [{ path, type: m.constructor.name }];
  if (!(m instanceof Sequential)) return [];
  return m.namedChildren().flatMap(([n, c]) => unsupported(c, path ? `${path}.${n}` : n));
}

function axesMap(spec: Record<number, string> | number[], name: string): Map<number, string> {
  if (Array.isArray(spec)) return new Map(spec.map((a) => [a, `${name}_dynamic_axes_${a}`]));
  return new Map(Object.entries(spec).map(([a, n]) => [Number(a), n]));
}

function valueInfo(
  name: string,
  dtype: number,
  shape: readonly number[],
  dyn: Map<number, string>,
): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: dtype,
        shape: { dim: shape.map((d, i) => (dyn.has(i) ? { dimParam: dyn.get(i) } : { dimValue: d })) },
      },
    },
  };
}

/**
 * Exports `model` as ONNX. The model is traced on `exampleInputs` in eval mode (dropout off, batch
 * norm on running statistics; its training flags are restored afterwards).
 *
 * Shapes: one input (float32, or int32 indices for an Embedding first), one output; any shape the
 * model accepts. Supported: Sequential (and its alias NeuralNet), Linear, ManualLinear, Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d,
 * AdaptiveAvgPool2d, Flatten, BatchNorm1d/2d, LayerNorm, Dropout, Embedding, Identity, ReLU,
 * LeakyReLU, Sigmoid, Tanh, GELU, Softmax, LogSoftmax, RNN, LSTM, GRU. Anything else throws
 * UnsupportedModuleError naming every such module.
 *
 * Returns a Promise because the weights are read with `await data()` (this works on every backend).
 *
 * @example
 * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * const bytes = await exportOnnx(model, randn([3, 4]), { dynamicAxes: { input: { 0: 'batch' } } });
 * writeFileSync('mlp.onnx', bytes); // runs in ONNX Runtime with any batch size
 */
export async function exportOnnx(
  model: Module,
  exampleInputs: Tensor | Tensor[],
  options: ExportOptions = {},
): Promise<Uint8Array> {
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!SUPPORTED_EXPORT_OPSETS.includes(opset)) {
    throw new ValueError(
      `exportOnnx: opset ${opset} is not supported; use one of ${SUPPORTED_EXPORT_OPSETS.join(', ')} (default ${DEFAULT_OPSET}).`,
    );
  }
  const examples = isTensor(exampleInputs) ? [exampleInputs] : exampleInputs;
  if (!Array.isArray(examples) || examples.length !== 1 || !isTensor(examples[0])) {
    throw new ValueError(
      `exportOnnx: expected one example input tensor (the models of @nnet/layers take one input), got ${Array.isArray(examples) ? `${examples.length} values` : typeof exampleInputs}.`,
    );
  }
  const example = examples[0];
  example._check('exportOnnx');
  const inputName = options.inputNames?.[0] ?? 'input';
  const outputName = options.outputNames?.[0] ?? 'output';
  if (
    (options.inputNames?.length ?? 1) !== 1 ||
    (options.outputNames?.length ?? 1) !== 1 ||
    inputName === outputName
  ) {
    throw new ValueError(
      'exportOnnx: inputNames and outputNames must each hold one name, and the two must differ.',
    );
  }
  const dynamic = options.dynamicAxes ?? {};
  for (const key of Object.keys(dynamic)) {
    if (key !== inputName && key !== outputName) {
      throw new ValueError(
        `exportOnnx: dynamicAxes names '${key}', which is neither the input ('${inputName}') nor the output ('${outputName}').`,
      );
    }
  }
  const inAxes = axesMap(dynamic[inputName] ?? {}, inputName);
  for (const a of inAxes.keys()) {
    if (!Number.isInteger(a) || a < 0 || a >= example.ndim) {
      throw new ShapeError(
        `exportOnnx: dynamic axis ${a} of '${inputName}' is out of range for the example's shape [${example.shape.join(', ')}].`,
      );
    }
  }
  if (example.dtype === 'bool') {
    throw new ValueError(
      'exportOnnx: the example input is bool; the models of @nnet/layers take float32 or int32.',
    );
  }

  const bad = unsupported(model, '');
  if (bad.length) {
    throw new UnsupportedModuleError(
      `exportOnnx: no ONNX translation for ${bad.map((u) => `${u.type} at '${u.path}'`).join(', ')}. ` +
        `Supported: ${EMITTERS.map(([c]) => c.name).join(', ')}; build the model from these (other containers than Sequential are not traced).`,
      bad,
    );
  }

  const flags = model.modules().map((m) => [m, m.training] as const);
  model.eval();
  const b = new Export(opset);
  b.unique(inputName);
  let outShape: number[];
  let resized: number[] | null = null;
  try {
    const result = noGrad(() => emitModule(b, model, '', { name: inputName, value: example }));
    outShape = [...result.value.shape];
    const producer = b.nodes.find((n) => n.output?.[0] === result.name);
    if (producer) producer.output = [outputName];
    else
      b.nodes.push({
        opType: 'Identity',
        name: b.unique('Identity'),
        input: [result.name],
        output: [outputName],
      });
    if (inAxes.size) {
      // Trace again with every dynamic input axis one longer; the output axes that change are dynamic.
      const bigger = example.shape.map((d, i) => (inAxes.has(i) ? d + 1 : d));
      const probe = b.own(zeros(bigger, { dtype: example.dtype }));
      try {
        resized = [...b.own(noGrad(() => model.forward(probe))).shape];
      } catch (e) {
        throw new ShapeError(
          `exportOnnx: the model rejects an input of shape [${bigger.join(', ')}] (the dynamic axes ${[...inAxes.keys()].join(', ')} ` +
            `of '${inputName}' resized), so those axes cannot all be dynamic; mark only axes the model accepts at any size. ` +
            `The model said: ${(e as Error).message}`,
        );
      }
    }
    const outAxes = axesMap(dynamic[outputName] ?? {}, outputName);
    if (resized)
      resized.forEach(
        (d, i) => d !== outShape[i] && !outAxes.has(i) && outAxes.set(i, `${outputName}_dim${i}`),
      );
    const elem = example.dtype === 'int32' ? DataType.INT32 : DataType.FLOAT;
    const initializer = [...b.constInits];
    for (const { name, value } of b.floatInits) {
      initializer.push(floatTensorProto(name, value.shape, (await value.data()) as Float32Array));
    }
    return encodeModel({
      irVersion: opset >= 15 ? 8 : 7,
      producerName: options.producerName ?? 'nnet',
      producerVersion: '0',
      opsetImport: [{ domain: '', version: opset }],
      graph: {
        name: model.constructor.name,
        node: b.nodes,
        initializer,
        input: [valueInfo(inputName, elem, example.shape, inAxes)],
        output: [valueInfo(outputName, DataType.FLOAT, outShape, outAxes)],
      },
    });
  } finally {
    for (const [m, t] of flags) m.training = t;
    for (const t of b.owned) if (t !== example && !t.isDisposed) t.dispose();
  }
}
