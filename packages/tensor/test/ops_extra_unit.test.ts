/**
 * Edge cases, typed errors and finite-difference gradients of the extended op library (the
 * PyTorch value checks are in ops_extra.test.ts).
 */
import '@nnet/test-utils/setup';
import { describe, expect, it } from 'vitest';
import {
  avgPool2d,
  conv2d,
  conv3d,
  DTypeError,
  einsum,
  elu,
  fold,
  gelu,
  glu,
  groupNorm,
  hardswish,
  IndexError,
  interpolate,
  logsigmoid,
  manualSeed,
  maskedFill,
  matmul,
  maxPool2d,
  memory,
  mish,
  ones,
  prelu,
  rand,
  randn,
  ShapeError,
  selu,
  silu,
  softplus,
  softsign,
  type Tensor,
  tensor,
  tidy,
  tril,
  triu,
  unfold,
  ValueError,
  zeros,
} from '../src/index.js';
import { expectClose, gradcheck } from './helpers.js';

manualSeed(11);
const away = (s: number[]) => {
  const r = randn(s);
  return r.add(r.sign().mul(0.2));
};

describe('tril / triu', () => {
  it('keeps the triangle of a non-contiguous (transposed) input', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]).t(); // [[1, 4], [2, 5], [3, 6]]
    expectClose(tril(x), [1, 0, 2, 5, 3, 6]);
    expectClose(triu(x, 1), [0, 4, 0, 0, 0, 0]);
  });
  it('works on bool (a causal mask) and on empty matrices', () => {
    const m = triu(ones([3, 3], { dtype: 'bool' }), 1);
    expect(m.dtype).toBe('bool');
    expect(m.toArray()).toEqual([
      [false, true, true],
      [false, false, true],
      [false, false, false],
    ]);
    expect(tril(zeros([2, 0, 3])).shape).toEqual([2, 0, 3]);
  });
  it('rejects fewer than 2 dims and a non-integer diagonal', () => {
    expect(() => tril(ones([3]))).toThrow(ShapeError);
    expect(() => triu(ones([2, 2]), 0.5)).toThrow(/diagonal must be an integer/);
  });
  it('gradient is 1 inside the triangle', async () => {
    await gradcheck((x) => tril(x, -1), [[3, 4]]);
  });
});

describe('maskedFill', () => {
  it('rejects a non-bool mask and a non-0-d tensor value', () => {
    expect(() => maskedFill(ones([2]), tensor([1, 0], { dtype: 'int32' }), 0)).toThrow(DTypeError);
    expect(() => maskedFill(ones([2]), tensor([1, 0], { dtype: 'bool' }), ones([2]))).toThrow(ShapeError);
    expect(() => maskedFill(ones([2]), tensor([1, 0, 1], { dtype: 'bool' }), 0)).toThrow(ShapeError);
  });
  it('keeps the dtype of x (int32 value is truncated like PyTorch)', () => {
    const y = maskedFill(zeros([2], { dtype: 'int32' }), tensor([1, 0], { dtype: 'bool' }), 1.7);
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual([1, 0]);
  });
  it('causal attention: softmax of masked scores puts no weight on the future, gradients flow', () => {
    const q = randn([2, 4, 8]).requiresGrad_();
    const scores = matmul(q, q.transpose(1, 2));
    const mask = triu(ones([4, 4], { dtype: 'bool' }), 1);
    const p = scores.maskedFill(mask, Number.NEGATIVE_INFINITY).softmax(-1);
    const data = p.dataSync();
    for (let b = 0; b < 2; b++)
      for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) expect(data[b * 16 + i * 4 + j]).toBe(0);
    p.sum().backward();
    expect(q.grad!.shape).toEqual([2, 4, 8]);
    expect(Array.from(q.grad!.dataSync()).every(Number.isFinite)).toBe(true);
  });
  it('gradients match finite differences (x and a 0-d tensor value)', async () => {
    const mask = tensor([
      [true, false, true],
      [false, false, true],
    ]);
    await gradcheck((x, v) => maskedFill(x, mask, v.reshape([])), [[2, 3], [1]]);
  });
});

