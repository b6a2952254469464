/**
 * Single ONNX ops, in the forms PyTorch's exporter rarely writes, run by importOnnx and by ONNX
 * Runtime on the same input: ONNX Runtime is the reference.
 */
import { manualSeed, noGrad, randn, ValueError } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { attr } from '../src/builder.js';
import { importOnnx, UnsupportedOpError } from '../src/index.js';
import { DataType, encodeModel, type NodeProto, type TensorProto } from '../src/proto.js';
import { floatTensorProto, int64TensorProto } from '../src/tensor_proto.js';
import { maxAbsDiff, runOrt } from './helpers.js';

/** A graph from input 'input' (float, `shape`) to output 'output' through `nodes`. */
function graph(nodes: NodeProto[], shape: number[], inits: TensorProto[] = [], opset = 14): Uint8Array {
  const dims = (s: number[]) => ({ dim: s.map((d) => ({ dimValue: d })) });
  return encodeModel({
    irVersion: 7,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'ops',
      node: nodes.map((n, i) => ({ name: `n${i}`, ...n })),
      initializer: inits,
      input: [{ name: 'input', type: { tensorType: { elemType: DataType.FLOAT, shape: dims(shape) } } }],
      output: [{ name: 'output', type: { tensorType: { elemType: DataType.FLOAT } } }],
    },
  });
}

/** Deterministic weights in [-0.5, 0.5) (a linear congruential sequence). */
let state = 12345;
const next = () => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648 - 0.5;
};
const rand = (name: string, shape: number[]) =>
  floatTensorProto(name, shape, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, next));

