import { manualSeed, memory, randn, tensor, tidy, ValueError } from '@nnet/tensor';
import { readFixture, readItem, values } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import { SGD, type SGDOptions } from '../src/index.js';
import { followTrajectory, lossStep, type TrajectoryProblem, type TrajectoryStep } from './trajectory.js';

const fx = readFixture<
  TrajectoryProblem & { trajectories: { options: Partial<SGDOptions>; steps: TrajectoryStep[] }[] }
>(new URL('./fixtures/sgd.json', import.meta.url));

describe('SGD follows PyTorch step by step', () => {
  for (const traj of fx.trajectories) {
    it(JSON.stringify(traj.options), async () => {
      await followTrajectory(fx, traj.steps, (params) => new SGD(params, traj.options), 1e-5);
    });
  }
});

describe('SGD behaviour', () => {
  it('parameter groups take their own options', async () => {
    const a = tensor([1], { requiresGrad: true });
    const b = tensor([1], { requiresGrad: true });
    const opt = new SGD([{ params: [a] }, { params: [b], options: { lr: 0.5 } }], { lr: 0.1 });
    a.mul(1).sum().add(b.sum()).backward();
    opt.step();
    expect(await readItem(a)).toBeCloseTo(0.9, 6);
    expect(await readItem(b)).toBeCloseTo(0.5, 6);
    expect(opt.paramGroups[1].options.lr).toBe(0.5);
  });

  it('a state dict loaded into a fresh optimizer continues bit for bit', async () => {
    manualSeed(0);
    const A = randn([6, 4]);
    const y = randn([6, 2]);
    const make = () => [randn([4, 2], { requiresGrad: true }), randn([2], { requiresGrad: true })];
    manualSeed(1);
    const [w1, b1] = make();
    manualSeed(1);
    const [w2, b2] = make();
    const opts = { lr: 0.05, momentum: 0.9, nesterov: true };
    const first = new SGD([w1, b1], opts);
    for (let i = 0; i < 3; i++) lossStep(first, w1, b1, A, y);
    const other = new SGD([w2, b2], opts);
    for (let i = 0; i < 3; i++) lossStep(other, w2, b2, A, y);
    const resumed = new SGD([w2, b2], { lr: 1 });
    resumed.loadStateDict(other.stateDict());
    expect(resumed.paramGroups[0].options.lr).toBe(0.05);
    for (let i = 0; i < 4; i++) {
      lossStep(first, w1, b1, A, y);
      lossStep(resumed, w2, b2, A, y);
    }
    expect(await values(w2)).toEqual(await values(w1));
    expect(await values(b2)).toEqual(await values(b1));
  });

  it('steps leave memory flat once the momentum buffers exist', () => {
    const w = randn([3, 3], { requiresGrad: true });
    const opt = new SGD([w], { lr: 0.01, momentum: 0.9, weightDecay: 0.01 });
    const step = () =>
      tidy(() => {
        opt.zeroGrad();
        w.square().sum().backward();
        opt.step();
      });
    step();
    const before = memory();
    for (let i = 0; i < 100; i++) step();
    expect(memory()).toEqual(before);
  });

  it('rejects bad arguments with ValueErrors naming the fix', () => {
    expect(() => new SGD([])).toThrow(/empty parameter list/);
    expect(() => new SGD([randn([1], { requiresGrad: true })], { lr: -1 })).toThrow(ValueError);
    expect(() => new SGD([randn([1], { requiresGrad: true })], { nesterov: true })).toThrow(
      /Nesterov momentum requires/,
    );
    expect(() => new SGD([randn([1])])).toThrow(/does not require grad/);
  });
});
