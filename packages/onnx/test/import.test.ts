import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  Conv2d,
  ConvTranspose2d,
  Embedding,
  Flatten,
  GELU,
  GRU,
  LayerNorm,
  Linear,
  LSTM,
  type Module,
  ReLU,
  RNN,
  Sequential,
} from '@nnet/layers';
import {
  DTypeError,
  manualSeed,
  memory,
  noGrad,
  randint,
  randn,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '@nnet/tensor';
import { type Enc, expectClose } from '@nnet/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { attr } from '../src/builder.js';
import { exportOnnx, importOnnx, UnsupportedOpError } from '../src/index.js';
import { AttributeType, DataType, encodeModel, type NodeProto } from '../src/proto.js';
import { floatTensorProto } from '../src/tensor_proto.js';
import { fixtureBytes, fixtureJson, maxAbsDiff } from './helpers.js';

interface Fixture {
  torch: string;
  opset: number;
  cases: { input: Enc; output: Enc }[];
}

const measured: Record<string, number> = {};
afterAll(() => console.log('max |nnet - PyTorch| on imported files:', JSON.stringify(measured)));

describe('importOnnx runs torch.onnx.export files like PyTorch (rtol 1e-4, atol 1e-5)', () => {
  for (const name of [
    'mlp',
    'cnn',
    'upsample',
    'text_opset17',
    'text_opset14',
    'text_opset11',
    'lstm',
    'lstm_opset11',
    'gru',
    'rnn',
  ]) {
    it(`${name}: both batch sizes`, async () => {
      const fx = fixtureJson<Fixture>(`torch_${name}.json`);
      const model = importOnnx(fixtureBytes(`torch_${name}.onnx`));
      let worst = 0;
      for (const { input, output } of fx.cases) {
        const ids = name.startsWith('text');
        const x = ids
          ? tensor(Int32Array.from(input.data), { shape: input.shape })
          : tensor(Float32Array.from(input.data), { shape: input.shape });
        const y = noGrad(() => model.forward(x));
        worst = Math.max(worst, await expectClose(y, output));
        y.dispose();
        x.dispose();
      }
      measured[name] = Number(worst.toExponential(2));
      model.dispose();
    });
  }

  it("keeps PyTorch's state-dict names, with batch-norm statistics as buffers", () => {
    const mlp = importOnnx(fixtureBytes('torch_mlp.onnx'));
    expect(mlp.namedParameters().map(([n]) => n)).toEqual([
      '0.weight',
      '0.bias',
      '2.weight',
      '2.bias',
      '4.weight',
      '4.bias',
    ]);
    const cnn = importOnnx(fixtureBytes('torch_cnn.onnx'));
    expect(cnn.namedBuffers().map(([n]) => n)).toEqual(['2.running_mean', '2.running_var']);
    expect(cnn.stateDict()['0.weight'].shape).toEqual([4, 3, 3, 3]);
    expect(cnn.inputNames).toEqual(['input']);
    expect(cnn.opset).toBe(14);
    mlp.dispose();
    cnn.dispose();
  });

  it('an imported model trains: gradients reach every parameter', () => {
    const mlp = importOnnx(fixtureBytes('torch_mlp.onnx'));
    const y = mlp.forward(randn([3, 6]));
    y.mul(randn([3, 3]))
      .sum()
      .backward();
    for (const [, p] of mlp.namedParameters()) {
      expect(p.grad?.shape).toEqual(p.shape);
    }
    mlp.dispose();
  });

  it('a forward frees its intermediates, and dispose() frees the parameters', () => {
    const before = memory();
    const lstm = importOnnx(fixtureBytes('torch_lstm.onnx'));
    const x = randn([4, 2, 5]);
    const during = memory();
    noGrad(() => lstm.forward(x)).dispose();
    expect(memory()).toEqual(during);
    x.dispose();
    lstm.dispose();
    expect(memory()).toEqual(before);
  });

  it('checks input dtype and static dims', () => {
    const mlp = importOnnx(fixtureBytes('torch_mlp.onnx'));
    expect(() => mlp.forward(randn([2, 5]))).toThrow(ShapeError);
    expect(() => mlp.forward(randint(0, 2, [2, 6]))).toThrow(DTypeError);
    expect(() => mlp.forward()).toThrow(/takes 1 input/);
    mlp.dispose();
  });
});

describe('exportOnnx then importOnnx gives back the same model', () => {
  const cases: [string, () => Module, () => Tensor][] = [
    [
      'cnn',
      () =>
        new Sequential(
          new Conv2d(2, 3, 3, { padding: 1, stride: 2 }),
          new BatchNorm2d(3),
          new ConvTranspose2d(3, 2, 2, { stride: 2 }),
          new ReLU(),
          new AdaptiveAvgPool2d(1),
          new Flatten(0, -1),
        ),
      () => randn([2, 2, 6, 6]),
    ],
    [
      'text',
      () => new Sequential(new Embedding(9, 4), new LayerNorm(4), new GELU({ approximate: 'tanh' })),
      () => randint(0, 9, [2, 3]),
    ],
    [
      'lstm',
      () => new Sequential(new LSTM(3, 4, { numLayers: 2, batchFirst: true }), new Linear(4, 2)),
      () => randn([2, 5, 3]),
    ],
    [
      'gru_rnn',
      () => new Sequential(new GRU(3, 4), new RNN(4, 2, { nonlinearity: 'relu' })),
      () => randn([5, 2, 3]),
    ],
  ];
  for (const [label, make, input] of cases) {
    it(label, async () => {
      manualSeed(7);
      const model = make();
      const x = input();
      const back = importOnnx(await exportOnnx(model, x, { opset: 13 }));
      model.eval();
      const want = noGrad(() => model.forward(x));
      const got = noGrad(() => back.forward(x));
      expect(got.shape).toEqual(want.shape);
      expect(maxAbsDiff(await got.data(), await want.data())).toBeLessThanOrEqual(1e-5);
    });
  }
});

/** A one-input model around `nodes` (input 'x' [1, 2, 4, 4], output 'y'). */
function model(nodes: NodeProto[], opset = 14, extra: Partial<{ output: string }> = {}): Uint8Array {
  const info = (name: string) => ({
    name,
    type: {
      tensorType: { elemType: DataType.FLOAT, shape: { dim: [1, 2, 4, 4].map((d) => ({ dimValue: d })) } },
    },
  });
  return encodeModel({
    irVersion: 7,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'g',
      node: nodes,
      initializer: [floatTensorProto('w', [2, 2, 1, 1], new Float32Array(4).fill(1))],
      input: [info('x')],
      output: [info(extra.output ?? 'y')],
    },
  });
}

