import { DTypeError, manualSeed, ShapeError, type Tensor, tensor } from '@nnet/tensor';
import {
  type Enc,
  expectClose as expectCloseDefault,
  readArray,
  readFixture,
  readItem,
  t,
} from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';

const expectClose = (got: Parameters<typeof expectCloseDefault>[0], want: Enc) =>
  expectCloseDefault(got, want, 2e-4, 2e-5);

import { BatchNorm1d, BatchNorm2d, Embedding, LayerNorm, type Module } from '../src/index.js';

interface Step {
  x: Enc;
  out: Enc;
  g: Enc;
  gradX: Enc;
  gradW: Enc;
  gradB: Enc;
  runningMean?: Enc;
  runningVar?: Enc;
}
const fx = readFixture<{
  norm: {
    kind: string;
    momentum: number | null;
    shape: number[];
    weight: Enc;
    bias: Enc;
    steps: Step[];
    eval: { x: Enc; out: Enc } | null;
  }[];
  embedding: { weight: Enc; index: number[][]; out: Enc; g: Enc; gradW: Enc };
}>(new URL('./fixtures/norm.json', import.meta.url));

describe('normalisation layers match PyTorch (values, gradients, running statistics)', () => {
  for (const c of fx.norm) {
    it(`${c.kind} on ${JSON.stringify(c.shape)}`, async () => {
      const layer: Module & {
        weight: Tensor | null;
        bias: Tensor | null;
        runningMean?: Tensor | null;
        runningVar?: Tensor | null;
      } =
        c.kind === 'BatchNorm1d'
          ? new BatchNorm1d(c.shape[1], { momentum: c.momentum ?? 0.1 })
          : c.kind === 'BatchNorm2d'
            ? new BatchNorm2d(c.shape[1])
            : new LayerNorm(c.shape.slice(1));
      layer.weight!.assign(t(c.weight));
      layer.bias!.assign(t(c.bias));
      for (const s of c.steps) {
        layer.zeroGrad();
        const x = t(s.x, true);
        const y = layer.forward(x);
        await expectClose(y, s.out);
        y.mul(t(s.g)).sum().backward();
        await expectClose(x.grad!, s.gradX);
        await expectClose(layer.weight!.grad!, s.gradW);
        await expectClose(layer.bias!.grad!, s.gradB);
        if (s.runningMean) expectClose(layer.runningMean!, s.runningMean);
        if (s.runningVar) expectClose(layer.runningVar!, s.runningVar);
      }
      if (c.eval) {
        layer.eval();
        await expectClose(layer.forward(t(c.eval.x)), c.eval.out);
      }
    });
  }

  it("the running statistics and the batch count are saved under PyTorch's names", async () => {
    const bn = new BatchNorm2d(4);
    expect(Object.keys(bn.stateDict())).toEqual([
      'weight',
      'bias',
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
    expect(bn.numBatchesTracked!.dtype).toBe('int32');
    expect(bn.numBatchesTracked!.shape).toEqual([]);
    // The count grows by one per training forward, not in eval; without running statistics there is none.
    const x = tensor(
      Array.from({ length: 16 }, (_, i) => i % 5),
      { shape: [2, 4, 2, 1] },
    );
    bn.forward(x);
    bn.forward(x);
    bn.eval().forward(x);
    expect(await readItem(bn.numBatchesTracked!)).toBe(2);
    expect(Object.keys(new BatchNorm1d(3, { trackRunningStats: false }).stateDict())).toEqual([
      'weight',
      'bias',
    ]);
    expect(() => bn.forward(tensor([[1, 2, 3, 4]]))).toThrow(ShapeError);
    expect(() => new LayerNorm(5).forward(tensor([[1, 2]]))).toThrow(/last dims must be \[5\]/);
  });
});

describe('Embedding matches PyTorch, with a padding row that gets no gradient', () => {
  it('looks up rows and scatters gradients back', async () => {
    const e = fx.embedding;
    const layer = new Embedding(6, 3, { paddingIdx: 2 });
    layer.weight.assign(t(e.weight));
    const y = layer.forward(tensor(e.index, { dtype: 'int32' }));
    await expectClose(y, e.out);
    y.mul(t(e.g)).sum().backward();
    await expectClose(layer.weight.grad!, e.gradW);
  });

  it('initialises the padding row to zero and rejects float indices', async () => {
    manualSeed(0);
    const layer = new Embedding(4, 2, { paddingIdx: -1 });
    expect(layer.paddingIdx).toBe(3);
    expect(((await readArray(layer.weight)) as number[][])[3]).toEqual([0, 0]);
    expect(() => layer.forward(tensor([1]))).toThrow(DTypeError);
  });
});
