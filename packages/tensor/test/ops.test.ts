import '@nnet/test-utils/setup';
import { describe, expect, it } from 'vitest';
import {
  arange,
  cat,
  eq,
  gather,
  indexSelect,
  logsumexp,
  matmul,
  oneHot,
  softmax,
  stack,
  tensor,
  where,
  zeros,
} from '../src/index.js';
import { expectClose } from './helpers.js';

describe('elementwise ops', () => {
  it('broadcast across ranks, with numbers as operands', () => {
    const a = tensor([[1], [2]]);
    const b = tensor([10, 20, 30]);
    expect(a.add(b).toArray()).toEqual([
      [11, 21, 31],
      [12, 22, 32],
    ]);
    expect(a.mul(2).sub(1).toArray()).toEqual([[1], [3]]);
    expect(
      tensor(2)
        .pow(tensor([1, 2, 3]))
        .toArray(),
    ).toEqual([2, 4, 8]);
    expect(b.div(4).toArray()).toEqual([2.5, 5, 7.5]);
  });

  it('keeps integer dtypes and promotes like PyTorch', () => {
    const i = tensor([1, 2, 3], { dtype: 'int32' });
    expect(i.add(1).dtype).toBe('int32');
    expect(i.add(0.5).dtype).toBe('float32');
    expect(i.div(2).toArray()).toEqual([0.5, 1, 1.5]);
    expect(i.mul(tensor([0.5])).dtype).toBe('float32');
    expect(i.exp().dtype).toBe('float32');
    expect(i.neg().toArray()).toEqual([-1, -2, -3]);
    expect(tensor([true, false]).add(1).toArray()).toEqual([2, 1]);
  });

  it('comparisons give bool masks and where selects', () => {
    const x = tensor([-1, 0, 2, Number.NaN]);
    expect(x.gt(0).toArray()).toEqual([false, false, true, false]);
    expect(x.ne(x).toArray()).toEqual([false, false, false, true]);
    expect(x.isnan().toArray()).toEqual([false, false, false, true]);
    expect(where(x.ge(0), x, 0).toArray()).toEqual([0, 0, 2, 0]);
    expect(
      tensor([1, 0, 1])
        .logicalAnd(tensor([1, 1, 0]))
        .toArray(),
    ).toEqual([true, false, false]);
  });

  it('activation values', () => {
    expectClose(tensor([-1, 0, 1]).sigmoid(), [1 / (1 + Math.E), 0.5, 1 / (1 + 1 / Math.E)]);
    expectClose(tensor([-2, 3]).leakyRelu(0.1), [-0.2, 3]);
    expectClose(tensor([1]).gelu(), [0.8413447]);
    expectClose(tensor([1]).gelu({ approximate: 'tanh' }), [0.841192]);
    expectClose(tensor([0, 30, -30]).softplus(), [Math.log(2), 30, 9.357623e-14]);
    expectClose(tensor([-2, 0.5, 3]).clamp(-1, 1), [-1, 0.5, 1]);
    expectClose(tensor([0.5, 1.5, 2.5, -0.5]).round(), [0, 2, 2, -0]);
  });
});