describe('activations: gradients match finite differences', () => {
  const cases: [string, (x: Tensor) => Tensor, ((s: number[]) => Tensor)?][] = [
    ['silu', silu],
    ['elu', (x) => elu(x, 0.7), away],
    ['selu', selu, away],
    ['mish', mish],
    ['hardswish', hardswish, (s) => randn(s).mul(2).add(0.05)],
    ['softsign', softsign, away],
    ['logsigmoid', logsigmoid],
    ['glu', (x) => glu(x, 1)],
  ];
  for (const [name, f, make] of cases) {
    it(name, () => gradcheck(f, [[3, 4]], make ? { make } : {}));
  }
  it('prelu (input and weight)', async () => {
    await gradcheck((x, w) => prelu(x, w), [[2, 3, 2], [3]], {
      make: (s, i) => (i === 0 ? away(s) : randn(s)),
    });
  });
  it('typed errors', () => {
    expect(() => silu(tensor([1, 2], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => glu(ones([3]))).toThrow(/odd size 3/);
    expect(() => prelu(ones([2, 3]), ones([2]))).toThrow(ShapeError);
  });
});

describe('pow gradient at 0⁰', () => {
  it('is 0 like PyTorch (was NaN)', () => {
    const x = tensor([0, 1, 2]).requiresGrad_();
    x.pow(0).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 0, 0]);
    const y = tensor([0, 2]).requiresGrad_();
    y.pow(tensor([0, 0]))
      .sum()
      .backward();
    expect(Array.from(y.grad!.dataSync())).toEqual([0, 0]);
  });
});

describe('options objects reject unknown keys', () => {
  const x = randn([1, 1, 4, 4]);
  it('names the key and the accepted ones', () => {
    expect(() => maxPool2d(x, 2, { ceilmode: true } as never)).toThrow(ValueError);
    expect(() => maxPool2d(x, 2, { ceilmode: true } as never)).toThrow(
      /unknown option 'ceilmode'.*'stride', 'padding'/,
    );
    expect(() => avgPool2d(x, 2, { divisor: 1 } as never)).toThrow(/unknown option 'divisor'/);
    expect(() => conv2d(x, randn([1, 1, 3, 3]), null, { strides: 2 } as never)).toThrow(
      /unknown option 'strides'/,
    );
    expect(() => gelu(x, { approx: 'tanh' } as never)).toThrow(/unknown option 'approx'/);
    expect(() => softplus(x, { Beta: 2 } as never)).toThrow(/unknown option 'Beta'/);
  });
});

describe('math: gradients match finite differences', () => {
  const inUnit = (s: number[]) => rand(s).mul(1.6).sub(0.8);
  const cases: [string, (...x: Tensor[]) => Tensor, number[][], ((s: number[], i: number) => Tensor)?][] = [
    ['tan', (x) => x.tan(), [[3, 3]], (s) => inUnit(s)],
    ['atan', (x) => x.atan(), [[3, 3]], (s) => randn(s).mul(3)],
    ['asin', (x) => x.asin(), [[3, 3]], inUnit],
    ['acos', (x) => x.acos(), [[3, 3]], inUnit],
    ['sinh', (x) => x.sinh(), [[3, 3]]],
    ['cosh', (x) => x.cosh(), [[3, 3]]],
    ['asinh', (x) => x.asinh(), [[3, 3]]],
    ['acosh', (x) => x.acosh(), [[3, 3]], (s) => rand(s).add(1.2)],
    ['atanh', (x) => x.atanh(), [[3, 3]], inUnit],
    ['expm1', (x) => x.expm1(), [[3, 3]]],
    ['atan2', (y, x) => y.atan2(x), [[3, 3], [3]], (s) => randn(s).add(0.1)],
    [
      'logaddexp',
      (a, b) => a.logaddexp(b),
      [
        [3, 3],
        [3, 3],
      ],
    ],
    [
      'xlogy',
      (a, b) => a.xlogy(b),
      [
        [3, 3],
        [3, 3],
      ],
      (s, i) => (i === 0 ? randn(s) : rand(s).add(0.5)),
    ],
    ['lerp', (a, b, w) => a.lerp(b, w), [[3, 3], [3, 3], [3]]],
    ['norm p=3', (x) => x.norm(3, 1), [[3, 4]]],
    [
      'cosineSimilarity',
      (a, b) => a.cosineSimilarity(b, 1),
      [
        [3, 4],
        [3, 4],
      ],
    ],
    [
      'cdist',
      (a, b) => a.cdist(b),
      [
        [3, 4],
        [2, 4],
      ],
    ],
  ];
  for (const [name, f, shapes, make] of cases) {
    it(name, () => gradcheck(f, shapes, make ? { make } : {}));
  }
});

