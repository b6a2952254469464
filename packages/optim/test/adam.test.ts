import { manualSeed, memory, randn, tidy, ValueError } from '@nnet/tensor';
import { type Enc, readFixture, t, values } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import { Adam, type AdamOptions, AdamW } from '../src/index.js';

const fx = readFixture<{
  A: Enc;
  y: Enc;
  weight: Enc;
  bias: Enc;
  trajectories: {
    optimizer: 'Adam' | 'AdamW';
    options: Partial<AdamOptions>;
    steps: { weight: Enc; bias: Enc }[];
  }[];
}>(new URL('./fixtures/adam.json', import.meta.url));

describe('Adam and AdamW follow PyTorch step by step', () => {
  for (const traj of fx.trajectories) {
    it(`${traj.optimizer} ${JSON.stringify(traj.options)}`, async () => {
      const A = t(fx.A);
      const y = t(fx.y);
      const w = t(fx.weight, true);
      const b = t(fx.bias, true);
      const Opt = traj.optimizer === 'Adam' ? Adam : AdamW;
      const opt = new Opt([w, b], traj.options);
      for (const step of traj.steps) {
        tidy(() => {
          opt.zeroGrad();
          A.matmul(w).add(b).sub(y).square().mean().backward();
          opt.step();
        });
        const gw = await w.data();
        step.weight.data.forEach((v, i) =>
          expect(Math.abs(gw[i] - v)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(v)),
        );
        const gb = await b.data();
        step.bias.data.forEach((v, i) =>
          expect(Math.abs(gb[i] - v)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(v)),
        );
      }
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
    expect(await values(w2)).toEqual(await values(w1));
    expect(memory()).toEqual(before);
  });

  it('rejects bad hyper-parameters', () => {
    const p = [randn([1], { requiresGrad: true })];
    expect(() => new Adam(p, { betas: [1, 0.999] })).toThrow(ValueError);
    expect(() => new AdamW(p, { lr: -1 })).toThrow(/invalid learning rate/);
    expect(() => new Adam([])).toThrow(/empty parameter list/);
  });
});
