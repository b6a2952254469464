import '@nnet/test-utils/setup';
import { describe, expect, it } from 'vitest';
import { arange, chunk, IndexError, ShapeError, split, tensor } from '../src/index.js';

const grid = () => arange(12).reshape([3, 4]);

describe('views', () => {
  it('reshape and view share storage with the original', () => {
    const x = grid();
    const v = x.view([4, 3]);
    expect(v._storage).toBe(x._storage);
    expect(v.toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
      [9, 10, 11],
    ]);
    expect(x.reshape([-1]).shape).toEqual([12]);
    expect(x.reshape([2, -1]).shape).toEqual([2, 6]);
    expect(() => x.reshape([5, -1])).toThrow(ShapeError);
    expect(() => x.reshape([5, 2])).toThrow(/invalid for input of shape \[3, 4\]/);
  });

  it('transpose and permute are views with swapped strides', () => {
    const x = grid();
    const t = x.transpose(0, 1);
    expect(t._storage).toBe(x._storage);
    expect(t.isContiguous()).toBe(false);
    expect(t.toArray()).toEqual([
      [0, 4, 8],
      [1, 5, 9],
      [2, 6, 10],
      [3, 7, 11],
    ]);
    expect(() => x.view([12])).not.toThrow();
    expect(() => t.view([12])).toThrow(/not contiguous/);
    expect(t.reshape([12]).toArray()).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    const p = arange(24).reshape([2, 3, 4]).permute([2, 0, 1]);
    expect(p.shape).toEqual([4, 2, 3]);
    expect(p.contiguous().toArray()).toEqual(p.toArray());
    expect((p.toArray() as number[][][])[1][1][2]).toBe(21);
    expect(() => p.permute([0, 0, 1])).toThrow(IndexError);
  });

  it('narrow, slice and select pick sub-tensors without copying', () => {
    const x = grid();
    expect(x.narrow(1, 1, 2).toArray()).toEqual([
      [1, 2],
      [5, 6],
      [9, 10],
    ]);
    expect(x.slice(0, 1).toArray()).toEqual([
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ]);
    expect(x.slice(1, 0, 4, 2).toArray()).toEqual([
      [0, 2],
      [4, 6],
      [8, 10],
    ]);
    expect(x.select(0, -1).toArray()).toEqual([8, 9, 10, 11]);
    expect(x.select(1, 2).toArray()).toEqual([2, 6, 10]);
    expect(() => x.select(0, 3)).toThrow(IndexError);
    expect(() => x.narrow(1, 3, 2)).toThrow(/do not fit/);
  });

  it('squeeze, unsqueeze, expand and flatten', () => {
    const x = tensor([[[1], [2]]]);
    expect(x.shape).toEqual([1, 2, 1]);
    expect(x.squeeze().shape).toEqual([2]);
    expect(x.squeeze(0).shape).toEqual([2, 1]);
    expect(x.squeeze(1).shape).toEqual([1, 2, 1]);
    expect(tensor([1, 2]).unsqueeze(0).shape).toEqual([1, 2]);
    expect(tensor([1, 2]).unsqueeze(-1).shape).toEqual([2, 1]);
    const e = tensor([[1], [2]]).expand([2, 3]);
    expect(e.strides).toEqual([1, 0]);
    expect(e.toArray()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(tensor([1, 2]).expand([2, -1]).toArray()).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(() => tensor([1, 2]).expand([3])).toThrow(ShapeError);
    expect(arange(24).reshape([2, 3, 4]).flatten(1).shape).toEqual([2, 12]);
    expect(tensor(5).flatten().shape).toEqual([1]);
  });

  it('split and chunk return views that cover the tensor', () => {
    const x = arange(7);
    expect(split(x, 3).map((t) => t.toArray())).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(x.split([2, 5]).map((t) => t.shape[0])).toEqual([2, 5]);
    expect(() => x.split([2, 2])).toThrow(ShapeError);
    expect(chunk(x, 3).map((t) => t.shape[0])).toEqual([3, 3, 1]);
  });

  it('views of views read the right elements (non-contiguous inputs to kernels)', () => {
    const x = arange(24, undefined, 1, { dtype: 'float32' }).reshape([2, 3, 4]);
    const v = x.permute([1, 2, 0]).slice(1, 1, 3).transpose(0, 1);
    const expected = [];
    for (let a = 1; a < 3; a++) {
      const rows = [];
      for (let b = 0; b < 3; b++) rows.push([b * 4 + a, 12 + b * 4 + a]);
      expected.push(rows);
    }
    expect(v.toArray()).toEqual(expected);
    expect(v.add(1).toArray()).toEqual(expected.map((r) => r.map((c) => c.map((z) => z + 1))));
    expect(v.sum().item()).toBe(expected.flat(2).reduce((p, q) => p + q, 0));
  });
});
