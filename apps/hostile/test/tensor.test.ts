/**
 * Hostile input for @nnet/tensor's public API: creation, elementwise, reductions, views,
 * indexing, matmul, conv, pooling, softmax, joins. Each property generates invalid calls and
 * checks the typed error (see harness.ts).
 */
import * as T from '@nnet/tensor';
import {
  DisposedError,
  DTypeError,
  IndexError,
  MemoryError,
  ShapeError,
  type Tensor,
  ValueError,
} from '@nnet/tensor';
import { afterAll, describe, it } from 'vitest';
import {
  badDim,
  badDType,
  badShape,
  badSize,
  badSizeOrMissing,
  clashingShapes,
  fc,
  hostile,
  hugeShape,
  notTensor,
  notTensorOrNumber,
  tally,
  unknownKey,
} from './harness.js';

const backend = process.env.NNET_BACKEND ?? 'cpu';
/** The public API by name, for calling one op with many hostile arguments. */
const api = { ...T } as unknown as Record<string, (...args: unknown[]) => Tensor>;
const x23 = () => T.rand([2, 3]);
/** A float tensor of a small random shape (rank 1..3). */
const smallShape = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 });

afterAll(() => {
  console.log(
    `[hostile ${backend}] tensor: ${tally.properties} properties, ${tally.cases} invalid calls, classes: ` +
      [...tally.classes].map(([k, v]) => `${k} ${v}`).join(', '),
  );
});

describe(`creation refuses bad sizes, dtypes and options (${backend})`, () => {
  const creators: [string, (shape: unknown, opts?: unknown) => unknown][] = [
    ['zeros', (s, o) => T.zeros(s as number[], o as T.CreateOptions)],
    ['ones', (s, o) => T.ones(s as number[], o as T.CreateOptions)],
    ['full', (s, o) => T.full(s as number[], 2, o as T.CreateOptions)],
    ['rand', (s, o) => T.rand(s as number[], o as T.RandomOptions)],
    ['randn', (s, o) => T.randn(s as number[], o as T.RandomOptions)],
    ['randint', (s, o) => T.randint(0, 5, s as number[], o as T.RandomOptions)],
  ];
  for (const [op, make] of creators) {
    it(`${op}: bad sizes, huge shapes, unknown options, bad dtypes`, () => {
      hostile(badShape, (s) => make(s), { op, cls: ShapeError });
      hostile(fc.constantFrom(3, '2,3', null, { 0: 2 }), (s) => make(s), { op, cls: ShapeError });
      hostile(hugeShape, (s) => make(s), { op, arg: 'bytes', cls: MemoryError }, 10);
      hostile(
        unknownKey,
        (k) => make([2], { [k]: 1 }),
        (k) => ({ op, arg: k, cls: ValueError }),
      );
      hostile(badDType, (d) => make([2], { dtype: d }), { op, cls: DTypeError });
    });
  }
  it('full: a non-number fill value', () => {
    hostile(fc.constantFrom('1', null, {}, [1]), (v) => T.full([2], v as number), {
      op: 'full',
      arg: 'value',
    });
  });
  it('zerosLike/onesLike/fullLike: a plain value instead of a tensor', () => {
    hostile(notTensor, (v) => T.zerosLike(v as Tensor), { op: 'zerosLike', cls: DTypeError });
    hostile(notTensor, (v) => T.fullLike(v as Tensor, 1), { op: 'fullLike', cls: DTypeError });
  });
  it('arange: NaN/Infinity bounds, zero or wrong-way steps, huge ranges', () => {
    const nonFinite = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '5');
    hostile(nonFinite, (v) => T.arange(0, v as number), { op: 'arange', arg: 'end', cls: ValueError });
    hostile(nonFinite, (v) => T.arange(v as number, 5), { op: 'arange', arg: 'start', cls: ValueError });
    hostile(fc.constantFrom(0, Number.NaN, -1), (s) => T.arange(0, 5, s), { op: 'arange', arg: 'step' });
    hostile(
      fc.integer({ min: 2 ** 31, max: 2 ** 40 }),
      (n) => T.arange(0, n),
      { op: 'arange', cls: MemoryError },
      10,
    );
  });
  it('linspace and eye: bad counts and huge sizes', () => {
    hostile(badSizeOrMissing, (n) => T.linspace(0, 1, n as number), { op: 'linspace', arg: 'steps' });
    hostile(fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY), (v) => T.linspace(v, 1, 3), {
      op: 'linspace',
      arg: 'start',
    });
    hostile(
      fc.integer({ min: 2 ** 31, max: 2 ** 40 }),
      (n) => T.linspace(0, 1, n),
      { op: 'linspace', cls: MemoryError },
      10,
    );
    hostile(badSize, (n) => T.eye(n as number), { op: 'eye' });
    hostile(
      fc.integer({ min: 50_000, max: 10_000_000 }),
      (n) => T.eye(n),
      { op: 'eye', cls: MemoryError },
      10,
    );
  });
  it('randint: bad bounds', () => {
    hostile(
      fc.oneof(
        fc.tuple(fc.integer(), fc.integer()).filter(([a, b]) => b <= a),
        fc.constant([0, 2.5]),
      ),
      ([lo, hi]) => T.randint(lo, hi, [2]),
      { op: 'randint', cls: ValueError },
    );
  });
  it('tensor: ragged data, non-numbers, bad options', () => {
    hostile(
      fc.constantFrom<unknown>([[1, 2], [3]], [1, 'a'], [[1], 2], ['x'], [{}], [1, null]),
      (d) => T.tensor(d as number[]),
      { op: 'tensor' },
    );
    hostile(badDType, (d) => T.tensor([1, 2], { dtype: d as T.DType }), { op: 'tensor', cls: DTypeError });
    hostile(
      unknownKey,
      (k) => T.tensor([1], { [k]: 1 } as T.TensorOptions),
      (k) => ({ op: 'tensor', arg: k }),
    );
    hostile(fc.integer({ min: 3, max: 9 }), (n) => T.tensor([1, 2], { shape: [n] }), {
      op: 'tensor',
      cls: ShapeError,
    });
    hostile(fc.constant(0), () => T.tensor([1, 2], { dtype: 'int32', requiresGrad: true }), {
      op: 'tensor',
      cls: DTypeError,
    });
  });
});