describe('reductions', () => {
  const x = arange(24, undefined, 1, { dtype: 'float32' }).reshape([2, 3, 4]);
  it('sum, mean, max, min, prod over dims with keepdim', () => {
    expect(x.sum().item()).toBe(276);
    expect(x.sum([0, 2]).toArray()).toEqual([60, 92, 124]);
    expect(x.sum(1, true).shape).toEqual([2, 1, 4]);
    expect(x.mean(-1).toArray()).toEqual([
      [1.5, 5.5, 9.5],
      [13.5, 17.5, 21.5],
    ]);
    expect(x.max(1).toArray()).toEqual([
      [8, 9, 10, 11],
      [20, 21, 22, 23],
    ]);
    expect(x.min().item()).toBe(0);
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ])
        .prod(1)
        .toArray(),
    ).toEqual([2, 12]);
    expect(tensor([true, true, false]).sum().dtype).toBe('int32');
    expect(tensor([true, true, false]).sum().item()).toBe(2);
  });

  it('argmax, argmin, var, std, logsumexp', () => {
    const y = tensor([
      [1, 5, 5],
      [7, 0, 3],
    ]);
    expect(y.argmax(1).toArray()).toEqual([1, 0]);
    expect(y.argmin(0).toArray()).toEqual([0, 1, 1]);
    expect(y.argmax().item()).toBe(3);
    expectClose(tensor([1, 2, 3, 4]).var(), [5 / 3]);
    expectClose(tensor([1, 2, 3, 4]).var(0, false, 0), [1.25]);
    expectClose(tensor([1, 2, 3, 4]).std(), [Math.sqrt(5 / 3)]);
    expectClose(
      logsumexp(
        tensor([
          [1000, 1000],
          [0, Number.NEGATIVE_INFINITY],
        ]),
        1,
      ),
      [1000 + Math.log(2), 0],
    );
  });

  it('reductions of empty tensors', () => {
    expect(zeros([0, 3]).sum(0).toArray()).toEqual([0, 0, 0]);
    expect(zeros([2, 0]).sum().item()).toBe(0);
    expect(() => zeros([0, 3]).max(0)).toThrow(/empty dim/);
  });
});

describe('matmul, softmax, joins, indexing', () => {
  it('matmul of every rank combination', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(matmul(a, a).toArray()).toEqual([
      [7, 10],
      [15, 22],
    ]);
    expect(matmul(tensor([1, 2]), a).toArray()).toEqual([7, 10]);
    expect(matmul(a, tensor([1, 2])).toArray()).toEqual([5, 11]);
    expect(matmul(tensor([1, 2]), tensor([3, 4])).item()).toBe(11);
    const batch = stack([a, a.mul(2)]);
    expect(matmul(batch, a).toArray()).toEqual([
      [
        [7, 10],
        [15, 22],
      ],
      [
        [14, 20],
        [30, 44],
      ],
    ]);
    expect(matmul(a.t(), a).toArray()).toEqual([
      [10, 14],
      [14, 20],
    ]);
    expect(matmul(zeros([2, 0]), zeros([0, 3])).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('softmax is stable for large logits', () => {
    const s = softmax(
      tensor([
        [1000, 1001],
        [-1000, -1000],
      ]),
      1,
    );
    expectClose(s, [1 / (1 + Math.E), Math.E / (1 + Math.E), 0.5, 0.5]);
    expectClose(tensor([1000, 0]).logSoftmax(0), [0, -1000]);
  });

  it('cat, stack, gather, indexSelect, oneHot', () => {
    expect(
      cat([
        tensor([[1, 2]]),
        tensor([
          [3, 4],
          [5, 6],
        ]),
      ]).toArray(),
    ).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(cat([tensor([[1], [2]]), tensor([[3], [4]])], 1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(cat([tensor([true]), tensor([false, true])]).toArray()).toEqual([true, false, true]);
    expect(stack([tensor([1, 2]), tensor([3, 4])], 1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    const m = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(
      gather(
        m,
        1,
        tensor(
          [
            [2, 0],
            [1, 1],
          ],
          { dtype: 'int32' },
        ),
      ).toArray(),
    ).toEqual([
      [3, 1],
      [5, 5],
    ]);
    expect(indexSelect(m, 1, tensor([2, 0], { dtype: 'int32' })).toArray()).toEqual([
      [3, 1],
      [6, 4],
    ]);
    expect(oneHot(tensor([0, 2], { dtype: 'int32' }), 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(eq(oneHot(tensor([1], { dtype: 'int32' }), -1, 'float32'), tensor([[0, 1]])).toArray()).toEqual([
      [true, true],
    ]);
  });
});