describe('math and reductions: edge cases and typed errors', () => {
  it('norm of a zero vector has a zero gradient (not NaN)', () => {
    const x = zeros([3]).requiresGrad_();
    x.norm().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 0, 0]);
  });
  it('norm rejects a negative p; cdist rejects mismatched rows', () => {
    expect(() => randn([3]).norm(-1)).toThrow(ValueError);
    expect(() => randn([3, 2]).cdist(randn([3, 4]))).toThrow(ShapeError);
  });
  it('all/any on empty tensors follow the empty-product rules', () => {
    expect(zeros([0]).all().item()).toBe(1);
    expect(zeros([0]).any().item()).toBe(0);
  });
  it('int32 fmod/remainder/floorDivide stay int32', () => {
    const a = tensor([7, -7], { dtype: 'int32' });
    expect(a.fmod(3).dtype).toBe('int32');
    expect(Array.from(a.remainder(3).dataSync())).toEqual([1, 2]);
    expect(Array.from(a.floorDivide(2).dataSync())).toEqual([3, -4]);
  });
  it('float functions promote int input to float32', () => {
    const y = tensor([1, 2], { dtype: 'int32' }).log2();
    expect(y.dtype).toBe('float32');
    expectClose(y, [0, 1]);
  });
});

describe('shape, scan, sort, scatter: typed errors and edge cases', () => {
  it('einsum names what is wrong with an equation', () => {
    const a = randn([2, 3]);
    expect(() => einsum('ij,jk->ik', a)).toThrow(/invalid equation 'ij,jk->ik': it has 2 operand/);
    expect(() => einsum('ijk->i', a)).toThrow(/operand 0 has 3 subscript\(s\)/);
    expect(() => einsum('ij->iz', a)).toThrow(/output subscript 'z' does not appear/);
    expect(() => einsum('ij,jk->ik', a, randn([4, 2]))).toThrow(/subscript 'j' has size 3/);
    expect(() => einsum('i1->i', randn([2, 2]))).toThrow(/'1' in operand 0 is not a letter/);
    expect(() => einsum('ij->ii', a)).toThrow(/repeats a subscript/);
  });
  it('topk rejects k out of range; sort of 0-d and empty', () => {
    expect(() => randn([3]).topk(4)).toThrow(IndexError);
    expect(() => randn([3]).topk(-1)).toThrow(IndexError);
    const [v, i] = tensor(2.5).sort();
    expect(v.item()).toBe(2.5);
    expect(i.item()).toBe(0);
    expect(zeros([2, 0]).sort(1)[0].shape).toEqual([2, 0]);
  });
  it('pad validates modes and amounts', () => {
    expect(() => randn([1, 3]).pad([3, 0], { mode: 'reflect' })).toThrow(ValueError);
    expect(() => randn([1, 3]).pad([1], {})).toThrow(/even-length/);
    expect(() => randn([3]).pad([1, 1, 1, 1])).toThrow(ShapeError);
    expect(() => randn([3]).pad([1, 1], { mode: 'wrap' as never })).toThrow(/mode must be/);
    expect(() => randn([3]).pad([1, 1], { fill: 1 } as never)).toThrow(/unknown option 'fill'/);
  });
  it('scatter checks index dtype, rank and range', () => {
    const x = zeros([3]);
    expect(() => x.scatterAdd(0, tensor([0, 1]), tensor([1, 2]))).toThrow(DTypeError);
    expect(() => x.scatterAdd(0, tensor([[0]], { dtype: 'int32' }), tensor([[1]]))).toThrow(ShapeError);
    expect(() => x.scatter(0, tensor([5], { dtype: 'int32' }), 1)).toThrow(IndexError);
  });
  it('flip, roll and repeat of non-contiguous input; gradients by finite differences', async () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]).t();
    expectClose(x.flip(0), [3, 6, 2, 5, 1, 4]);
    expectClose(x.roll(1, 1), [4, 1, 5, 2, 6, 3]);
    expectClose(x.repeat([1, 2]), [1, 4, 1, 4, 2, 5, 2, 5, 3, 6, 3, 6]);
    await gradcheck((a) => a.pad([1, 2], { mode: 'reflect' }), [[2, 4]]);
    await gradcheck((a) => a.cumprod(1), [[2, 4]]);
    await gradcheck((a) => a.cumsum(0), [[3, 2]]);
    await gradcheck(
      (a, b) => einsum('bij,bjk->bik', a, b),
      [
        [2, 2, 3],
        [2, 3, 2],
      ],
    );
  });
  it('nonzero / maskedSelect read synchronously and return int32 coordinates / a 1-D tensor', () => {
    expect(
      tensor([
        [0, 1],
        [2, 0],
      ])
        .nonzero()
        .toArray(),
    ).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(zeros([2, 2]).nonzero().shape).toEqual([0, 2]);
    const m = tensor([true, false]);
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ])
        .maskedSelect(m)
        .toArray(),
    ).toEqual([1, 3]);
  });
});

