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
import { manualSeed, memory, noGrad, randint, randn, type Tensor, ValueError } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { exportOnnx, UnsupportedModuleError } from '../src/index.js';
import { decodeModel } from '../src/proto.js';
import { checkExport, ExportErrors, runOrt } from './helpers.js';

const errors = new ExportErrors('');

/** Gives every batch norm non-trivial running statistics (two training-mode passes on `x`). */
function warmUp(model: Module, x: Tensor): void {
  model.train();
  noGrad(() => {
    for (let i = 0; i < 2; i++) model.forward(x).dispose();
  });
  model.eval();
}

/** `checkExport` of a one-input, one-output model on `example` and on `other`. */
async function check(
  label: string,
  model: Module,
  example: Tensor,
  other: Tensor,
  options: Parameters<typeof exportOnnx>[2] = { dynamicAxes: { input: { 0: 'batch' } } },
): Promise<void> {
  await checkExport(
    errors,
    label,
    model,
    example,
    [[example], [other]],
    ([x]) => [model.forward(x!)],
    options,
  );
}

describe('exportOnnx runs in ONNX Runtime with nnet outputs (max abs error ≤ 1e-5)', () => {
  it('an MLP with every activation, dropout and identity, batch 4 exported, batch 7 run', async () => {
    manualSeed(1);
    const model = new Sequential(
      new Linear(6, 16),
      new ReLU(),
      new Dropout(0.3),
      new Linear(16, 12),
      new Tanh(),
      new Linear(12, 12, { bias: false }),
      new LeakyReLU(0.2),
      new GELU(),
      new Identity(),
      new Sigmoid(),
      new GELU({ approximate: 'tanh' }),
      new Linear(12, 5),
      new Softmax(-1),
      new LogSoftmax(1),
    );
    await check('mlp', model, randn([4, 6]), randn([7, 6]));
  });

  it('a CNN with conv, batch norm, pools, transposed conv, adaptive pooling, flatten and BatchNorm1d', async () => {
    manualSeed(2);
    const model = new Sequential(
      new Conv2d(3, 4, 3, { padding: 1 }),
      new BatchNorm2d(4),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(4, 6, [3, 2], { padding: 'same', dilation: [1, 2], groups: 2 }),
      new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
      new ConvTranspose2d(6, 4, 3, { stride: 2, padding: 1, outputPadding: 1 }),
      new AvgPool2d(2, { padding: 1 }),
      new Conv2d(4, 4, 1, { stride: 2, bias: false }),
      new AdaptiveAvgPool2d([3, 2]),
      new Flatten(),
      new Linear(24, 10),
      new BatchNorm1d(10),
      new Linear(10, 3),
    );
    const x = randn([3, 3, 10, 9]);
    warmUp(model, x);
    await check('cnn', model, x, randn([5, 3, 10, 9]));
  });

  it('global and evenly divided adaptive pooling, and Flatten over inner dims', async () => {
    manualSeed(3);
    const global = new Sequential(new Conv2d(2, 3, 3), new AdaptiveAvgPool2d(1), new Flatten());
    await check('adaptive_global', global, randn([2, 2, 6, 6]), randn([3, 2, 6, 6]));
    const even = new Sequential(new AdaptiveAvgPool2d([2, 3]), new Flatten(1, 2), new Flatten(0, -1));
    await check('adaptive_even_flatten', even, randn([2, 3, 4, 6]), randn([1, 3, 4, 6]));
  });

  it('Embedding, LayerNorm and GELU with dynamic batch and sequence, at opset 17 and 13', async () => {
    manualSeed(4);
    const model = new Sequential(
      new Embedding(11, 8),
      new LayerNorm(8),
      new GELU(),
      new Linear(8, 6),
      new LayerNorm([6], { elementwiseAffine: false }),
    );
    const dyn = { dynamicAxes: { input: { 0: 'batch', 1: 'seq' } } };
    const example = randint(0, 11, [2, 5]);
    const other = randint(0, 11, [3, 7]);
    await check('embedding_layernorm_17', model, example, other, { ...dyn, opset: 17 });
    await check('embedding_layernorm_13', model, example, other, { ...dyn, opset: 13 });
  });

  it('LSTM (2 layers), GRU (batch first) and RNN (relu), time and batch dynamic', async () => {
    manualSeed(5);
    const lstm = new Sequential(new LSTM(5, 7, { numLayers: 2 }), new Linear(7, 3));
    const dyn = { dynamicAxes: { input: { 0: 'time', 1: 'batch' } } };
    await check('lstm', lstm, randn([4, 2, 5]), randn([6, 3, 5]), dyn);
    const gru = new GRU(5, 6, { batchFirst: true });
    await check('gru', gru, randn([2, 4, 5]), randn([3, 5, 5]), { dynamicAxes: { input: [0, 1] } });
    const rnn = new RNN(5, 4, { nonlinearity: 'relu', numLayers: 2, bias: false });
    await check('rnn', rnn, randn([3, 2, 5]), randn([5, 4, 5]), dyn);
    const unbatched = new LSTM(5, 3);
    await check('lstm_unbatched', unbatched, randn([4, 5]), randn([7, 5]), {
      dynamicAxes: { input: { 0: 'time' } },
    });
  });

  it('an unbatched [C, H, W] image through conv and pooling (no dynamic axes)', async () => {
    manualSeed(8);
    const model = new Sequential(
      new Conv2d(2, 3, 3, { padding: 1 }),
      new MaxPool2d(2),
      new AdaptiveAvgPool2d(1),
    );
    const x = randn([2, 6, 6]);
    await check('unbatched_conv', model, x, x, {});
  });

  it('frees every tensor it makes while tracing', async () => {
    manualSeed(9);
    const model = new Sequential(new LSTM(3, 4), new LayerNorm(4), new GELU());
    const x = randn([2, 2, 3]);
    const before = memory();
    await exportOnnx(model, x, { opset: 13, dynamicAxes: { input: [0, 1] } });
    // After an await a finalizer may free earlier tests' garbage: counts may fall, never rise.
    expect(memory().tensors).toBeLessThanOrEqual(before.tensors);
    expect(memory().bytes).toBeLessThanOrEqual(before.bytes);
  });

  it('names the graph values as asked and marks the dynamic output axis', async () => {
    manualSeed(6);
    const model = new Sequential(new Linear(3, 2));
    const bytes = await exportOnnx(model, randn([2, 3]), {
      inputNames: ['features'],
      outputNames: ['logits'],
      dynamicAxes: { features: { 0: 'n' }, logits: { 0: 'n' } },
    });
    const x = randn([5, 3]);
    const got = await runOrt(bytes, x, 'features');
    expect(got.dims).toEqual([5, 2]);
    const graph = decodeModel(bytes, 'test').graph!;
    expect(graph.output![0].type!.tensorType!.shape!.dim).toEqual([{ dimParam: 'n' }, { dimValue: 2 }]);
    expect(model.training).toBe(true);
  });

  it('finds the dynamic output axes itself, and refuses an axis the model cannot resize', async () => {
    manualSeed(10);
    const model = new Sequential(new ManualLinear(3, 2));
    const bytes = await exportOnnx(model, randn([2, 3]), { dynamicAxes: { input: [0] } });
    const out = decodeModel(bytes, 'test').graph!.output![0];
    expect(out.type!.tensorType!.shape!.dim).toEqual([{ dimParam: 'output_dim0' }, { dimValue: 2 }]);
    expect((await runOrt(bytes, randn([4, 3]))).dims).toEqual([4, 2]);
    await expect(exportOnnx(model, randn([2, 3]), { dynamicAxes: { input: [1] } })).rejects.toThrow(
      /cannot all be dynamic/,
    );
  });

  it('lists every module it cannot export in one typed error', async () => {
    class Custom extends Linear {}
    class Other extends ReLU {}
    const model = new Sequential(new Linear(2, 2), new Custom(2, 2), new Sequential(new Other()));
    const err = await exportOnnx(model, randn([1, 2])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedModuleError);
    expect((err as UnsupportedModuleError).modules).toEqual([
      { path: '1', type: 'Custom' },
      { path: '2.0', type: 'Other' },
    ]);
    expect((err as Error).message).toMatch(/Custom at '1', Other at '2.0'/);
  });

  it('rejects a bad opset, two inputs and an unknown dynamic-axes name with ValueError', async () => {
    const model = new Linear(2, 2);
    await expect(exportOnnx(model, randn([1, 2]), { opset: 11 })).rejects.toThrow(ValueError);
    await expect(exportOnnx(model, [randn([1, 2]), randn([1, 2])])).rejects.toThrow(/one example input/);
    await expect(exportOnnx(model, randn([1, 2]), { dynamicAxes: { x: [0] } })).rejects.toThrow(
      /neither the inputs'/,
    );
  });

  it('a BatchNorm without running statistics is an UnsupportedModuleError', async () => {
    const model = new Sequential(new BatchNorm1d(3, { trackRunningStats: false }));
    await expect(exportOnnx(model, randn([4, 3]))).rejects.toThrow(UnsupportedModuleError);
  });
});