describe(`elementwise ops refuse plain values, clashing shapes, disposed tensors (${backend})`, () => {
  const binaries = [
    'add',
    'sub',
    'mul',
    'div',
    'pow',
    'maximum',
    'minimum',
    'eq',
    'lt',
    'ge',
    'logicalAnd',
  ] as const;
  for (const op of binaries) {
    it(op, () => {
      const f = api[op];
      hostile(notTensorOrNumber, (v) => f(x23(), v), { op, cls: DTypeError });
      hostile(notTensorOrNumber, (v) => f(v, x23()), { op, cls: DTypeError });
      hostile(clashingShapes, ([a, b]) => f(T.rand(a), T.rand(b)), { op, cls: ShapeError });
      hostile(
        smallShape,
        (s) => {
          const d = T.rand(s);
          d.dispose();
          return f(d, 1);
        },
        { op, cls: DisposedError },
      );
    });
  }
  it('broadcasting into a huge output', () => {
    hostile(
      fc.tuple(fc.integer({ min: 50_000, max: 200_000 }), fc.integer({ min: 50_000, max: 200_000 })),
      ([a, b]) => T.zeros([a, 1]).add(T.zeros([1, b])),
      { op: 'add', arg: 'bytes', cls: MemoryError },
      5,
    );
  });
  const unaries = [
    'exp',
    'log',
    'sqrt',
    'tanh',
    'sigmoid',
    'relu',
    'neg',
    'abs',
    'floor',
    'logicalNot',
    'sign',
  ] as const;
  for (const op of unaries) {
    it(op, () => {
      const f = api[op];
      hostile(notTensor, (v) => f(v), { op, cls: DTypeError });
    });
  }
  it('to: unsupported dtypes', () => {
    hostile(badDType, (d) => x23().to(d as T.DType), { op: 'to', cls: DTypeError });
  });
  it('where: non-bool conditions and plain values', () => {
    hostile(fc.constantFrom<T.DType>('float32', 'int32'), (d) => T.where(T.zeros([2], { dtype: d }), 1, 0), {
      op: 'where',
      arg: 'condition',
      cls: DTypeError,
    });
    hostile(notTensor, (c) => T.where(c as Tensor, 1, 0), { op: 'where', arg: 'condition', cls: DTypeError });
  });
  it('clamp, leakyRelu, gelu, softplus: bad bounds and options', () => {
    hostile(
      fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: -9, max: 0 })),
      ([lo, hi]) => x23().clamp(lo, hi),
      { op: 'clamp' },
    );
    hostile(fc.constantFrom('exact', 'fast', 1), (a) => x23().gelu({ approximate: a as 'tanh' }), {
      op: 'gelu',
      arg: 'approximate',
    });
    hostile(fc.constantFrom(0, -1, Number.NaN), (b) => x23().softplus({ beta: b }), {
      op: 'softplus',
      arg: 'beta',
    });
    hostile(notTensor, (v) => T.clamp(v as Tensor, 0, 1), { op: 'clamp', cls: DTypeError });
  });
});

