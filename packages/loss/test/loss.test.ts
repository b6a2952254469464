import { DTypeError, IndexError, memory, randn, ShapeError, tensor, tidy, ValueError } from '@nnet/tensor';
import { expectClose, readFixture, readsSynchronously } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import { CrossEntropyLoss, crossEntropy, MSELoss, mse, type Reduction } from '../src/index.js';
import { checkLossCase, type LossCase } from './loss_case.js';

interface Case extends LossCase {
  loss: 'mse' | 'crossEntropy';
  name?: string;
  reduction: Reduction;
}
const { cases } = readFixture<{ cases: Case[] }>(new URL('./fixtures/losses.json', import.meta.url));

describe('losses match PyTorch (values and gradients)', () => {
  for (const c of cases) {
    it(`${c.loss} ${c.name ?? ''} reduction=${c.reduction}`, async () => {
      const fn =
        c.loss === 'mse'
          ? new MSELoss({ reduction: c.reduction })
          : new CrossEntropyLoss({ reduction: c.reduction });
      await checkLossCase(c, (x, target) => fn.forward(x, target));
    });
  }
});

describe('bad input gives typed errors', () => {
  it('mse with mismatched shapes', () => {
    expect(() => mse(randn([4, 1]), randn([4]))).toThrow(ShapeError);
    expect(() => mse(randn([4, 1]), randn([4]))).toThrow(
      /input \[4, 1\] and target \[4\] must have the same shape/,
    );
  });

  it('crossEntropy with a wrong target shape, dtype or class', () => {
    expect(() => crossEntropy(randn([3, 4]), tensor([0, 1], { dtype: 'int32' }))).toThrow(
      /must have shape \[3\]/,
    );
    expect(() => crossEntropy(randn([3, 4]), tensor([true, false, true]))).toThrow(DTypeError);
    expect(() => crossEntropy(randn([3, 4]), randn([3, 5]))).toThrow(/must have the input's shape/);
    expect(() => crossEntropy(randn([4]), tensor([1], { dtype: 'int32' }))).toThrow(/input must be \[N, C\]/);
    expect(() => new MSELoss({ reduction: 'avg' as Reduction })).toThrow(ValueError);
  });
});

// crossEntropy reads no values itself (a loss never waits for the device): gather checks the
// classes, which it can do before the kernel runs only where the backend reads synchronously.
it.runIf(readsSynchronously())(
  'crossEntropy with a class out of range throws an IndexError naming it (fused and general paths)',
  () => {
    const bad = () => crossEntropy(randn([3, 4]), tensor([0, 1, 4], { dtype: 'int32' }));
    expect(bad).toThrow(IndexError);
    expect(bad).toThrow(/^crossEntropy: .*target\[2\] = 4 is out of range for 4 classes/);
    // With a class weight the general path (logSoftmax + gather) runs; the same class is refused.
    const weighted = () =>
      crossEntropy(randn([3, 4]), tensor([0, 1, 4], { dtype: 'int32' }), { weight: tensor([1, 1, 1, 1]) });
    expect(weighted).toThrow(IndexError);
    expect(weighted).toThrow(/^crossEntropy: .*index 4 is out of range for dim 1 of size 4/);
  },
);

describe('memory', () => {
  it('losses inside tidy free every intermediate', () => {
    const x = randn([8, 5], { requiresGrad: true });
    const y = tensor([0, 1, 2, 3, 4, 0, 1, 2], { dtype: 'int32' });
    const before = memory();
    tidy(() => {
      crossEntropy(x, y).backward();
    });
    x.grad!.dispose();
    x.grad = null;
    expect(memory()).toEqual(before);
  });
});

describe('crossEntropy on the fused softmaxCrossEntropy (class indices, no weight, no smoothing)', () => {
  it('the plain case runs the fused op; a weight or label smoothing takes the general path', () => {
    const x = randn([4, 5], { requiresGrad: true });
    const t = tensor([0, 4, 2, 1], { dtype: 'int32' });
    expect(crossEntropy(x, t, { reduction: 'none' })._node?.name).toBe('softmaxCrossEntropy');
    const weighted = crossEntropy(x, t, { reduction: 'none', weight: tensor([1, 1, 1, 1, 1]) });
    expect(weighted._node?.name).not.toBe('softmaxCrossEntropy');
  });

  for (const reduction of ['mean', 'sum', 'none'] as const) {
    it(`${reduction}: values and gradients equal the general path's, ignored rows included`, async () => {
      const x = randn([5, 4], { requiresGrad: true });
      const t = tensor([0, 3, -100, 2, 1], { dtype: 'int32' });
      const ones = tensor([1, 1, 1, 1]);
      const fused = crossEntropy(x, t, { reduction });
      const general = crossEntropy(x, t, { reduction, weight: ones }); // same math, unfused
      await expectClose(fused, Array.from(await general.data()), 1e-6, 1e-6);
      fused.sum().backward();
      const gFused = Array.from(await x.grad!.data());
      x.grad = null;
      general.sum().backward();
      await expectClose(x.grad!, gFused, 1e-6, 1e-6);
    });
  }

  it('mean over all-ignored rows is NaN, as PyTorch', async () => {
    const loss = crossEntropy(randn([2, 3]), tensor([-100, -100], { dtype: 'int32' }));
    expect((await loss.data())[0]).toBeNaN();
  });
});