const cases: [string, () => Uint8Array, number[]][] = [
  [
    'Gemm with transA, alpha, beta and a 2-D C',
    () =>
      graph(
        [
          {
            opType: 'Gemm',
            input: ['input', 'B', 'C'],
            output: ['output'],
            attribute: [attr.int('transA', 1), attr.float('alpha', 0.5), attr.float('beta', 2)],
          },
        ],
        [4, 3],
        [rand('B', [4, 5]), rand('C', [3, 5])],
      ),
    [4, 3],
  ],
  [
    'Expand, ReduceSum (axes input, keepdims 0), Sub, Div, Pow',
    () =>
      graph(
        [
          { opType: 'Expand', input: ['input', 'shape'], output: ['e'] },
          { opType: 'ReduceSum', input: ['e', 'axes'], output: ['s'], attribute: [attr.int('keepdims', 0)] },
          { opType: 'Sub', input: ['s', 'c'], output: ['d'] },
          { opType: 'Div', input: ['d', 'c'], output: ['q'] },
          { opType: 'Pow', input: ['q', 'two'], output: ['output'] },
        ],
        [3, 1],
        [
          int64TensorProto('shape', [3], [2, 3, 4]),
          int64TensorProto('axes', [1], [0]),
          rand('c', [4]),
          floatTensorProto('two', [], new Float32Array([2])),
        ],
      ),
    [3, 1],
  ],
  [
    'Softmax and LogSoftmax at opset 11 over the flattened trailing dims',
    () =>
      graph(
        [
          { opType: 'Softmax', input: ['input'], output: ['s'], attribute: [attr.int('axis', 1)] },
          { opType: 'LogSoftmax', input: ['input'], output: ['l'] },
          { opType: 'Add', input: ['s', 'l'], output: ['output'] },
        ],
        [2, 3, 4],
        [],
        11,
      ),
    [2, 3, 4],
  ],
  [
    'Slice with negative starts and step 2 on data, Transpose, Cast to int and back',
    () =>
      graph(
        [
          { opType: 'Slice', input: ['input', 'starts', 'ends', 'axes', 'steps'], output: ['s'] },
          { opType: 'Transpose', input: ['s'], output: ['t'], attribute: [attr.ints('perm', [2, 0, 1])] },
          { opType: 'Mul', input: ['t', 'ten'], output: ['m'] },
          { opType: 'Cast', input: ['m'], output: ['i'], attribute: [attr.int('to', DataType.INT32)] },
          { opType: 'Cast', input: ['i'], output: ['output'], attribute: [attr.int('to', DataType.FLOAT)] },
        ],
        [3, 5, 6],
        [
          int64TensorProto('starts', [2], [-4, 1]),
          int64TensorProto('ends', [2], [100, -1]),
          int64TensorProto('axes', [2], [1, 2]),
          int64TensorProto('steps', [2], [2, 2]),
          floatTensorProto('ten', [], new Float32Array([10])),
        ],
      ),
    [3, 5, 6],
  ],
  [
    'GRU with linear_before_reset 0 and an initial state',
    () =>
      graph(
        [
          {
            opType: 'GRU',
            input: ['input', 'W', 'R', 'B', '', 'h0'],
            output: ['output'],
            attribute: [attr.int('hidden_size', 4)],
          },
        ],
        [3, 2, 5],
        [rand('W', [1, 12, 5]), rand('R', [1, 12, 4]), rand('B', [1, 24]), rand('h0', [1, 2, 4])],
      ),
    [3, 2, 5],
  ],
  [
    'LSTM with an initial state; RNN with a Tanh',
    () =>
      graph(
        [
          {
            opType: 'LSTM',
            input: ['input', 'W', 'R', 'B', '', 'h0', 'c0'],
            output: ['y', 'yh'],
            attribute: [attr.int('hidden_size', 3)],
          },
          {
            opType: 'RNN',
            input: ['input', 'Wr', 'Rr'],
            output: ['r', 'rh'],
            attribute: [attr.int('hidden_size', 3)],
          },
          { opType: 'Add', input: ['y', 'r'], output: ['output'] },
        ],
        [4, 2, 5],
        [
          rand('W', [1, 12, 5]),
          rand('R', [1, 12, 3]),
          rand('B', [1, 24]),
          rand('h0', [1, 2, 3]),
          rand('c0', [1, 2, 3]),
          rand('Wr', [1, 3, 5]),
          rand('Rr', [1, 3, 3]),
        ],
      ),
    [4, 2, 5],
  ],
  [
    'AveragePool counting padding, MaxPool with padding and stride, ConvTranspose with groups',
    () =>
      graph(
        [
          {
            opType: 'AveragePool',
            input: ['input'],
            output: ['a'],
            attribute: [
              attr.ints('kernel_shape', [3, 3]),
              attr.ints('pads', [1, 1, 1, 1]),
              attr.int('count_include_pad', 1),
            ],
          },
          {
            opType: 'MaxPool',
            input: ['a'],
            output: ['m'],
            attribute: [
              attr.ints('kernel_shape', [2, 3]),
              attr.ints('pads', [1, 1, 1, 1]),
              attr.ints('strides', [2, 1]),
            ],
          },
          {
            opType: 'ConvTranspose',
            input: ['m', 'w'],
            output: ['output'],
            attribute: [
              attr.int('group', 2),
              attr.ints('strides', [2, 2]),
              attr.ints('kernel_shape', [2, 2]),
            ],
          },
        ],
        [1, 4, 5, 5],
        [rand('w', [4, 3, 2, 2])],
      ),
    [1, 4, 5, 5],
  ],
  [
    'Abs, Log, Sqrt, Exp, Neg, Reciprocal, LeakyRelu, Sigmoid',
    () =>
      graph(
        [
          { opType: 'Abs', input: ['input'], output: ['a'] },
          { opType: 'Add', input: ['a', 'one'], output: ['b'] },
          { opType: 'Log', input: ['b'], output: ['c'] },
          { opType: 'Sqrt', input: ['b'], output: ['d'] },
          { opType: 'Exp', input: ['input'], output: ['e'] },
          { opType: 'Reciprocal', input: ['b'], output: ['f'] },
          { opType: 'Neg', input: ['input'], output: ['g'] },
          { opType: 'LeakyRelu', input: ['g'], output: ['h'], attribute: [attr.float('alpha', 0.3)] },
          { opType: 'Sigmoid', input: ['h'], output: ['i'] },
          {
            opType: 'Concat',
            input: ['c', 'd', 'e', 'f', 'i'],
            output: ['output'],
            attribute: [attr.int('axis', 0)],
          },
        ],
        [2, 3],
        [floatTensorProto('one', [], new Float32Array([1]))],
      ),
    [2, 3],
  ],
  [
    'Split (sizes input, equal parts), Clip with a min only, Selu/Elu with own constants, HardSigmoid, PRelu [3, 1], InstanceNormalization, the mask logic ops',
    () => {
      const flat = (name: string) => ({
        opType: 'Reshape',
        input: [name, 'minus1'],
        output: [`${name}_flat`],
      });
      const parts = ['s1', 'p0', 'clip', 'selu', 'elu', 'hs', 'prelu', 'inorm', 'picked'];
      return graph(
        [
          {
            opType: 'Split',
            input: ['input', 'sizes'],
            output: ['s1', 's2'],
            attribute: [attr.int('axis', 2)],
          },
          { opType: 'Split', input: ['input'], output: ['p0', 'p1', 'p2'], attribute: [attr.int('axis', 1)] },
          { opType: 'Clip', input: ['s2', 'lo'], output: ['clip'] },
          {
            opType: 'Selu',
            input: ['s1'],
            output: ['selu'],
            attribute: [attr.float('alpha', 2), attr.float('gamma', 0.5)],
          },
          { opType: 'Elu', input: ['p1'], output: ['elu'], attribute: [attr.float('alpha', 0.3)] },
          { opType: 'HardSigmoid', input: ['p2'], output: ['hs'] },
          { opType: 'PRelu', input: ['input', 'slope'], output: ['prelu'] },
          { opType: 'InstanceNormalization', input: ['input', 'scale', 'bias'], output: ['inorm'] },
          { opType: 'Less', input: ['input', 'lo'], output: ['below'] },
          { opType: 'Greater', input: ['input', 'zero'], output: ['pos'] },
          { opType: 'Not', input: ['pos'], output: ['nonpos'] },
          { opType: 'Equal', input: ['below', 'nonpos'], output: ['same'] },
          { opType: 'And', input: ['same', 'nonpos'], output: ['both'] },
          { opType: 'Or', input: ['both', 'below'], output: ['cond'] },
          { opType: 'Softplus', input: ['input'], output: ['soft'] },
          { opType: 'Where', input: ['cond', 'input', 'soft'], output: ['picked'] },
          ...parts.map(flat),
          {
            opType: 'Concat',
            input: parts.map((n) => `${n}_flat`),
            output: ['output'],
            attribute: [attr.int('axis', 0)],
          },
        ],
        [2, 3, 4],
        [
          int64TensorProto('sizes', [2], [1, 3]),
          int64TensorProto('minus1', [1], [-1]),
          floatTensorProto('lo', [], new Float32Array([-0.4])),
          floatTensorProto('zero', [], new Float32Array([0])),
          rand('slope', [3, 1]),
          rand('scale', [3]),
          rand('bias', [3]),
        ],
      );
    },
    [2, 3, 4],
  ],
  [
    'Range: float with a negative delta, int up to a Shape-derived limit (GPT-2 positions), Cast, Add, Mul, Softsign',
    () =>
      graph(
        [
          { opType: 'Shape', input: ['input'], output: ['shape'] },
          { opType: 'Gather', input: ['shape', 'two'], output: ['len'], attribute: [attr.int('axis', 0)] },
          { opType: 'Range', input: ['zero', 'len', 'one'], output: ['pos'] },
          { opType: 'Cast', input: ['pos'], output: ['posf'], attribute: [attr.int('to', DataType.FLOAT)] },
          // Float bounds as Constant nodes, as PyTorch writes them (float initializers are parameters).
          { opType: 'Constant', input: [], output: ['start'], attribute: [attr.float('value_float', 1.5)] },
          { opType: 'Constant', input: [], output: ['limit'], attribute: [attr.float('value_float', -1)] },
          { opType: 'Constant', input: [], output: ['delta'], attribute: [attr.float('value_float', -0.7)] },
          { opType: 'Range', input: ['start', 'limit', 'delta'], output: ['down'] },
          { opType: 'Add', input: ['input', 'posf'], output: ['sum'] },
          { opType: 'Mul', input: ['sum', 'down'], output: ['prod'] },
          { opType: 'Softsign', input: ['prod'], output: ['output'] },
        ],
        [2, 3, 4],
        [
          int64TensorProto('two', [], [2]),
          int64TensorProto('zero', [], [0]),
          int64TensorProto('one', [], [1]),
        ],
      ),
    [2, 3, 4],
  ],
  // kernel_shape is optional in ONNX: the kernel rank comes from the weight, or from strides/pads.
  [
    'Conv without kernel_shape or any attribute on a 1-D input (rank from the [4, 2, 3] weight)',
    () =>
      graph(
        [{ opType: 'Conv', input: ['input', 'W', 'B'], output: ['output'] }],
        [2, 2, 7],
        [rand('W', [4, 2, 3]), rand('B', [4])],
      ),
    [2, 2, 7],
  ],
  [
    'Conv without kernel_shape on a 1-D input with strides and pads',
    () =>
      graph(
        [
          {
            opType: 'Conv',
            input: ['input', 'W'],
            output: ['output'],
            attribute: [attr.ints('strides', [2]), attr.ints('pads', [1, 1])],
          },
        ],
        [1, 2, 8],
        [rand('W', [3, 2, 3])],
      ),
    [1, 2, 8],
  ],
  [
    'Conv without kernel_shape on a 3-D input, group 2 (rank from the [4, 1, 2, 3, 2] weight)',
    () =>
      graph(
        [
          {
            opType: 'Conv',
            input: ['input', 'W', 'B'],
            output: ['output'],
            attribute: [attr.int('group', 2)],
          },
        ],
        [1, 2, 4, 5, 3],
        [rand('W', [4, 1, 2, 3, 2]), rand('B', [4])],
      ),
    [1, 2, 4, 5, 3],
  ],
];