describe('importOnnx errors', () => {
  it('lists every unsupported node (op type and name) in one UnsupportedOpError', () => {
    const bytes = model([
      { opType: 'Einsum', name: 'mix', input: ['x'], output: ['a'] },
      {
        opType: 'Conv',
        name: 'conv',
        input: ['a', 'w'],
        output: ['b'],
        attribute: [attr.ints('pads', [0, 0, 1, 1])],
      },
      { opType: 'Relu', name: 'ok', input: ['b'], output: ['c'] },
      {
        opType: 'MaxPool',
        name: 'pool',
        input: ['c'],
        output: ['y'],
        attribute: [attr.ints('kernel_shape', [2, 2]), attr.int('ceil_mode', 1)],
      },
    ]);
    let err: unknown;
    try {
      importOnnx(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedOpError);
    expect((err as UnsupportedOpError).nodes.map((n) => `${n.opType}:${n.name}`)).toEqual([
      'Einsum:mix',
      'Conv:conv',
      'MaxPool:pool',
    ]);
    expect((err as Error).message).toMatch(
      /Einsum 'mix'.*Conv 'conv' \(asymmetric pads.*MaxPool 'pool' \(ceil_mode=1/,
    );
  });

  it('Range needs constant scalar bounds and a non-zero delta', () => {
    const x = randn([1, 2, 4, 4]);
    const range = (inputs: string[], consts: Record<string, number[]>) =>
      importOnnx(
        model([
          ...Object.entries(consts).map(([name, v]) => ({
            opType: 'Constant',
            name: `c_${name}`,
            output: [name],
            attribute: [
              v.length === 1
                ? attr.float('value_float', v[0])
                : { name: 'value_floats', type: AttributeType.FLOATS, floats: v },
            ],
          })),
          { opType: 'Range', name: 'r', input: inputs, output: ['pos'] },
          { opType: 'Add', name: 'a', input: ['x', 'pos'], output: ['y'] },
        ]),
      );
    const models = [
      range(['s', 'l', 'd'], { s: [0], l: [4], d: [1] }),
      range(['s', 'l', 'd'], { s: [0], l: [4], d: [0] }),
      range(['x', 'l', 'd'], { l: [4], d: [1] }), // start from the data
      range(['s', 'w', 'd'], { s: [0], d: [1] }), // limit from a float initializer (a parameter)
      range(['s', 'l', 'd'], { s: [0], l: [4, 5], d: [1] }),
    ];
    const ok = noGrad(() => models[0].forward(x));
    expect(ok.shape).toEqual([1, 2, 4, 4]);
    ok.dispose();
    expect(() => models[1].forward(x)).toThrow(ValueError);
    expect(() => models[1].forward(x)).toThrow(/Range 'r' has delta 0/);
    expect(() => models[2].forward(x)).toThrow(/Range 'r' needs its start as a constant/);
    expect(() => models[3].forward(x)).toThrow(/Range 'r' needs its limit as a constant/);
    expect(() => models[4].forward(x)).toThrow(/Range 'r' needs a scalar limit, got shape \[2\]/);
    for (const m of models) m.dispose();
    x.dispose();
  });

  it('a malformed file is a ValueError', () => {
    const good = fixtureBytes('torch_mlp.onnx');
    expect(() => importOnnx(good.slice(0, good.length - 40))).toThrow(ValueError);
    expect(() => importOnnx(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]))).toThrow(ValueError);
    expect(() => importOnnx(new Uint8Array(0))).toThrow(/no graph/);
    expect(() => importOnnx('mlp.onnx' as unknown as Uint8Array)).toThrow(ValueError);
    expect(() => importOnnx(model([{ opType: 'Relu', name: 'r', input: ['nope'], output: ['y'] }]))).toThrow(
      /reads 'nope', which nothing before it produces/,
    );
    expect(() => importOnnx(model([{ opType: 'Relu', name: 'r', input: ['x'], output: ['z'] }]))).toThrow(
      /output 'y' is produced by no node/,
    );
    expect(() => importOnnx(model([{ opType: 'Relu', name: 'r', input: ['x'], output: ['y'] }], 8))).toThrow(
      /opset 8/,
    );
  });
});
