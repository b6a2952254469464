import '@nnet/test-utils/setup';
import { describe, expect, it } from 'vitest';
import {
  BackendError,
  conv2d,
  DTypeError,
  gather,
  IndexError,
  matmul,
  maxPool2d,
  NNetError,
  ones,
  ShapeError,
  setBackend,
  tensor,
  ValueError,
  zeros,
} from '../src/index.js';

describe('typed errors name the op, the shapes and the fix', () => {
  it('broadcast mismatch', () => {
    const err = (() => {
      try {
        zeros([2, 3]).add(zeros([4]));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(ShapeError);
    expect(err).toBeInstanceOf(NNetError);
    expect(err!.message).toMatch(/^add: shapes \[2, 3\] and \[4\] cannot be broadcast/);
    expect(err!.message).toMatch(/reshape or unsqueeze/);
  });

  it('matmul inner dims', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(ShapeError);
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(
      /\[2, 3\] and \[4, 5\] cannot be multiplied \(3 columns vs 4 rows\)/,
    );
    expect(() => matmul(zeros([2, 3], { dtype: 'int32' }), zeros([3, 2]))).toThrow(DTypeError);
  });

  it('out-of-range dims and indices', () => {
    expect(() => zeros([2, 3]).sum(2)).toThrow(IndexError);
    expect(() => zeros([2, 3]).sum(2)).toThrow(/dim 2 is out of range for 2-d input.*\[-2, 1\]/);
    expect(() => zeros([2, 3]).transpose(0, -3)).toThrow(IndexError);
    expect(() => gather(zeros([2, 3]), 1, tensor([[0, 3]], { dtype: 'int32' }))).toThrow(
      /index 3 is out of range/,
    );
    expect(() => gather(zeros([2, 3]), 1, tensor([[0, 1]]))).toThrow(DTypeError);
  });

  it('wrong dtypes', () => {
    expect(() => ones([2], { dtype: 'int32' }).mean()).toThrow(DTypeError);
    expect(() => tensor([true]).neg()).toThrow(/logicalNot/);
  });

  it('convolution and pooling geometry', () => {
    expect(() => conv2d(zeros([1, 3, 5, 5]), zeros([4, 2, 3, 3]))).toThrow(
      /input has 3 channels but weight \[4, 2, 3, 3\]/,
    );
    expect(() => conv2d(zeros([1, 1, 2, 2]), zeros([1, 1, 3, 3]))).toThrow(/larger than the padded input/);
    expect(() => conv2d(zeros([1, 1, 2]), zeros([1, 1, 3, 3]))).toThrow(ShapeError);
    expect(() => maxPool2d(zeros([1, 1, 4, 4]), 2, { padding: 2 })).toThrow(ValueError);
  });

  it('item on a multi-element tensor', () => {
    expect(() => zeros([2]).item()).toThrow(/only one-element tensors/);
  });

  it('unknown backend', async () => {
    await expect(setBackend('nope')).rejects.toThrow(BackendError);
    await expect(setBackend('nope')).rejects.toThrow(/registered: (.*, )?cpu/);
  });
});
