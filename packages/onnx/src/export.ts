/**
 * `exportOnnx(model, exampleInputs, options)`: an nnet model as the bytes of an ONNX file.
 *
 * The exporter walks the module tree (Sequential's children in order, each known layer type
 * translated to ONNX nodes) and runs every layer's own forward on the example as it goes, so the
 * shapes it writes are the ones nnet computes. Weights become initializers under the module's
 * dotted parameter names (PyTorch's: "0.weight", "2.running_mean").
 */

import type { Module } from '@nnet/layers';
import { isTensor, noGrad, ShapeError, type Tensor, tidy, ValueError, zeros } from '@nnet/tensor';
import { MULTIHEAD_ATTENTION_SIGNATURE } from './emit_attention.js';
import { EMITTERS, emitModule, SIGNATURES, signatureFor, unsupported } from './emitters.js';
import { UnsupportedModuleError } from './errors.js';
import { Export, type Signature, type TraceOptions, type Val } from './export_context.js';
import { DataType, encodeModel, type ValueInfoProto } from './proto.js';
import { floatTensorProto } from './tensor_proto.js';

/**
 * The opsets `exportOnnx` writes.
 *
 * @example
 * ```ts
 * SUPPORTED_EXPORT_OPSETS.includes(17); // true
 * ```
 */
export const SUPPORTED_EXPORT_OPSETS: readonly number[] = [13, 14, 15, 16, 17];
/**
 * The default opset of `exportOnnx`: 17, the first with LayerNormalization.
 *
 * @example
 * ```ts
 * const model = new Linear(4, 2);
 * const x = randn([3, 4]);
 * await exportOnnx(model, x, { opset: DEFAULT_OPSET }); // the same as leaving opset out
 * ```
 */
export const DEFAULT_OPSET = 17;

/**
 * Options of `exportOnnx`, named as PyTorch's `torch.onnx.export` names them.
 *
 * @example
 * ```ts
 * const options: ExportOptions = { opset: 13, inputNames: ['x'], outputNames: ['y'], dynamicAxes: { x: { 0: 'batch' } } };
 * ```
 */
