import '@nnet/backend-cpu';
import { customGrad, randn, tensor } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { centralDifference, expectClose, gradcheck, itRunsOnTheSelectedBackend } from '../src/index.js';

itRunsOnTheSelectedBackend();

describe('expectClose', () => {
  it('accepts values within atol + rtol·|want| and returns the largest absolute difference', async () => {
    expect(await expectClose([1.00001, 2], [1, 2])).toBeCloseTo(1e-5, 9);
    expect(await expectClose(tensor([[0.5, -1]]), { shape: [1, 2], data: [0.5, -1] })).toBe(0);
  });
  it('fails a value out of tolerance, a wrong shape or length, and a finite value for NaN', async () => {
    await expect(expectClose([1.001], [1])).rejects.toThrow(/element 0: got 1.001, want 1/);
    await expect(expectClose(tensor([1, 2]), { shape: [2, 1], data: [1, 2] })).rejects.toThrow();
    await expect(expectClose([1, 2], [1])).rejects.toThrow();
    await expect(expectClose([0], [Number.NaN])).rejects.toThrow(/element 0: got 0, want NaN/);
    await expect(expectClose([Number.NaN], [0])).rejects.toThrow(/element 0 is NaN/);
  });
  it('matches NaN and each infinity exactly', async () => {
    const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3];
    expect(await expectClose(special, special)).toBe(0);
    await expect(expectClose([Number.NEGATIVE_INFINITY], [Number.POSITIVE_INFINITY])).rejects.toThrow();
  });
});

describe('gradcheck', () => {
  it('passes correct gradients: an elementwise op (random W) and a one-element loss', async () => {
    await gradcheck((a, b) => a.mul(b).tanh(), [randn([2, 3]), randn([2, 3])]);
    await gradcheck((a) => a.mul(a).sum(), [randn([4])], { stride: 2 });
  });
  it('fails a wrong gradient, naming the input and element', async () => {
    const badSquare = customGrad(
      (x) => ({ value: x.mul(x), save: [x] }),
      (g, [x]) => [g.mul(x)], // should be 2x
    );
    await expect(gradcheck((x) => badSquare(x), [tensor([1, 2, 3])])).rejects.toThrow(
      /input 0 element 0: gradient .* vs finite difference/,
    );
  });
  it('rejects a non-float32 input, eps <= 0 and a stride below 1', async () => {
    const x = randn([2]);
    await expect(gradcheck((a) => a, [tensor([1], { dtype: 'int32' })])).rejects.toThrow(/input 0 is int32/);
    await expect(gradcheck((a) => a, [x], { eps: 0 })).rejects.toThrow(/eps must be > 0/);
    await expect(gradcheck((a) => a, [x], { stride: 0 })).rejects.toThrow(/stride must be an integer >= 1/);
  });
});

describe('centralDifference', () => {
  it('differentiates a function of float32 arrays along one element, leaving the inputs alone', async () => {
    const xs = [Float32Array.of(5), Float32Array.of(1, 2)];
    const f = (v: Float32Array[]) => v[0][0] * v[1][1] ** 3;
    expect(await centralDifference(f, xs, 1, 1)).toBeCloseTo(5 * 3 * 4, 2);
    expect(await centralDifference(async (v) => f(v), xs, 0, 0)).toBeCloseTo(8, 4);
    expect(xs).toEqual([Float32Array.of(5), Float32Array.of(1, 2)]);
  });
  it('rejects an input or element that does not exist', async () => {
    const xs = [Float32Array.of(1)];
    await expect(centralDifference(() => 0, xs, 1, 0)).rejects.toThrow(/input 1 does not exist/);
    await expect(centralDifference(() => 0, xs, 0, 1)).rejects.toThrow(/element 1 of input 0 does not exist/);
  });
});
