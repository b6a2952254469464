import '@nnet/backend-cpu';
import { tensor } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose, itRunsOnTheSelectedBackend } from '../src/index.js';

itRunsOnTheSelectedBackend();

describe('expectClose', () => {
  it('accepts values within atol + rtol·|want| and returns the largest absolute difference', async () => {
    expect(await expectClose([1.00001, 2], [1, 2])).toBeCloseTo(1e-5, 9);
    expect(await expectClose(tensor([[0.5, -1]]), { shape: [1, 2], data: [0.5, -1] })).toBe(0);
  });
  it('fails a value out of tolerance, a wrong shape or length, and a finite value for NaN', async () => {
    await expect(expectClose([1.001], [1])).rejects.toThrow(/element 0: expected 1, got 1.001/);
    await expect(expectClose(tensor([1, 2]), { shape: [2, 1], data: [1, 2] })).rejects.toThrow();
    await expect(expectClose([1, 2], [1])).rejects.toThrow();
    await expect(expectClose([0], [Number.NaN])).rejects.toThrow(/element 0: expected NaN, got 0/);
    await expect(expectClose([Number.NaN], [0])).rejects.toThrow(/element 0: expected 0, got NaN/);
  });
  it('matches NaN and each infinity exactly', async () => {
    const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3];
    expect(await expectClose(special, special)).toBe(0);
    await expect(expectClose([Number.NEGATIVE_INFINITY], [Number.POSITIVE_INFINITY])).rejects.toThrow();
  });
});