describe('importOnnx matches ONNX Runtime op by op (max abs error ≤ 1e-5)', () => {
  for (const [label, build, shape] of cases) {
    it(label, async () => {
      manualSeed(11);
      const bytes = build();
      const x = randn(shape);
      const want = await runOrt(bytes, x);
      const model = importOnnx(bytes);
      const got = noGrad(() => model.forward(x));
      expect(got.shape).toEqual(want.dims);
      expect(maxAbsDiff(await got.data(), want.data)).toBeLessThanOrEqual(1e-5);
      model.dispose();
    });
  }
});

describe('Conv without kernel_shape: the errors', () => {
  it('a weight of rank 2 is a ValueError naming the node and the weight at run time', () => {
    const bytes = graph(
      [{ opType: 'Conv', input: ['input', 'W'], output: ['output'] }],
      [2, 3],
      [rand('W', [4, 3])],
    );
    const model = importOnnx(bytes);
    const run = () => noGrad(() => model.forward(randn([2, 3])));
    expect(run).toThrow(ValueError);
    expect(run).toThrow(/Conv 'n0' cannot run: a 0-D kernel .*weight \[4, 3\]/);
    model.dispose();
  });

  it('strides and pads of different ranks are an UnsupportedOpError at import', () => {
    const conv: NodeProto = {
      opType: 'Conv',
      input: ['input', 'W'],
      output: ['output'],
      attribute: [attr.ints('strides', [1, 1]), attr.ints('pads', [0, 0])],
    };
    const load = () => importOnnx(graph([conv], [1, 2, 5, 5], [rand('W', [3, 2, 1, 1])]));
    expect(load).toThrow(UnsupportedOpError);
    expect(load).toThrow(/strides and pads give different kernel ranks \(2 and 1\)/);
  });
});