describe(`reductions refuse bad dims and dtypes (${backend})`, () => {
  const reducers = ['sum', 'mean', 'max', 'min', 'prod', 'std', 'var', 'logsumexp'] as const;
  for (const op of reducers) {
    it(op, () => {
      const f = api[op];
      hostile(
        fc.tuple(smallShape, fc.constant(0)).chain(([s]) => fc.tuple(fc.constant(s), badDim(s.length))),
        ([s, d]) => f(T.rand(s), d),
        { op, cls: IndexError },
      );
      hostile(notTensor, (v) => f(v, 0), { op, cls: DTypeError });
      hostile(fc.constantFrom('0', { dim: 0 }, true), (d) => f(x23(), d), { op, cls: IndexError });
    });
  }
  it('mean, std, var, logsumexp on integer tensors', () => {
    for (const op of ['mean', 'std', 'var', 'logsumexp'] as const) {
      hostile(fc.constant(0), () => api[op](T.arange(6), 0), { op, cls: DTypeError }, 1);
    }
  });
  it('max/min/argmax over an empty dim', () => {
    hostile(
      fc.constantFrom('max', 'min', 'argmax', 'argmin'),
      (op) => api[op as 'max'](T.zeros([0, 3]), 0),
      (op) => ({ op, cls: ValueError }),
    );
  });
});

describe(`views refuse bad shapes and dims (${backend})`, () => {
  it('reshape/view: sizes that do not multiply, bad sizes, two -1', () => {
    hostile(
      fc.integer({ min: 1, max: 40 }).filter((n) => n !== 6),
      (n) => x23().reshape([n]),
      { op: 'reshape', cls: ShapeError },
    );
    hostile(
      badShape.filter((s) => !s.includes(-1)),
      (s) => x23().reshape(s as number[]),
      { op: 'reshape', cls: ShapeError },
    );
    hostile(fc.constant(0), () => x23().reshape([-1, -1]), { op: 'reshape', cls: ShapeError }, 1);
    hostile(fc.constant(0), () => x23().t().view([6]), { op: 'view', cls: ShapeError }, 1);
  });
  it('transpose/permute/squeeze/unsqueeze/flatten/select/narrow/slice: bad dims and indices', () => {
    hostile(badDim(2), (d) => x23().transpose(d as number, 0), { op: 'transpose', cls: IndexError });
    hostile(fc.constantFrom([0], [0, 0], [0, 2], [1, 0, 2]), (p) => x23().permute(p), { op: 'permute' });
    hostile(badDim(2), (d) => x23().squeeze(d as number), { op: 'squeeze', cls: IndexError });
    hostile(badDim(3), (d) => x23().unsqueeze(d as number), { op: 'unsqueeze', cls: IndexError });
    hostile(badDim(2), (d) => x23().flatten(d as number), { op: 'flatten', cls: IndexError });
    hostile(
      fc.oneof(fc.integer({ min: 3, max: 99 }), fc.integer({ min: -99, max: -4 }), fc.constant(0.5)),
      (i) => x23().select(1, i),
      { op: 'select', cls: IndexError },
    );
    hostile(
      fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 4, max: 9 })),
      ([s, l]) => x23().narrow(1, s, l),
      { op: 'narrow', cls: IndexError },
    );
    hostile(fc.constantFrom(0, -1, 0.5, Number.NaN), (st) => x23().slice(1, 0, 3, st), {
      op: 'slice',
      arg: 'step',
      cls: ValueError,
    });
  });
  it('expand: incompatible sizes, bad sizes, and a huge materialisation', () => {
    hostile(fc.integer({ min: 4, max: 9 }), (n) => x23().expand([2, n]), { op: 'expand', cls: ShapeError });
    hostile(
      badSize.filter((v) => v !== -1),
      (n) => T.zeros([1]).expand([n as number]),
      { op: 'expand', cls: ShapeError },
    );
    hostile(
      fc.integer({ min: 2 ** 31, max: 2 ** 36 }),
      (n) => T.zeros([1]).expand([n]).contiguous(),
      { op: 'contiguous', cls: MemoryError },
      5,
    );
  });
  it('views of plain values', () => {
    for (const op of [
      'reshape',
      'transpose',
      'squeeze',
      'flatten',
      'contiguous',
      'clone',
      'detach',
    ] as const) {
      hostile(notTensor, (v) => api[op](v, op === 'reshape' ? [1] : 0, 0), { op, cls: DTypeError }, 5);
    }
  });
});

