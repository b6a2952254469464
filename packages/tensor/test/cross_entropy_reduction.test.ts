/**
 * softmaxCrossEntropy's `reduction` ('sum', 'mean'): against the per-row losses reduced by hand,
 * and by finite differences; the divisor counted from the targets read on the host and, with
 * index checks off, on the device.
 */
import '@nnet/test-utils/setup';
import { afterEach, describe, expect, it } from 'vitest';
import {
  getDebug,
  manualSeed,
  memory,
  randn,
  setDebug,
  softmaxCrossEntropy,
  type Tensor,
  tensor,
  ValueError,
} from '../src/index.js';
import { expectClose, gradcheck } from './helpers.js';

const targets = (v: number[]): Tensor => tensor(v, { dtype: 'int32' });
const checkIndices = getDebug().checkIndices;

describe('softmaxCrossEntropy with a reduction', () => {
  afterEach(() => setDebug({ checkIndices }));

  for (const countOnHost of [true, false]) {
    const where = countOnHost ? 'counted from the targets read on the host' : 'counted on the device';
    it(`'mean' divides the rows' sum by the rows not ignored (${where})`, () => {
      setDebug({ checkIndices: countOnHost });
      manualSeed(11);
      const x = randn([5, 4]).mul(2);
      const t = targets([0, 3, -100, 1, -100]);
      const rows = Array.from(softmaxCrossEntropy(x, t).dataSync());
      const mean = softmaxCrossEntropy(x, t, { reduction: 'mean' });
      expect(mean.shape).toEqual([]);
      expectClose(mean, (rows[0] + rows[1] + rows[3]) / 3, 1e-5);
      expectClose(
        softmaxCrossEntropy(x, t, { reduction: 'sum' }),
        rows.reduce((a, b) => a + b, 0),
        1e-5,
      );
    });

    it(`'mean' and 'sum' gradients match finite differences, zero on ignored rows (${where})`, () => {
      setDebug({ checkIndices: countOnHost });
      manualSeed(12);
      const t = targets([2, 0, 7, 1]);
      for (const reduction of ['mean', 'sum'] as const) {
        gradcheck((x) => softmaxCrossEntropy(x, t, { ignoreIndex: 7, reduction }), [[4, 3]]);
        const x = randn([4, 3]).requiresGrad_();
        softmaxCrossEntropy(x, t, { ignoreIndex: 7, reduction }).backward();
        expect(Array.from(x.grad!.dataSync()).slice(6, 9)).toEqual([0, 0, 0]);
      }
    });

    it(`'mean' is NaN when every row is ignored (${where})`, () => {
      setDebug({ checkIndices: countOnHost });
      const loss = softmaxCrossEntropy(randn([2, 3]), targets([-100, -100]), { reduction: 'mean' });
      expect(Number.isNaN(loss.item())).toBe(true);
    });
  }

  it("'mean' of one row is its loss, with the gradient softmax − onehot", () => {
    const x = tensor([[1, 2, 3]]).requiresGrad_();
    const loss = softmaxCrossEntropy(x, targets([1]), { reduction: 'mean' });
    const e = [1, 2, 3].map(Math.exp);
    const z = e[0] + e[1] + e[2];
    expectClose(loss, Math.log(z) - 2, 1e-5);
    loss.backward();
    expectClose(x.grad!, [[e[0] / z, e[1] / z - 1, e[2] / z]], 1e-5);
  });

  it('leaves nothing behind once the loss and the graph are freed', () => {
    const x = randn([3, 4]).requiresGrad_();
    const t = targets([0, 1, 2]);
    const before = memory();
    const loss = softmaxCrossEntropy(x, t, { reduction: 'mean' });
    loss.backward();
    loss.dispose();
    x.grad!.dispose();
    x.grad = null;
    expect(memory()).toEqual(before);
  });

  it('rejects an unknown reduction, naming the op and the choices', () => {
    expect(() =>
      softmaxCrossEntropy(randn([2, 3]), targets([0, 1]), { reduction: 'batchmean' as never }),
    ).toThrow(ValueError);
    expect(() => softmaxCrossEntropy(randn([2, 3]), targets([0, 1]), { reduction: 'avg' as never })).toThrow(
      /softmaxCrossEntropy: reduction must be 'none', 'sum' or 'mean'/,
    );
  });
});
