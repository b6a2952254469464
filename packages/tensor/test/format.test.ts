import '@nnet/test-utils/setup';
import { describe, expect, it } from 'vitest';
import { arange, tensor } from '../src/index.js';

describe('toString prints like PyTorch', () => {
  it('floats, ints, bools and scalars', () => {
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).toString(),
    ).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(tensor([0.5, -1.25]).toString()).toBe('tensor([ 0.5000, -1.2500])');
    expect(tensor([1, 2], { dtype: 'int32' }).toString()).toBe('tensor([1, 2], dtype=int32)');
    expect(tensor([true, false]).toString()).toBe('tensor([ True, False], dtype=bool)');
    expect(tensor(2.5).toString()).toBe('tensor(2.5000)');
    expect(tensor([1e-6, 1]).toString()).toBe('tensor([1.0000e-06, 1.0000e+00])');
    expect(tensor([Number.NaN, Number.POSITIVE_INFINITY, 1]).toString()).toBe('tensor([nan, inf,  1.])');
  });

  it('marks tensors that require grad and summarises large ones', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(x.toString()).toBe('tensor([1., 2.], requiresGrad=true)');
    expect(x.mul(2).toString()).toBe('tensor([2., 4.], gradFn=mul)');
    const big = arange(2000).toString();
    expect(big).toBe('tensor([   0,    1,    2, ..., 1997, 1998, 1999], dtype=int32)');
  });
});
