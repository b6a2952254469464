import { memory, type Tensor, tensor, ValueError, zeros } from '@nnet/tensor';
import { type Enc, expectClose, readArray, readFixture, readItem, t } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import {
  Adagrad,
  CosineAnnealingLR,
  clipGradNorm,
  clipGradValue,
  ExponentialLR,
  LinearLR,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  RMSprop,
  SGD,
  StepLR,
} from '../src/index.js';
import { followTrajectory, type TrajectoryStep } from './trajectory.js';

const fx = readFixture<{
  A: Enc;
  y: Enc;
  weight: Enc;
  bias: Enc;
  trajectories: {
    optimizer: 'RMSprop' | 'Adagrad';
    options: Record<string, number | boolean>;
    steps: TrajectoryStep[];
  }[];
  schedulers: {
    name: string;
    options: Record<string, unknown>;
    metrics?: number[];
    lrs: number[];
    momenta?: number[];
  }[];
  clip: { maxNorm: number; normType: number | 'Infinity'; grads: Enc[]; total: number; clipped: Enc[] }[];
}>(new URL('./fixtures/more.json', import.meta.url));

describe('RMSprop and Adagrad follow PyTorch step by step', () => {
  for (const traj of fx.trajectories) {
    it(`${traj.optimizer} ${JSON.stringify(traj.options)}`, async () => {
      const make = (params: Tensor[]) =>
        traj.optimizer === 'RMSprop' ? new RMSprop(params, traj.options) : new Adagrad(params, traj.options);
      await followTrajectory(fx, traj.steps, make, 1e-4);
    });
  }
});

describe('schedulers give PyTorch’s learning rates', () => {
  const make = {
    StepLR: (o: SGD, opts: never) => new StepLR(o, opts),
    MultiStepLR: (o: SGD, opts: never) => new MultiStepLR(o, opts),
    ExponentialLR: (o: SGD, opts: never) => new ExponentialLR(o, opts),
    CosineAnnealingLR: (o: SGD, opts: never) => new CosineAnnealingLR(o, opts),
    LinearLR: (o: SGD, opts: never) => new LinearLR(o, opts),
    OneCycleLR: (o: SGD, opts: never) => new OneCycleLR(o, opts),
    ReduceLROnPlateau: (o: SGD, opts: never) => new ReduceLROnPlateau(o, opts),
  } as const;
  for (const s of fx.schedulers) {
    it(`${s.name} ${JSON.stringify(s.options)}`, () => {
      const opt = new SGD([zeros([1], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
      const sched = make[s.name as keyof typeof make](opt, s.options as never);
      const got = [opt.paramGroups[0].options.lr];
      const momenta = [opt.paramGroups[0].options.momentum];
      for (let i = 0; i < s.lrs.length - 1; i++) {
        if (sched instanceof ReduceLROnPlateau) sched.step(s.metrics![i]);
        else sched.step();
        got.push(opt.paramGroups[0].options.lr);
        momenta.push(opt.paramGroups[0].options.momentum);
      }
      got.forEach((v, i) => expect(v).toBeCloseTo(s.lrs[i], 12));
      if (s.momenta) momenta.forEach((v, i) => expect(v).toBeCloseTo(s.momenta![i], 12));
    });
  }

  it('OneCycleLR refuses to step past totalSteps', () => {
    const opt = new SGD([zeros([1], { requiresGrad: true })], { lr: 0.1 });
    const s = new OneCycleLR(opt, { maxLr: 1, totalSteps: 2, cycleMomentum: false });
    s.step();
    s.step(); // PyTorch allows the step after the last one (a loop stepping after each batch)
    expect(() => s.step()).toThrow(/stepped 3 times, more than totalSteps \(2\)/);
    expect(() => new StepLR(opt, { stepSize: 0 })).toThrow(ValueError);
  });
});

describe('gradient clipping matches torch.nn.utils', () => {
  for (const c of fx.clip) {
    it(`clipGradNorm maxNorm=${c.maxNorm} normType=${c.normType}`, async () => {
      const ps = c.grads.map((g) => {
        const p = zeros(g.shape, { requiresGrad: true });
        p.grad = t(g);
        return p;
      });
      const total = clipGradNorm(
        ps,
        c.maxNorm,
        c.normType === 'Infinity' ? Number.POSITIVE_INFINITY : c.normType,
      );
      expect(total.shape).toEqual([]);
      expect(await readItem(total)).toBeCloseTo(c.total, 4);
      for (const [i, p] of ps.entries()) {
        const g = await p.grad!.data();
        c.clipped[i].data.forEach((v, k) =>
          expect(Math.abs(g[k] - v)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(v)),
        );
      }
    });
  }

  it('clipGradNorm reads nothing back and leaves memory flat but for the norm it returns', async () => {
    const p = zeros([2], { requiresGrad: true });
    p.grad = tensor([3, 4]);
    const before = memory();
    const norm = clipGradNorm([p], 1);
    expect(memory().tensors).toBe(before.tensors + 1);
    expect(await readItem(norm)).toBeCloseTo(5, 5);
    norm.dispose();
    // After an await a finalizer may free earlier tests' garbage: counts may fall, never rise.
    expect(memory().tensors).toBeLessThanOrEqual(before.tensors);
    expect(memory().bytes).toBeLessThanOrEqual(before.bytes);
    await expectClose(p.grad, [0.6, 0.8], 1e-5, 0);
    expect(await readItem(clipGradNorm([], 1))).toBe(0);
  });

  it('clipGradValue clamps every element', async () => {
    const p = zeros([3], { requiresGrad: true });
    p.grad = tensor([-2, 0.5, 3]);
    clipGradValue([p], 1);
    expect(await readArray(p.grad)).toEqual([-1, 0.5, 1]);
  });
});
