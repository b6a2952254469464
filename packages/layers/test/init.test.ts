import { manualSeed, ValueError, zeros } from '@nnet/tensor';
import { readArray, values } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import { calculateGain, init, Linear } from '../src/index.js';

const stats = (a: ArrayLike<number>) => {
  const v = Array.from(a);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
  return { mean, std, max: Math.max(...v.map(Math.abs)) };
};

describe('initialisers (torch.nn.init)', () => {
  it('gains match calculate_gain', () => {
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(calculateGain('leakyRelu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 12);
  });

  it('xavier and kaiming draw with the documented bounds and spreads', async () => {
    manualSeed(0);
    const w = zeros([200, 300]);
    const a = Math.sqrt(6 / 500);
    expect(stats(await init.xavierUniform_(w).data()).max).toBeLessThanOrEqual(a);
    expect(stats(await w.data()).std).toBeCloseTo(a / Math.sqrt(3), 2);
    expect(stats(await init.xavierNormal_(w, 2).data()).std).toBeCloseTo(2 * Math.sqrt(2 / 500), 2);
    expect(stats(await init.kaimingNormal_(w, { nonlinearity: 'relu' }).data()).std).toBeCloseTo(
      Math.SQRT2 / Math.sqrt(300),
      2,
    );
    const b = Math.sqrt(2) * Math.sqrt(3 / 200);
    expect(
      stats(await init.kaimingUniform_(w, { nonlinearity: 'relu', mode: 'fanOut' }).data()).max,
    ).toBeLessThanOrEqual(b);
  });

  it('Linear’s default equals kaimingUniform_ with a = √5', async () => {
    manualSeed(4);
    const l = new Linear(50, 20);
    const bound = 1 / Math.sqrt(50);
    const w = zeros([20, 50]);
    manualSeed(4);
    init.kaimingUniform_(w, { a: Math.sqrt(5) });
    const x = await values(w);
    expect(Math.max(...x.map(Math.abs))).toBeLessThanOrEqual(bound + 1e-7);
    expect(x).toEqual(await values(l.weight));
  });

  it('constants and errors', async () => {
    expect(await readArray(init.ones_(zeros([2])))).toEqual([1, 1]);
    expect(await readArray(init.zeros_(init.ones_(zeros([2]))))).toEqual([0, 0]);
    expect(() => init.xavierUniform_(zeros([3]))).toThrow(ValueError);
  });
});
