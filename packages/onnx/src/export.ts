/**
 * `exportOnnx(model, exampleInputs, options)`: an nnet model as the bytes of an ONNX file.
 *
 * The exporter walks the module tree (Sequential's children in order, each known layer type
 * translated to ONNX nodes) and runs every layer's own forward on the example as it goes, so the
 * shapes it writes are the ones nnet computes. Weights become initializers under the module's
 * dotted parameter names (PyTorch's: "0.weight", "2.running_mean").
 */

import type { Module } from '@nnet/layers';
import { isTensor, noGrad, ShapeError, type Tensor, ValueError, zeros } from '@nnet/tensor';
import { EMITTERS, emitModule, unsupported } from './emitters.js';
import { UnsupportedModuleError } from './errors.js';
import { Export } from './export_context.js';
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