export interface ExportOptions {
  /** ONNX opset, 13 to 17 (default 17; below 17 LayerNorm is written as its decomposition). */
  opset?: number;
  /**
   * Graph input names, one per example input given (default ['input']; for a root with several
   * arguments PyTorch's argument names, e.g. ['query', 'key', 'value', 'key_padding_mask', 'attn_mask']).
   */
  inputNames?: string[];
  /** Graph output names (default ['output'], or ['output', 'weights'] with needWeights). */
  outputNames?: string[];
  /**
   * A MultiheadAttention root also outputs its attention weights (default false: the output only,
   * as nnet's forward).
   */
  needWeights?: boolean;
  /** With needWeights: weights averaged over heads [N, L, S] (default true) or per head [N, H, L, S]. */
  averageAttnWeights?: boolean;
  /**
   * Axes whose size may differ from the example's, as in PyTorch: per input or output name, a map
   * from axis to a symbolic name (`{ input: { 0: 'batch' } }`) or a list of axes (`{ input: [0] }`).
   * Output axes not listed are found by tracing a second time with the dynamic input axes resized.
   */
  dynamicAxes?: Record<string, Record<number, string> | number[]>;
  /** producer_name in the file (default 'nnet'). */
  producerName?: string;
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

/** The one-input, one-output signature of every module in EMITTERS. */
const SINGLE: Signature = {
  inputs: ['input'],
  required: 1,
  outputs: () => ['output'],
  emit: (b, m, [x]) => [emitModule(b, m, '', x!)],
  run: (m, [x]) => [m.forward(x!)],
};

/** The output shapes of `model` on zero inputs with the dynamic axes resized (+1, else ×2). */
function probe(
  sig: Signature,
  model: Module,
  examples: Tensor[],
  inAxes: Map<number, string>[],
  positional: <T>(values: T[]) => (T | null)[],
  o: TraceOptions,
): number[][] {
  const errors: string[] = [];
  for (const grow of [(d: number) => d + 1, (d: number) => 2 * d]) {
    const shapes = examples.map((e, k) => e.shape.map((d, i) => (inAxes[k].has(i) ? grow(d) : d)));
    try {
      return noGrad(() =>
        tidy(() => {
          const probes = examples.map((e, k) => zeros(shapes[k], { dtype: e.dtype }));
          return sig.run(model, positional(probes), o).map((t) => [...t.shape]);
        }),
      );
    } catch (e) {
      errors.push(`${shapes.map((s) => `[${s.join(', ')}]`).join(', ')}: ${(e as Error).message}`);
    }
  }
  throw new ShapeError(
    'exportOnnx: the model rejects inputs with the dynamic axes resized, so those axes cannot all be dynamic; ' +
      `mark only axes the model accepts at any size. The model said, for inputs of shapes ${errors.join('; and for ')}`,
  );
}

const ELEM = { float32: DataType.FLOAT, int32: DataType.INT32, bool: DataType.BOOL } as const;

/**
 * Exports `model` as ONNX. The model is traced on `exampleInputs` in eval mode (dropout off, batch
 * norm on running statistics; its training flags are restored afterwards).
 *
 * Shapes: any shape the model accepts. Most models take one input (float32, or int32 ids for an
 * Embedding or GPT-2 first) and give one output. Supported in a Sequential or alone: Sequential (and
 * its alias NeuralNet), Linear, ManualLinear, Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d,
 * AdaptiveAvgPool2d, Flatten, BatchNorm1d/2d, LayerNorm, Dropout, Embedding, Identity, ReLU,
 * LeakyReLU, Sigmoid, Tanh, GELU, Softmax, LogSoftmax, SiLU, ELU, SELU, Mish, Hardtanh, ReLU6,
 * Hardswish, Hardsigmoid, Softsign, LogSigmoid, GLU, PReLU, Conv1d, Conv3d, GroupNorm,
 * InstanceNorm1d/2d, RMSNorm, RNN, LSTM, GRU, MultiheadAttention
 * (self-attention), TransformerEncoderLayer, TransformerEncoder, SinusoidalPositionalEncoding,
 * LearnedPositionalEmbedding (start 0), GPT2Model and GPT2LMHeadModel (ids [N, T] → logits, no cache).
 *
 * As the root, these take PyTorch's forward arguments as a list, `null` for one not given (no
 * graph input is made for it): MultiheadAttention [query, key, value, keyPaddingMask, attnMask]
 * (outputs [output] or, with `needWeights`, [output, weights]); TransformerEncoderLayer/Encoder
 * [src, mask, srcKeyPaddingMask]; TransformerDecoderLayer/Decoder [tgt, memory, tgtMask,
 * memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask]. Masks follow nn.MultiheadAttention: bool
 * (true = not allowed) or float (added). Anything else throws UnsupportedModuleError naming every
 * such module (a transformer layer with a custom activation function included).
 *
 * Returns a Promise because the weights are read with `await data()` (this works on every backend).
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 *
 * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * const bytes = await exportOnnx(model, randn([3, 4]), { dynamicAxes: { input: { 0: 'batch' } } });
 * writeFileSync('mlp.onnx', bytes); // runs in ONNX Runtime with any batch size
 *
 * const enc = new TransformerEncoder(new TransformerEncoderLayer(16, 4, { batchFirst: true }), 2);
 * const pad = tensor([[0, 0, 1], [0, 0, 0]], { dtype: 'bool' });    // [N, L], true = padding
 * await exportOnnx(enc, [randn([2, 3, 16]), null, pad], {
 *   dynamicAxes: { src: { 0: 'N', 1: 'L' }, src_key_padding_mask: { 0: 'N', 1: 'L' } },
 * });
 * ```
 */
export async function exportOnnx(
  model: Module,
  exampleInputs: Tensor | (Tensor | null)[],
  options: ExportOptions = {},
): Promise<Uint8Array> {
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!SUPPORTED_EXPORT_OPSETS.includes(opset)) {
    throw new ValueError(
      `exportOnnx: opset ${opset} is not supported; use one of ${SUPPORTED_EXPORT_OPSETS.join(', ')} (default ${DEFAULT_OPSET}).`,
    );
  }
  const sig = signatureFor(model) ?? SINGLE;
  const examples = isTensor(exampleInputs) ? [exampleInputs] : exampleInputs;
  const takes =
    sig === SINGLE
      ? 'one example input tensor (this model takes one input)'
      : `[${sig.inputs.join(', ')}] (null for one not given)`;
  if (
    !Array.isArray(examples) ||
    examples.length < sig.required ||
    examples.length > sig.inputs.length ||
    examples.some((e, i) => !(isTensor(e) || (e === null && i >= sig.required)))
  ) {
    throw new ValueError(
      `exportOnnx: expected ${takes} for a ${model.constructor.name}, got ${Array.isArray(examples) ? `${examples.length} values` : typeof exampleInputs}.`,
    );
  }
  const given = examples.map((e, i) => ({ example: e, position: i })).filter((g) => g.example !== null);
  for (const { example } of given) {
    example!._check('exportOnnx');
    if (example!.dtype === 'bool' && sig === SINGLE) {
      throw new ValueError('exportOnnx: the example input is bool; this model takes float32 or int32.');
    }
  }
  const o: TraceOptions = {
    needWeights: options.needWeights ?? false,
    averageAttnWeights: options.averageAttnWeights ?? true,
  };
  if (options.needWeights !== undefined && sig !== MULTIHEAD_ATTENTION_SIGNATURE) {
    throw new ValueError('exportOnnx: needWeights applies to a MultiheadAttention root only.');
  }
  const inputNames = options.inputNames ?? given.map((g) => sig.inputs[g.position]);
  const outputNames = options.outputNames ?? sig.outputs(o);
  const all = [...inputNames, ...outputNames];
  if (
    inputNames.length !== given.length ||
    outputNames.length !== sig.outputs(o).length ||
    new Set(all).size !== all.length
  ) {
    throw new ValueError(
      `exportOnnx: inputNames must hold ${given.length} name(s) (one per example input given) and outputNames ${sig.outputs(o).length}, all different; got [${inputNames.join(', ')}] and [${outputNames.join(', ')}].`,
    );
  }
  const dynamic = options.dynamicAxes ?? {};
  for (const key of Object.keys(dynamic)) {
    if (!all.includes(key)) {
      throw new ValueError(
        `exportOnnx: dynamicAxes names '${key}', which is neither the inputs' (${inputNames.join(', ')}) nor the outputs' (${outputNames.join(', ')}) name.`,
      );
    }
  }
  const inAxes = given.map((g, k) => {
    const axes = axesMap(dynamic[inputNames[k]] ?? {}, inputNames[k]);
    for (const a of axes.keys()) {
      if (!Number.isInteger(a) || a < 0 || a >= g.example!.ndim) {
        throw new ShapeError(
          `exportOnnx: dynamic axis ${a} of '${inputNames[k]}' is out of range for the example's shape [${g.example!.shape.join(', ')}].`,
        );
      }
    }
    return axes;
  });