describe('sort of long rows (the bitonic network)', () => {
  /** A stable JS sort of one row: NaN last (ascending) or first (descending). */
  const reference = (row: number[], descending: boolean): number[] =>
    row
      .map((v, i) => [v, i] as const)
      .sort(([a, i], [b, j]) => {
        const ka = Number.isNaN(a) ? (descending ? -1 : 1) : 0;
        const kb = Number.isNaN(b) ? (descending ? -1 : 1) : 0;
        if (ka !== kb) return ka - kb;
        if (ka === 0 && a !== b) return descending ? b - a : a - b;
        return i - j;
      })
      .map(([, i]) => i);
  for (const descending of [false, true]) {
    it(`matches a stable reference sort (ties, NaN, ±Infinity, rows of 300 and 513), descending=${descending}`, () => {
      for (const n of [300, 513]) {
        const rows = 3;
        const data = Array.from({ length: rows * n }, (_, k) =>
          k % 37 === 0
            ? Number.NaN
            : k % 41 === 0
              ? Number.POSITIVE_INFINITY
              : k % 43 === 0
                ? Number.NEGATIVE_INFINITY
                : Math.round(Math.sin(k) * 20) / 4,
        );
        const x = tensor(data, { shape: [rows, n] });
        const [values, indices] = x.sort(1, descending);
        const idx = Array.from(indices.dataSync());
        const vals = Array.from(values.dataSync());
        for (let r = 0; r < rows; r++) {
          const row = data.slice(r * n, (r + 1) * n);
          const want = reference(row, descending);
          expect(idx.slice(r * n, (r + 1) * n)).toEqual(want);
          want.forEach((i, k) => {
            const v = vals[r * n + k];
            if (Number.isNaN(row[i])) expect(v).toBeNaN();
            else expect(v).toBe(Math.fround(row[i]));
          });
        }
      }
    });
  }
  it('topk over 1000 elements: values, indices and a gradient only at the picked positions', () => {
    const data = Array.from({ length: 1000 }, (_, k) => ((k * 7919) % 1000) / 10);
    const x = tensor(data).requiresGrad_();
    const [v, i] = x.topk(3);
    expect(Array.from(v.dataSync())).toEqual([99.9, 99.8, 99.7].map(Math.fround));
    const picked = Array.from(i.dataSync());
    expect(picked.map((p) => data[p])).toEqual([99.9, 99.8, 99.7]);
    v.sum().backward();
    const g = Array.from(x.grad!.dataSync());
    expect(g.filter((e) => e !== 0).length).toBe(3);
    for (const p of picked) expect(g[p]).toBe(1);
  });
  it('int32 rows sort too', () => {
    const x = tensor(
      Array.from({ length: 400 }, (_, k) => (k * 37) % 400),
      { dtype: 'int32' },
    );
    const [v] = x.sort();
    expect(Array.from(v.dataSync())).toEqual(Array.from({ length: 400 }, (_, k) => k));
  });
});

describe('the extended ops leave nothing behind', () => {
  it('forward and backward inside tidy return memory to where it was', () => {
    const x = randn([2, 3, 4, 5]);
    const before = memory().bytes;
    const tensorsBefore = memory().tensors;
    let leaf: Tensor | null = null;
    tidy(() => {
      const v = x.clone().requiresGrad_();
      leaf = v;
      const parts = [
        v.silu().sum(),
        v.maskedFill(v.gt(0), 0).triu(1).sum(),
        v.atan2(v.add(1)).sum(),
        v.norm(3, [1, 2]).sum(),
        v.cumsum(-1).cumprod(1).sum(),
        v
          .sort(3)[0]
          .mul(randn([2, 3, 4, 5]))
          .sum(),
        v.topk(2, 1)[0].sum(),
        v.pad([1, 1, 2, 0], { mode: 'reflect' }).sum(),
        einsum('bchw,bcwk->bchk', v, v.transpose(2, 3)).sum(),
        v.roll(1, 2).flip(3).repeat([1, 1, 2, 1]).sum(),
        groupNorm(v, 3).sum(),
        interpolate(v, { scaleFactor: 1.5, mode: 'bilinear' }).sum(),
        fold(unfold(v, 2), [4, 5], 2).sum(),
        maxPool2d(v, 2, { ceilMode: true }).sum(),
        conv3d(v.unsqueeze(0), randn([2, 2, 2, 2, 2])).sum(),
      ];
      let total = parts[0];
      for (const p of parts.slice(1)) total = total.add(p);
      total.backward();
      return null;
    });
    // The leaf's .grad is kept out of tidy on purpose (backward keeps it); it is the only survivor.
    const grad = (leaf as Tensor | null)?.grad;
    expect(grad?.shape).toEqual([2, 3, 4, 5]);
    grad?.dispose();
    expect(memory().tensors).toBe(tensorsBefore);
    expect(memory().bytes).toBe(before);
  });
});