describe(`indexing, matmul, softmax, joins (${backend})`, () => {
  it('gather/indexSelect: float indices, out-of-range indices, wrong ranks', () => {
    hostile(
      fc.constantFrom<T.DType>('float32', 'bool'),
      (d) => x23().gather(1, T.zeros([2, 1], { dtype: d })),
      { op: 'gather', arg: 'index', cls: DTypeError },
    );
    hostile(
      fc.oneof(fc.integer({ min: 3, max: 1000 }), fc.integer({ min: -1000, max: -1 })),
      (i) => x23().indexSelect(1, T.tensor([i], { dtype: 'int32' })),
      { op: 'indexSelect', cls: IndexError },
    );
    hostile(
      fc.oneof(fc.integer({ min: 3, max: 1000 }), fc.integer({ min: -1000, max: -1 })),
      (i) => x23().gather(1, T.tensor([[i], [0]], { dtype: 'int32' })),
      { op: 'gather', cls: IndexError },
    );
    hostile(notTensor, (v) => x23().indexSelect(0, v as Tensor), {
      op: 'indexSelect',
      arg: 'index',
      cls: DTypeError,
    });
  });
  it('oneHot: huge class counts are refused before the comparison is built', () => {
    hostile(
      fc.integer({ min: 2 ** 31, max: 2 ** 40 }),
      (n) => T.oneHot(T.tensor([1, 2], { dtype: 'int32' }), n),
      { op: 'oneHot', arg: 'bytes', cls: MemoryError },
      5,
    );
    hostile(fc.constantFrom(1.5, -2, Number.NaN), (n) => T.oneHot(T.tensor([0], { dtype: 'int32' }), n), {
      op: 'oneHot',
      arg: 'numClasses',
    });
  });
  it('matmul: mismatched inner dims, int dtypes, plain values, huge outputs', () => {
    hostile(
      fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })).filter(([a, b]) => a !== b),
      ([k1, k2]) => T.rand([2, k1]).matmul(T.rand([k2, 3])),
      { op: 'matmul', cls: ShapeError },
    );
    hostile(
      fc.constant(0),
      () =>
        T.arange(6)
          .reshape([2, 3])
          .matmul(T.rand([3, 2])),
      { op: 'matmul', cls: DTypeError },
      1,
    );
    hostile(notTensor, (v) => T.matmul(x23(), v as Tensor), { op: 'matmul', arg: 'other', cls: DTypeError });
    hostile(
      fc.integer({ min: 50_000, max: 500_000 }),
      (n) => T.zeros([n, 1]).matmul(T.zeros([1, n])),
      { op: 'matmul', arg: 'bytes', cls: MemoryError },
      5,
    );
  });
  it('softmax/logSoftmax: bad dims, int dtypes, plain values', () => {
    for (const op of ['softmax', 'logSoftmax'] as const) {
      hostile(badDim(2), (d) => api[op](x23(), d as number), { op, cls: IndexError });
      hostile(fc.constant(0), () => api[op](T.arange(3), 0), { op, cls: DTypeError }, 1);
      hostile(notTensor, (v) => api[op](v as Tensor, 0), { op, cls: DTypeError });
    }
  });
  it('cat/stack/split/chunk: empty lists, clashing shapes, bad sizes', () => {
    hostile(fc.constantFrom<unknown>([], null, 'x', [1, 2]), (l) => T.cat(l as Tensor[]), { op: 'cat' });
    hostile(clashingShapes, ([a, b]) => T.cat([T.rand([...a, 2]), T.rand([...b, 2])], -1), {
      op: 'cat',
      cls: ShapeError,
    });
    hostile(clashingShapes, ([a, b]) => T.stack([T.rand(a), T.rand(b)]), { op: 'stack', cls: ShapeError });
    hostile(
      badSize.filter((v) => typeof v === 'number'),
      (n) => x23().split(n as number, 1),
      { op: 'split' },
    );
    hostile(
      badSize.filter((v) => typeof v === 'number'),
      (n) => x23().chunk(n as number),
      { op: 'chunk' },
    );
  });
});

