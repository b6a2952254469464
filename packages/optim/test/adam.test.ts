import { manualSeed, memory, randn, tidy, ValueError } from '@nnet/tensor';
import { readFixture, values } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import { Adam, type AdamOptions, AdamW } from '../src/index.js';
import { followTrajectory, type TrajectoryProblem, type TrajectoryStep } from './trajectory.js';

const fx = readFixture<
  TrajectoryProblem & {
    trajectories: { optimizer: 'Adam' | 'AdamW'; options: Partial<AdamOptions>; steps: TrajectoryStep[] }[];
  }
>(new URL('./fixtures/adam.json', import.meta.url));

describe('Adam and AdamW follow PyTorch step by step', () => {
  for (const traj of fx.trajectories) {
    it(`${traj.optimizer} ${JSON.stringify(traj.options)}`, async () => {
      const Opt = traj.optimizer === 'Adam' ? Adam : AdamW;
      await followTrajectory(fx, traj.steps, (params) => new Opt(params, traj.options), 1e-4);
    });
  }
});

describe('Adam behaviour', () => {
  it('a loaded state dict continues bit for bit, and memory stays flat', async () => {
    manualSeed(0);
    const A = randn([6, 4]);
    const target = randn([6, 2]);
    manualSeed(1);
    const w1 = randn([4, 2], { requiresGrad: true });
    manualSeed(1);
    const w2 = randn([4, 2], { requiresGrad: true });
    const step = (opt: Adam, w: typeof w1) =>
      tidy(() => {
        opt.zeroGrad();
        A.matmul(w).sub(target).square().mean().backward();
        opt.step();
      });
    const first = new Adam([w1], { lr: 0.05, amsgrad: true });
    const second = new Adam([w2], { lr: 0.05, amsgrad: true });
    for (let i = 0; i < 3; i++) {
      step(first, w1);
      step(second, w2);
    }
    const resumed = new Adam([w2]);
    resumed.loadStateDict(second.stateDict());
    const before = memory();
    for (let i = 0; i < 5; i++) {
      step(first, w1);
      step(resumed, w2);
    }
    // Read before the first await: a finalizer may then free earlier tests' garbage.
    const after = memory();
    expect(await values(w2)).toEqual(await values(w1));
    expect(after).toEqual(before);
  });

  it('rejects bad hyper-parameters', () => {
    const p = [randn([1], { requiresGrad: true })];
    expect(() => new Adam(p, { betas: [1, 0.999] })).toThrow(ValueError);
    expect(() => new AdamW(p, { lr: -1 })).toThrow(/invalid learning rate/);
    expect(() => new Adam([])).toThrow(/empty parameter list/);
  });
});

describe('Optimizer.loadStateDict is all or nothing', () => {
  it('refuses a bad second group or a missing expAvg and leaves options and state as they were', async () => {
    manualSeed(3);
    const a = randn([3], { requiresGrad: true }).keep();
    const b = randn([2], { requiresGrad: true }).keep();
    const opt = new Adam(
      [
        { params: [a], options: { lr: 0.1 } },
        { params: [b], options: { lr: 0.2 } },
      ],
      { lr: 0.01 },
    );
    a.grad = randn([3]).keep();
    b.grad = randn([2]).keep();
    opt.step();
    const before = opt.stateDict();
    const snapshot = async () => ({
      lrs: opt.paramGroups.map((g) => g.options.lr),
      state: await Promise.all(
        [a, b].map(async (p) => {
          const st = opt.stateDict().state;
          const idx = p === a ? 0 : 1;
          return Promise.all(
            Object.entries(st[idx]).map(async ([k, v]) => [k, typeof v === 'number' ? v : await values(v)]),
          );
        }),
      ),
    });
    const expected = await snapshot();
    const badGroup = {
      ...before,
      groups: [before.groups[0], { ...before.groups[1], options: { ...before.groups[1].options, lr: -1 } }],
    };
    badGroup.groups[0] = { ...before.groups[0], options: { ...before.groups[0].options, lr: 0.5 } };
    expect(() => opt.loadStateDict(badGroup)).toThrow(ValueError);
    expect(await snapshot()).toEqual(expected);
    const { expAvg: _dropped, ...rest } = before.state[0] as Record<string, unknown>;
    const missing = { ...before, state: { ...before.state, 0: rest as (typeof before.state)[0] } };
    expect(() => opt.loadStateDict(missing)).toThrow(/lacks expAvg/);
    expect(await snapshot()).toEqual(expected);
  });
});