  const bad = unsupported(model, '', true);
  if (bad.length) {
    throw new UnsupportedModuleError(
      `exportOnnx: no ONNX translation for ${bad.map((u) => `${u.type} at '${u.path}'`).join(', ')}. ` +
        `Supported: ${EMITTERS.map(([c]) => c.name).join(', ')}, and as the root of the export ${SIGNATURES.map(([c]) => c.name).join(', ')}; ` +
        'build the model from these (other containers than Sequential are not traced).',
      bad,
    );
  }

  const flags = model.modules().map((m) => [m, m.training] as const);
  model.eval();
  const b = new Export(opset);
  for (const n of inputNames) b.unique(n);
  const positional = <T>(values: T[]): (T | null)[] => {
    const out: (T | null)[] = new Array(sig.inputs.length).fill(null);
    given.forEach((g, k) => {
      out[g.position] = values[k];
    });
    return out;
  };
  try {
    const vals = positional<Val>(given.map((g, k) => ({ name: inputNames[k], value: g.example! })));
    const results = noGrad(() => sig.emit(b, model, vals, o));
    const outShapes = results.map((r) => [...r.value.shape]);
    results.forEach((r, k) => {
      const producer = b.nodes.find((n) => n.output?.[0] === r.name);
      // Renamed in place unless another node reads it (per-head weights feed the next MatMul too).
      const read = b.nodes.some((n) => n.input?.includes(r.name));
      if (producer && !read) producer.output = [outputNames[k]];
      else
        b.nodes.push({
          opType: 'Identity',
          name: b.unique('Identity'),
          input: [r.name],
          output: [outputNames[k]],
        });
    });
    const outAxes = outputNames.map((n) => axesMap(dynamic[n] ?? {}, n));
    if (inAxes.some((a) => a.size)) {
      // Trace again with the dynamic input axes resized (one longer, else doubled, which keeps
      // products such as a [N·H, L, S] mask consistent); the output axes that change are dynamic.
      const resized = probe(
        sig,
        model,
        given.map((g) => g.example!),
        inAxes,
        positional,
        o,
      );
      resized.forEach((shape, k) =>
        shape.forEach((d, i) => {
          if (d !== outShapes[k][i] && !outAxes[k].has(i)) outAxes[k].set(i, `${outputNames[k]}_dim${i}`);
        }),
      );
    }
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
        input: given.map((g, k) =>
          valueInfo(inputNames[k], ELEM[g.example!.dtype as keyof typeof ELEM], g.example!.shape, inAxes[k]),
        ),
        output: results.map((_, k) => valueInfo(outputNames[k], DataType.FLOAT, outShapes[k], outAxes[k])),
      },
    });
  } finally {
    for (const [m, t] of flags) m.training = t;
    const examplesSet = new Set(given.map((g) => g.example));
    for (const t of b.owned) if (!examplesSet.has(t) && !t.isDisposed) t.dispose();
  }
}
