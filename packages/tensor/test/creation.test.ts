import '@nnet/test-utils/setup';
import { describe, expect, it } from 'vitest';
import {
  arange,
  DTypeError,
  eye,
  full,
  linspace,
  manualSeed,
  ones,
  rand,
  randint,
  randn,
  ShapeError,
  tensor,
  ValueError,
  zeros,
  zerosLike,
} from '../src/index.js';

describe('creation', () => {
  it('tensor infers shape and dtype from nested arrays', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.size).toBe(6);
    expect(t.ndim).toBe(2);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor([true, false]).toArray()).toEqual([true, false]);
    expect(tensor(3.5).shape).toEqual([]);
    expect(tensor(3.5).item()).toBe(3.5);
  });

  it('tensor takes typed arrays, a dtype and a shape', () => {
    const t = tensor(new Int32Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2] });
    expect(t.dtype).toBe('int32');
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(tensor([1.7, -2.7], { dtype: 'int32' }).toArray()).toEqual([1, -2]);
    expect(tensor([0, 2], { dtype: 'bool' }).toArray()).toEqual([false, true]);
  });

  it('rejects ragged data and bad shapes', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(/needs 4 elements/);
    expect(() => zeros([2, -1])).toThrow(ShapeError);
    expect(() => tensor([1], { dtype: 'float64' as never })).toThrow(DTypeError);
  });

  it('fills, ranges and identity', () => {
    expect(zeros([2]).toArray()).toEqual([0, 0]);
    expect(ones([2], { dtype: 'int32' }).toArray()).toEqual([1, 1]);
    expect(full([2, 1], 7).toArray()).toEqual([[7], [7]]);
    expect(zerosLike(tensor([[1, 2]])).shape).toEqual([1, 2]);
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(4).dtype).toBe('int32');
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(() => arange(0, 5, 0)).toThrow(ValueError);
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });

  it('the same seed gives the same numbers', () => {
    manualSeed(42);
    const a = randn([5]).toArray();
    const b = rand([3]).toArray();
    const c = randint(0, 10, [4]).toArray();
    manualSeed(42);
    expect(randn([5]).toArray()).toEqual(a);
    expect(rand([3]).toArray()).toEqual(b);
    expect(randint(0, 10, [4]).toArray()).toEqual(c);
    manualSeed(43);
    expect(randn([5]).toArray()).not.toEqual(a);
  });

  it('random samples have the right distribution', () => {
    manualSeed(0);
    const n = randn([20000]);
    const mean = n.mean().item();
    const std = n.std().item();
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
    const u = Array.from(rand([20000]).dataSync());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const ints = Array.from(randint(-2, 3, [1000]).dataSync());
    expect(new Set(ints)).toEqual(new Set([-2, -1, 0, 1, 2]));
  });
});