describe(`conv2d and pooling (${backend})`, () => {
  const img = () => T.rand([1, 2, 5, 5]);
  const w = () => T.rand([4, 2, 3, 3]);
  it('conv2d: channel mismatches, bad stride/padding/dilation/groups, unknown options, bad ranks', () => {
    hostile(
      fc.integer({ min: 1, max: 6 }).filter((c) => c !== 2),
      (c) => T.conv2d(img(), T.rand([4, c, 3, 3])),
      { op: 'conv2d', cls: ShapeError },
    );
    for (const key of ['stride', 'padding', 'dilation', 'groups'] as const) {
      hostile(
        badSize
          .filter((v) => !(key === 'padding' && (v === 'same' || v === 'valid')))
          .filter((v) => !(key !== 'padding' && v === 1))
          .filter((v) => !(key === 'padding' && v === 0)),
        (v) => T.conv2d(img(), w(), null, { [key]: v }),
        { op: 'conv2d', arg: key },
      );
    }
    hostile(
      unknownKey,
      (k) => T.conv2d(img(), w(), null, { [k]: 1 } as T.Conv2dOptions),
      (k) => ({ op: 'conv2d', arg: k, cls: ValueError }),
    );
    hostile(fc.constantFrom([5], [2, 5], [1, 1, 2, 5, 5]), (s) => T.conv2d(T.rand(s), w()), {
      op: 'conv2d',
      cls: ShapeError,
    });
    hostile(notTensor, (v) => T.conv2d(img(), v as Tensor), { op: 'conv2d', arg: 'weight', cls: DTypeError });
    hostile(fc.integer({ min: 6, max: 20 }), (k) => T.conv2d(img(), T.rand([1, 2, k, k])), { op: 'conv2d' });
  });
  it('maxPool2d/avgPool2d: bad kernel sizes, strides, padding, unknown options', () => {
    for (const op of ['maxPool2d', 'avgPool2d'] as const) {
      hostile(badSizeOrMissing, (k) => api[op](img(), k as number), { op, arg: 'kernelSize' });
      hostile(
        badSize.filter((v) => v !== undefined),
        (s) => api[op](img(), 2, { stride: s as number }),
        { op, arg: 'stride' },
      );
      hostile(fc.integer({ min: 2, max: 9 }), (p) => api[op](img(), 2, { padding: p }), {
        op,
        arg: 'padding',
      });
      hostile(
        unknownKey,
        (k) => api[op](img(), 2, { [k]: 1 } as T.MaxPool2dOptions),
        (k) => ({ op, arg: k, cls: ValueError }),
      );
      hostile(notTensor, (v) => api[op](v as Tensor, 2), { op, cls: DTypeError });
    }
  });
});

describe(`autograd and debug switches (${backend})`, () => {
  it('backward: non-scalar without a gradient, mismatched gradients, no grad', () => {
    hostile(
      smallShape.filter((s) => s.reduce((a, b) => a * b, 1) > 1),
      (s) => T.rand(s, { requiresGrad: true }).mul(2).backward(),
      { op: 'backward' },
    );
    hostile(fc.constant(0), () => T.rand([2]).sum().backward(), { op: 'backward' }, 1);
  });
  it('setDebug: unknown keys and non-boolean values', () => {
    hostile(
      unknownKey,
      (k) => T.setDebug({ [k]: true } as T.DebugOptions),
      (k) => ({ op: 'setDebug', arg: k, cls: ValueError }),
    );
    hostile(fc.constantFrom(1, 'yes', null), (v) => T.setDebug({ detectAnomaly: v as unknown as boolean }), {
      op: 'setDebug',
      arg: 'detectAnomaly',
    });
  });
});
