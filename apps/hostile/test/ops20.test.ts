/**
 * Hostile input for the ops of issue 20 (scans and selection, shape ops, einsum, unfold/fold,
 * interpolate, conv1d/conv3d, 1-D and adaptive pooling, the normalisations, the new activations
 * and math ops, the new losses and their layers): every invalid call throws an nnet error class
 * whose message starts with the op the user called, names the offending argument and says what
 * to do (see harness.ts).
 */
import { Conv1d, Conv3d, GroupNorm, InstanceNorm1d, PReLU, RMSNorm } from '@nnet/layers';
import {
  cosineEmbedding,
  ctc,
  gaussianNll,
  hingeEmbedding,
  marginRanking,
  multiLabelSoftMargin,
  poissonNll,
  tripletMargin,
} from '@nnet/loss';
import * as T from '@nnet/tensor';
import { DTypeError, IndexError, ShapeError, type Tensor, ValueError } from '@nnet/tensor';
import { afterAll, afterEach, describe, it } from 'vitest';
import { badDim, badSize, hostile as checkProperty, fc, notTensor, tally, unknownKey } from './harness.js';

/**
 * Each property of a test runs even when an earlier one failed, and the test fails listing them
 * all, so one run shows every finding rather than the first per test.
 */
const failures: string[] = [];
const hostile: typeof checkProperty = (...args) => {
  try {
    checkProperty(...args);
  } catch (e) {
    const message = (e as Error).message;
    const known = KNOWN_TENSOR_FINDINGS.find(([pattern]) => pattern.test(message));
    if (known) {
      seen.add(known[1]);
      console.log('KNOWN', message.slice(0, 200));
    } else failures.push(message);
  }
};
afterEach(() => {
  if (failures.length > 0) throw new Error(failures.splice(0).join('\n'));
});

/**
 * Findings in @nnet/tensor (not this suite's to fix), reported to its owner: a failure matching
 * one is tallied instead of failing its test, and every entry must still occur (the last test
 * below), so a fixed one is noticed and removed from this list.
 */
const KNOWN_TENSOR_FINDINGS: [RegExp, string][] = [];
const seen = new Set<string>();

const backend = process.env.NNET_BACKEND ?? 'cpu';
/** The public API by name, for calling one op with many hostile arguments. */
const api = { ...T } as unknown as Record<string, (...args: unknown[]) => unknown>;
const x23 = () => T.rand([2, 3]);
const int = (v: number[], shape?: number[]) => T.tensor(v, { dtype: 'int32', shape });

afterAll(() => {
  console.log(
    `[hostile ${backend}] ops20: ${tally.properties} properties, ${tally.cases} invalid calls, classes: ` +
      [...tally.classes].map(([k, v]) => `${k} ${v}`).join(', '),
  );
});

describe(`every new op refuses a plain value where a tensor belongs (${backend})`, () => {
  // [op, call with the tensor argument replaced by v]
  const calls: [string, (v: unknown) => unknown][] = [
    ['cumsum', (v) => T.cumsum(v as Tensor, 0)],
    ['cumprod', (v) => T.cumprod(v as Tensor, 0)],
    ['topk', (v) => T.topk(v as Tensor, 1)],
    ['sort', (v) => T.sort(v as Tensor)],
    ['argsort', (v) => T.argsort(v as Tensor)],
    ['median', (v) => T.median(v as Tensor)],
    ['nonzero', (v) => T.nonzero(v as Tensor)],
    ['maskedSelect', (v) => T.maskedSelect(v as Tensor, T.ones([2], { dtype: 'bool' }))],
    ['scatter', (v) => T.scatter(v as Tensor, 0, int([0]), 1)],
    ['scatterAdd', (v) => T.scatterAdd(v as Tensor, 0, int([0]), T.ones([1]))],
    ['indexAdd', (v) => T.indexAdd(v as Tensor, 0, int([0]), T.ones([1]))],
    ['all', (v) => T.all(v as Tensor)],
    ['any', (v) => T.any(v as Tensor)],
    ['repeat', (v) => T.repeat(v as Tensor, [2])],
    ['tile', (v) => T.tile(v as Tensor, [2])],
    ['flip', (v) => T.flip(v as Tensor, 0)],
    ['roll', (v) => T.roll(v as Tensor, 1, 0)],
    ['pad', (v) => T.pad(v as Tensor, [1, 1])],
    ['tril', (v) => T.tril(v as Tensor)],
    ['triu', (v) => T.triu(v as Tensor)],
    ['diag', (v) => T.diag(v as Tensor)],
    ['outer', (v) => T.outer(v as Tensor, T.ones([2]))],
    ['einsum', (v) => T.einsum('ij->ji', v as Tensor)],
    ['unfold', (v) => T.unfold(v as Tensor, 2)],
    ['fold', (v) => T.fold(v as Tensor, 3, 2)],
    ['interpolate', (v) => T.interpolate(v as Tensor, { size: 4 })],
    ['conv1d', (v) => T.conv1d(v as Tensor, T.ones([1, 1, 2]))],
    ['conv3d', (v) => T.conv3d(v as Tensor, T.ones([1, 1, 1, 1, 1]))],
    ['maxPool1d', (v) => T.maxPool1d(v as Tensor, 2)],
    ['avgPool1d', (v) => T.avgPool1d(v as Tensor, 2)],
    ['adaptiveAvgPool1d', (v) => T.adaptiveAvgPool1d(v as Tensor, 2)],
    ['adaptiveMaxPool1d', (v) => T.adaptiveMaxPool1d(v as Tensor, 2)],
    ['adaptiveMaxPool2d', (v) => T.adaptiveMaxPool2d(v as Tensor, 2)],
    ['groupNorm', (v) => T.groupNorm(v as Tensor, 1)],
    ['instanceNorm', (v) => T.instanceNorm(v as Tensor)],
    ['rmsNorm', (v) => T.rmsNorm(v as Tensor, [3])],
    ['layerNorm', (v) => T.layerNorm(v as Tensor, [3])],
    ['batchNorm', (v) => T.batchNorm(v as Tensor)],
    ['prelu', (v) => T.prelu(v as Tensor, T.ones([1]))],
    ['lerp', (v) => T.lerp(v as Tensor, T.ones([2]), 0.5)],
    ['addcmul', (v) => T.addcmul(v as Tensor, T.ones([2]), T.ones([2]))],
    ['addcdiv', (v) => T.addcdiv(v as Tensor, T.ones([2]), T.ones([2]))],
    ['norm', (v) => T.norm(v as Tensor)],
    ['cosineSimilarity', (v) => T.cosineSimilarity(v as Tensor, T.ones([2, 3]))],
    ['cdist', (v) => T.cdist(v as Tensor, T.ones([2, 3]))],
  ];
  const unary = [
    'silu',
    'elu',
    'selu',
    'mish',
    'hardtanh',
    'relu6',
    'hardswish',
    'hardsigmoid',
    'softsign',
    'logsigmoid',
    'glu',
    'tan',
    'asin',
    'acos',
    'atan',
    'sinh',
    'cosh',
    'asinh',
    'acosh',
    'atanh',
    'expm1',
    'log2',
    'log10',
    'trunc',
  ];
  for (const op of unary) calls.push([op, (v) => api[op](v)]);
  for (const op of ['atan2', 'fmod', 'remainder', 'floorDivide', 'logaddexp', 'xlogy']) {
    calls.push([op, (v) => api[op](x23(), typeof v === 'number' ? [v] : v)]);
  }
  for (const [op, call] of calls) {
    it(op, () => {
      hostile(
        notTensor.filter((v) => typeof v !== 'number'),
        call,
        { op, cls: DTypeError },
        8,
      );
    });
  }
});

describe(`scans, selection and scatter (${backend})`, () => {
  it('cumsum/cumprod/sort/argsort/median/glu/flip: dims out of range or not integers', () => {
    const dimOps: [string, (x: Tensor, d: unknown) => unknown][] = [
      ['cumsum', (x, d) => T.cumsum(x, d as number)],
      ['cumprod', (x, d) => T.cumprod(x, d as number)],
      ['sort', (x, d) => T.sort(x, d as number)],
      ['argsort', (x, d) => T.argsort(x, d as number)],
      ['median', (x, d) => T.median(x, d as number)],
      ['glu', (x, d) => T.glu(x, d as number)],
      ['flip', (x, d) => T.flip(x, d as number)],
      ['all', (x, d) => T.all(x, d as number)],
      ['any', (x, d) => T.any(x, d as number)],
      ['cosineSimilarity', (x, d) => T.cosineSimilarity(x, x, d as number)],
    ];
    for (const [op, f] of dimOps) {
      hostile(badDim(2), (d) => f(T.rand([2, 4]), d), { op, cls: IndexError }, 10);
    }
  });
  it('topk: k out of range or not an integer', () => {
    hostile(
      fc.oneof(
        fc.integer({ min: 5, max: 100 }),
        fc.integer({ min: -100, max: -1 }),
        fc.constantFrom(1.5, Number.NaN, '2'),
      ),
      (k) => T.topk(T.rand([2, 4]), k as number),
      { op: 'topk', arg: 'k' },
    );
  });
  it('median of an empty tensor', () => {
    hostile(fc.constant(0), () => T.median(T.zeros([0])), { op: 'median', cls: ValueError }, 1);
  });
  it('maskedSelect: a non-bool mask, a mask that does not broadcast', () => {
    hostile(
      fc.constantFrom<T.DType>('float32', 'int32'),
      (d) => T.maskedSelect(x23(), T.ones([2, 3], { dtype: d })),
      {
        op: 'maskedSelect',
        arg: 'mask',
        cls: DTypeError,
      },
    );
    hostile(fc.integer({ min: 4, max: 9 }), (n) => T.maskedSelect(x23(), T.ones([n], { dtype: 'bool' })), {
      op: 'maskedSelect',
      cls: ShapeError,
    });
  });
  it('scatter/scatterAdd/indexAdd: float indices, out-of-range indices, bad dims, clashing sources', () => {
    const ops: [string, (x: Tensor, dim: number, idx: Tensor, src: Tensor) => unknown][] = [
      ['scatter', (x, d, i, s) => T.scatter(x, d, i, s)],
      ['scatterAdd', (x, d, i, s) => T.scatterAdd(x, d, i, s)],
      ['indexAdd', (x, d, i, s) => T.indexAdd(x, d, i, s)],
    ];
    for (const [op, f] of ops) {
      hostile(
        fc.constant(0),
        () => f(T.zeros([3]), 0, T.tensor([0, 1]), T.ones([2])),
        { op, arg: 'index', cls: DTypeError },
        1,
      );
      hostile(
        fc.oneof(fc.integer({ min: 3, max: 50 }), fc.integer({ min: -50, max: -4 })),
        (i) => f(T.zeros([3]), 0, int([0, i]), T.ones([2])),
        { op, cls: IndexError },
        8,
      );
      hostile(
        badDim(1),
        (d) => f(T.zeros([3]), d as number, int([0]), T.ones([1])),
        { op, cls: IndexError },
        8,
      );
    }
    hostile(
      fc.integer({ min: 3, max: 6 }),
      (n) => T.indexAdd(T.zeros([3, 2]), 0, int([0, 1]), T.ones([2, n])),
      { op: 'indexAdd', arg: 'source', cls: ShapeError },
    );
    hostile(
      fc.constantFrom('1', null, {}),
      (a) => T.indexAdd(T.zeros([3]), 0, int([0]), T.ones([1]), a as number),
      {
        op: 'indexAdd',
        arg: 'alpha',
      },
    );
  });
});

describe(`shape ops (${backend})`, () => {
  it('repeat/tile: bad counts, too few repeats, huge results', () => {
    for (const op of ['repeat', 'tile'] as const) {
      hostile(
        fc.tuple(badSize, fc.integer({ min: 1, max: 3 })),
        ([bad, good]) => api[op](x23(), [good, bad]),
        { op, cls: ValueError },
      );
      hostile(
        fc.tuple(fc.integer({ min: 100_000, max: 1_000_000 }), fc.integer({ min: 100_000, max: 1_000_000 })),
        (r) => api[op](x23(), r),
        { op, arg: 'bytes' },
        5,
      );
    }
    hostile(fc.integer({ min: 1, max: 3 }), (r) => T.repeat(x23(), [r]), {
      op: 'repeat',
      arg: 'repeats',
      cls: ShapeError,
    });
  });
  it('flip/roll: repeated dims, shifts and dims of different lengths, fractional shifts', () => {
    hostile(fc.constantFrom([0, 0], [1, -1]), (d) => T.flip(x23(), d), { op: 'flip', arg: /dim/ });
    hostile(
      fc.constantFrom<[number[], number[]]>([[1, 2], [0]], [[1], [0, 1]]),
      ([s, d]) => T.roll(x23(), s, d),
      {
        op: 'roll',
        arg: 'shifts',
      },
    );
    hostile(fc.constantFrom(1.5, Number.NaN, '1'), (s) => T.roll(x23(), s as number, 0), {
      op: 'roll',
      arg: 'shifts',
    });
    hostile(badDim(2), (d) => T.roll(x23(), 1, d as number), { op: 'roll', cls: IndexError }, 8);
  });
  it('pad: odd lists, too many pairs, bad modes, reflect padding as large as the dim, unknown options', () => {
    hostile(fc.constantFrom([1], [1, 1, 1], [1.5, 0], [Number.NaN, 1]), (p) => T.pad(x23(), p), {
      op: 'pad',
      arg: 'padding',
    });
    hostile(fc.constant([1, 1, 1, 1, 1, 1]), (p) => T.pad(x23(), p), { op: 'pad', arg: 'padding' }, 1);
    hostile(
      fc.constantFrom('zeros', 'mirror', 'Reflect', 3),
      (m) => T.pad(x23(), [1, 1], { mode: m as 'reflect' }),
      {
        op: 'pad',
        arg: 'mode',
      },
    );
    hostile(fc.integer({ min: 3, max: 9 }), (n) => T.pad(x23(), [n, 0], { mode: 'reflect' }), {
      op: 'pad',
      arg: 'reflect',
    });
    hostile(
      unknownKey,
      (k) => T.pad(x23(), [1, 1], { [k]: 1 } as T.PadOptions),
      { op: 'pad', arg: 'unknown option' },
      8,
    );
  });
  it('tril/triu/diag: wrong ranks, fractional diagonals', () => {
    for (const op of ['tril', 'triu'] as const) {
      hostile(fc.constantFrom([3], [], [0]), (s) => api[op](T.rand(s)), { op, cls: ShapeError });
      hostile(fc.constantFrom(0.5, Number.NaN, '1'), (d) => api[op](x23(), d), { op, arg: 'diagonal' });
    }
    hostile(fc.constantFrom([2, 2, 2], []), (s) => T.diag(T.rand(s)), { op: 'diag', cls: ShapeError });
    hostile(fc.constantFrom(0.5, Number.NaN, '1'), (d) => T.diag(x23(), d as number), {
      op: 'diag',
      arg: 'diagonal',
    });
  });
  it('outer: inputs that are not vectors', () => {
    hostile(fc.constantFrom([2, 2], [], [1, 2, 3]), (s) => T.outer(T.rand(s), T.rand([2])), {
      op: 'outer',
      cls: ShapeError,
    });
  });
  it('einsum: malformed equations, wrong operand counts, clashing sizes', () => {
    hostile(
      fc.constantFrom('ij->ik->k', 'i j->j', 'iJ2->i', 'ij->iz', 'ii->iii', '..i->i', 'ij->jj', ''),
      (eq) => T.einsum(eq, T.rand([2, 2]), T.rand([2, 2])),
      { op: 'einsum', arg: 'equation' },
    );
    hostile(fc.constantFrom('ij->j', 'ij,jk,kl->il'), (eq) => T.einsum(eq, T.rand([2, 3]), T.rand([3, 2])), {
      op: 'einsum',
    });
    hostile(fc.integer({ min: 4, max: 9 }), (n) => T.einsum('ij,jk->ik', T.rand([2, 3]), T.rand([n, 2])), {
      op: 'einsum',
      arg: 'subscript',
    });
  });
  it('unfold/fold: bad kernel sizes, wrong ranks, columns that do not match the output size', () => {
    hostile(
      badSize,
      (k) => T.unfold(T.rand([1, 1, 4, 4]), k as number),
      { op: 'unfold', arg: 'kernelSize' },
      10,
    );
    hostile(fc.constantFrom([4, 4], [4], [1, 1, 1, 4, 4]), (s) => T.unfold(T.rand(s), 2), {
      op: 'unfold',
      cls: ShapeError,
    });
    hostile(fc.integer({ min: 5, max: 9 }), (k) => T.unfold(T.rand([1, 1, 4, 4]), k), { op: 'unfold' });
    hostile(fc.integer({ min: 1, max: 8 }), (l) => T.fold(T.rand([1, 4, l + (l === 4 ? 1 : 0)]), 3, 2), {
      op: 'fold',
      cls: ShapeError,
    });
    hostile(
      unknownKey,
      (k) => T.unfold(T.rand([1, 1, 4, 4]), 2, { [k]: 1 } as T.PatchOptions),
      { op: 'unfold', arg: 'unknown option' },
      8,
    );
  });
  it('interpolate: size and scale both or neither, unknown modes, alignCorners with nearest, wrong ranks', () => {
    const x = () => T.rand([1, 1, 4]);
    hostile(fc.constant(0), () => T.interpolate(x(), { size: 8, scaleFactor: 2 }), { op: 'interpolate' }, 1);
    hostile(fc.constant(0), () => T.interpolate(x(), {}), { op: 'interpolate' }, 1);
    hostile(
      fc.constantFrom('cubic', 'Linear', 'area2', 7),
      (m) => T.interpolate(x(), { size: 8, mode: m as 'linear' }),
      {
        op: 'interpolate',
        arg: 'mode',
      },
    );
    hostile(
      fc.constant(0),
      () => T.interpolate(x(), { size: 8, mode: 'nearest', alignCorners: true }),
      { op: 'interpolate', arg: 'alignCorners' },
      1,
    );
    hostile(
      badSize,
      (s) => T.interpolate(x(), { size: s as number }),
      { op: 'interpolate', arg: 'size' },
      10,
    );
    hostile(
      fc.constantFrom(0, -2, Number.NaN, Number.POSITIVE_INFINITY),
      (f) => T.interpolate(x(), { scaleFactor: f }),
      { op: 'interpolate', arg: 'scaleFactor' },
    );
    hostile(fc.constantFrom([4], [2, 4]), (s) => T.interpolate(T.rand(s), { size: 8 }), {
      op: 'interpolate',
      cls: ShapeError,
    });
    hostile(
      unknownKey,
      (k) => T.interpolate(x(), { size: 8, [k]: 1 } as T.InterpolateOptions),
      { op: 'interpolate', arg: 'unknown option' },
      8,
    );
  });
});

describe(`conv1d/conv3d, 1-D and adaptive pooling (${backend})`, () => {
  it('conv1d: channel mismatches, bad ranks, bad stride/padding/groups, unknown options', () => {
    hostile(fc.integer({ min: 2, max: 5 }), (c) => T.conv1d(T.rand([1, 1, 5]), T.rand([1, c, 2])), {
      op: 'conv1d',
      cls: ShapeError,
    });
    hostile(fc.constantFrom([5], [1, 1, 1, 5]), (s) => T.conv1d(T.rand(s), T.rand([1, 1, 2])), {
      op: 'conv1d',
      cls: ShapeError,
    });
    hostile(
      badSize,
      (s) => T.conv1d(T.rand([1, 1, 5]), T.rand([1, 1, 2]), null, { stride: s as number }),
      { op: 'conv1d', arg: 'stride' },
      10,
    );
    hostile(
      fc.constantFrom(-1, 1.5, 'full'),
      (p) => T.conv1d(T.rand([1, 1, 5]), T.rand([1, 1, 2]), null, { padding: p as number }),
      { op: 'conv1d', arg: 'padding' },
    );
    hostile(
      fc.constantFrom(2, 3),
      (g) => T.conv1d(T.rand([1, 3, 5]), T.rand([2, 1, 2]), null, { groups: g }),
      { op: 'conv1d' },
    );
    hostile(
      unknownKey,
      (k) => T.conv1d(T.rand([1, 1, 5]), T.rand([1, 1, 2]), null, { [k]: 1 } as T.Conv1dOptions),
      { op: 'conv1d', arg: 'unknown option' },
      8,
    );
    hostile(fc.integer({ min: 6, max: 9 }), (k) => T.conv1d(T.rand([1, 1, 5]), T.rand([1, 1, k])), {
      op: 'conv1d',
    });
  });
  it('conv3d: channel mismatches, bad ranks, bad stride, unknown options', () => {
    hostile(
      fc.integer({ min: 2, max: 4 }),
      (c) => T.conv3d(T.rand([1, 1, 3, 3, 3]), T.rand([1, c, 2, 2, 2])),
      { op: 'conv3d', cls: ShapeError },
    );
    hostile(fc.constantFrom([3, 3, 3], [3, 3]), (s) => T.conv3d(T.rand(s), T.rand([1, 1, 2, 2, 2])), {
      op: 'conv3d',
      cls: ShapeError,
    });
    hostile(
      badSize,
      (s) => T.conv3d(T.rand([1, 1, 3, 3, 3]), T.rand([1, 1, 2, 2, 2]), null, { stride: s as number }),
      { op: 'conv3d', arg: 'stride' },
      10,
    );
    hostile(
      unknownKey,
      (k) => T.conv3d(T.rand([1, 1, 3, 3, 3]), T.rand([1, 1, 2, 2, 2]), null, { [k]: 1 } as T.Conv3dOptions),
      { op: 'conv3d', arg: 'unknown option' },
      8,
    );
  });
  it('maxPool1d/avgPool1d: bad kernels and strides, too much padding, wrong ranks, unknown options', () => {
    for (const op of ['maxPool1d', 'avgPool1d'] as const) {
      const f = api[op];
      hostile(badSize, (k) => f(T.rand([1, 1, 6]), k), { op, arg: 'kernelSize' }, 10);
      hostile(badSize, (s) => f(T.rand([1, 1, 6]), 2, { stride: s }), { op, arg: 'stride' }, 10);
      hostile(fc.integer({ min: 2, max: 5 }), (p) => f(T.rand([1, 1, 6]), 2, { padding: p }), {
        op,
        arg: 'padding',
      });
      hostile(fc.constantFrom([6], [1, 1, 1, 6]), (s) => f(T.rand(s), 2), { op, cls: ShapeError });
      hostile(unknownKey, (k) => f(T.rand([1, 1, 6]), 2, { [k]: 1 }), { op, arg: 'unknown option' }, 8);
    }
  });
  it('adaptive pooling: bad output sizes, wrong ranks', () => {
    for (const op of ['adaptiveAvgPool1d', 'adaptiveMaxPool1d'] as const) {
      hostile(badSize, (s) => api[op](T.rand([1, 1, 6]), s), { op, arg: 'outputSize' }, 10);
      hostile(fc.constantFrom([6], [1, 1, 1, 6]), (s) => api[op](T.rand(s), 2), { op, cls: ShapeError });
    }
    for (const op of ['adaptiveAvgPool2d', 'adaptiveMaxPool2d'] as const) {
      hostile(badSize, (s) => api[op](T.rand([1, 1, 4, 4]), s), { op, arg: 'outputSize' }, 10);
      hostile(fc.constantFrom([4], [4, 4]), (s) => api[op](T.rand(s), 2), { op, cls: ShapeError });
    }
  });
});

describe(`normalisations and their layers (${backend})`, () => {
  it('groupNorm: groups that do not divide the channels, bad counts, weights of the wrong size', () => {
    hostile(fc.constantFrom(4, 5), (g) => T.groupNorm(T.rand([2, 6, 3]), g), {
      op: 'groupNorm',
      arg: 'numGroups',
    });
    hostile(
      badSize,
      (g) => T.groupNorm(T.rand([2, 6, 3]), g as number),
      { op: 'groupNorm', arg: 'numGroups' },
      10,
    );
    hostile(
      fc.integer({ min: 1, max: 5 }),
      (c) => T.groupNorm(T.rand([2, 6, 3]), 2, { weight: T.ones([c]) }),
      { op: 'groupNorm', arg: 'weight', cls: ShapeError },
    );
    hostile(
      unknownKey,
      (k) => T.groupNorm(T.rand([2, 6, 3]), 2, { [k]: 1 } as T.GroupNormOptions),
      { op: 'groupNorm', arg: 'unknown option' },
      8,
    );
  });
  it('instanceNorm/batchNorm: running statistics of the wrong size, wrong ranks, unknown options', () => {
    hostile(
      fc.integer({ min: 1, max: 2 }),
      (c) => T.instanceNorm(T.rand([2, 3, 4]), { runningMean: T.zeros([c]), runningVar: T.ones([c]) }),
      {
        op: 'instanceNorm',
        cls: ShapeError,
      },
    );
    hostile(fc.constantFrom([3], []), (s) => T.instanceNorm(T.rand(s)), {
      op: 'instanceNorm',
      cls: ShapeError,
    });
    hostile(
      fc.integer({ min: 1, max: 2 }),
      (c) => T.batchNorm(T.rand([2, 3, 4]), { runningMean: T.zeros([c]), runningVar: T.ones([c]) }),
      {
        op: 'batchNorm',
        cls: ShapeError,
      },
    );
    hostile(
      unknownKey,
      (k) => T.batchNorm(T.rand([2, 3]), { [k]: 1 } as T.BatchNormFnOptions),
      { op: 'batchNorm', arg: 'unknown option' },
      8,
    );
  });
  it('rmsNorm/layerNorm: normalized shapes that are not the trailing dims, weights of the wrong shape', () => {
    for (const op of ['rmsNorm', 'layerNorm'] as const) {
      hostile(fc.constantFrom([2], [4], [2, 4], [1, 2, 3, 4]), (s) => api[op](x23(), s), {
        op,
        arg: 'normalizedShape',
        cls: ShapeError,
      });
      hostile(fc.integer({ min: 4, max: 6 }), (n) => api[op](x23(), [3], { weight: T.ones([n]) }), {
        op,
        arg: 'weight',
        cls: ShapeError,
      });
      hostile(fc.constantFrom('1e-5', null, {}), (e) => api[op](x23(), [3], { eps: e }), {
        op,
        arg: 'eps',
      });
    }
  });
  it('GroupNorm/InstanceNorm1d/RMSNorm/Conv1d/Conv3d/PReLU layers: inputs of the wrong shape', () => {
    hostile(fc.integer({ min: 1, max: 3 }), (c) => new GroupNorm(2, 4).forward(T.rand([2, c, 3])), {
      op: 'GroupNorm',
      cls: ShapeError,
    });
    hostile(fc.integer({ min: 1, max: 2 }), (c) => new InstanceNorm1d(3).forward(T.rand([2, c, 4])), {
      op: 'InstanceNorm1d',
      cls: ShapeError,
    });
    hostile(fc.integer({ min: 4, max: 6 }), (n) => new RMSNorm(3).forward(T.rand([2, n])), {
      op: 'RMSNorm',
      cls: ShapeError,
    });
    hostile(fc.integer({ min: 2, max: 4 }), (c) => new Conv1d(1, 2, 2).forward(T.rand([1, c, 5])), {
      op: 'Conv1d',
      cls: ShapeError,
    });
    hostile(fc.integer({ min: 2, max: 4 }), (c) => new Conv3d(1, 2, 2).forward(T.rand([1, c, 3, 3, 3])), {
      op: 'Conv3d',
      cls: ShapeError,
    });
    hostile(
      fc.integer({ min: 2, max: 4 }),
      (c) => new PReLU(3).forward(T.rand([2, c + 1 === 3 ? 5 : c + 1, 2])),
      { op: 'PReLU' },
    );
    hostile(badSize, (n) => new GroupNorm(n as number, 4), { op: 'GroupNorm', cls: ValueError }, 10);
  });
});

describe(`new activations and math ops (${backend})`, () => {
  it('elu/hardtanh/glu/prelu: bad parameters and shapes', () => {
    hostile(fc.constantFrom('1', null, {}), (a) => T.elu(x23(), a as number), {
      op: 'elu',
      arg: 'alpha',
    });
    hostile(
      fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: -5, max: 0 })),
      ([lo, hi]) => T.hardtanh(x23(), lo, hi),
      { op: 'hardtanh' },
    );
    hostile(fc.constantFrom(1, 3, 5), (n) => T.glu(T.rand([2, n])), { op: 'glu', cls: ShapeError });
    hostile(fc.integer({ min: 2, max: 5 }), (n) => T.prelu(x23(), T.ones([n === 3 ? 4 : n])), {
      op: 'prelu',
      arg: 'weight',
    });
  });
  it('binary math ops: clashing shapes', () => {
    for (const op of ['atan2', 'fmod', 'remainder', 'floorDivide', 'logaddexp', 'xlogy'] as const) {
      hostile(fc.integer({ min: 4, max: 7 }), (n) => api[op](x23(), T.rand([n])), { op, cls: ShapeError }, 5);
    }
    hostile(
      fc.integer({ min: 4, max: 7 }),
      (n) => T.lerp(x23(), x23(), T.rand([n])),
      { op: 'lerp', cls: ShapeError },
      5,
    );
    hostile(
      fc.integer({ min: 4, max: 7 }),
      (n) => T.addcmul(x23(), x23(), T.rand([n])),
      { op: 'addcmul', cls: ShapeError },
      5,
    );
    hostile(
      fc.integer({ min: 4, max: 7 }),
      (n) => T.addcdiv(x23(), T.rand([n]), x23()),
      { op: 'addcdiv', cls: ShapeError },
      5,
    );
    hostile(fc.constantFrom('2', null, {}), (v) => T.addcmul(x23(), x23(), x23(), v as number), {
      op: 'addcmul',
      arg: 'value',
    });
  });
  it('clamp with tensor bounds, norm, cosineSimilarity, cdist: clashing shapes and bad orders', () => {
    hostile(
      fc.integer({ min: 4, max: 7 }),
      (n) => T.clamp(x23(), T.zeros([n]), 1),
      { op: 'clamp', cls: ShapeError },
      5,
    );
    hostile(fc.constantFrom('nuc2', 'l2', -1, Number.NaN), (p) => T.norm(x23(), p as number), {
      op: 'norm',
      arg: 'p',
    });
    hostile(badDim(2), (d) => T.norm(x23(), 2, d as number), { op: 'norm', cls: IndexError }, 8);
    hostile(
      fc.integer({ min: 4, max: 7 }),
      (n) => T.cosineSimilarity(x23(), T.rand([2, n])),
      { op: 'cosineSimilarity', cls: ShapeError },
      5,
    );
    hostile(
      fc.integer({ min: 4, max: 7 }),
      (n) => T.cdist(x23(), T.rand([2, n])),
      { op: 'cdist', cls: ShapeError },
      5,
    );
    hostile(fc.constantFrom([3], [2, 2, 2, 4]), (s) => T.cdist(T.rand(s), x23()), {
      op: 'cdist',
      cls: ShapeError,
    });
    hostile(fc.constantFrom(-1, Number.NaN, '2'), (p) => T.cdist(x23(), x23(), p as number), {
      op: 'cdist',
      arg: 'p',
    });
  });
});

describe(`new losses (${backend})`, () => {
  it('marginRanking/hingeEmbedding/cosineEmbedding/tripletMargin: clashing shapes, plain values, bad margins, unknown options', () => {
    hostile(fc.integer({ min: 4, max: 7 }), (n) => marginRanking(T.rand([3]), T.rand([3]), T.ones([n])), {
      op: 'marginRanking',
      cls: ShapeError,
    });
    const losses: [string, (v: unknown) => unknown][] = [
      ['marginRanking', (v) => marginRanking(T.rand([3]), v as Tensor, T.ones([3]))],
      ['hingeEmbedding', (v) => hingeEmbedding(v as Tensor, T.ones([3]))],
      ['cosineEmbedding', (v) => cosineEmbedding(x23(), x23(), v as Tensor)],
      ['tripletMargin', (v) => tripletMargin(x23(), x23(), v as Tensor)],
      ['multiLabelSoftMargin', (v) => multiLabelSoftMargin(v as Tensor, x23())],
      ['poissonNll', (v) => poissonNll(T.rand([3]), v as Tensor)],
      ['gaussianNll', (v) => gaussianNll(T.rand([3]), T.rand([3]), v as Tensor)],
      ['ctc', (v) => ctc(v as Tensor, int([1]), [1], [1])],
    ];
    for (const [op, call] of losses) hostile(notTensor, call, { op, cls: DTypeError }, 8);
    hostile(fc.integer({ min: 4, max: 7 }), (n) => hingeEmbedding(T.rand([3]), T.ones([n])), {
      op: 'hingeEmbedding',
      cls: ShapeError,
    });
    hostile(
      fc.integer({ min: 3, max: 6 }),
      (n) => cosineEmbedding(T.rand([2, 3]), T.rand([2, 3]), T.ones([n])),
      { op: 'cosineEmbedding', cls: ShapeError },
    );
    hostile(
      fc.integer({ min: 4, max: 7 }),
      (n) => cosineEmbedding(T.rand([2, 3]), T.rand([2, n]), T.ones([2])),
      { op: 'cosineEmbedding', cls: ShapeError },
    );
    hostile(
      fc.integer({ min: 4, max: 7 }),
      (n) => tripletMargin(T.rand([2, 3]), T.rand([2, 3]), T.rand([2, n])),
      { op: 'tripletMargin', cls: ShapeError },
    );
    hostile(
      fc.constantFrom('1', true, {}),
      (m) => marginRanking(T.rand([3]), T.rand([3]), T.ones([3]), { margin: m as number }),
      { op: 'marginRanking', arg: 'margin' },
    );
    hostile(fc.constantFrom(0, -1, Number.NaN), (p) => tripletMargin(x23(), x23(), x23(), { p }), {
      op: 'tripletMargin',
      arg: 'p',
    });
    hostile(
      unknownKey,
      (k) => tripletMargin(x23(), x23(), x23(), { [k]: 1 } as never),
      { op: 'tripletMargin', arg: 'unknown option' },
      8,
    );
    hostile(
      fc.constantFrom('avg', 'Mean'),
      (r) => hingeEmbedding(T.rand([3]), T.ones([3]), { reduction: r as 'mean' }),
      { op: 'hingeEmbedding', arg: 'reduction' },
    );
  });
  it('poissonNll/gaussianNll/multiLabelSoftMargin: clashing shapes, negative variances, unknown options', () => {
    hostile(fc.integer({ min: 4, max: 7 }), (n) => poissonNll(T.rand([3]), T.rand([n])), {
      op: 'poissonNll',
      cls: ShapeError,
    });
    hostile(fc.integer({ min: 4, max: 7 }), (n) => gaussianNll(T.rand([3]), T.rand([3]), T.ones([n])), {
      op: 'gaussianNll',
      arg: 'var',
    });
    hostile(
      fc.constantFrom(-1, Number.NaN, '1'),
      (e) => gaussianNll(T.rand([3]), T.rand([3]), T.ones([3]), { eps: e as number }),
      { op: 'gaussianNll', arg: 'eps' },
    );
    hostile(fc.integer({ min: 4, max: 7 }), (n) => multiLabelSoftMargin(x23(), T.ones([2, n])), {
      op: 'multiLabelSoftMargin',
      cls: ShapeError,
    });
    hostile(
      unknownKey,
      (k) => poissonNll(T.rand([3]), T.rand([3]), { [k]: 1 } as never),
      { op: 'poissonNll', arg: 'unknown option' },
      8,
    );
    hostile(
      unknownKey,
      (k) => gaussianNll(T.rand([3]), T.rand([3]), T.ones([3]), { [k]: 1 } as never),
      { op: 'gaussianNll', arg: 'unknown option' },
      8,
    );
  });
  it('ctc: bad ranks, lengths that do not match, a blank out of range, targets that are not int32', () => {
    const lp = () => T.rand([5, 2, 4]).logSoftmax(2);
    const tg = () => int([1, 2, 1, 3], [2, 2]);
    hostile(fc.constantFrom([5, 4], [2, 5, 2, 4]), (s) => ctc(T.rand(s), tg(), [5, 5], [2, 2]), {
      op: 'ctc',
      arg: 'logProbs',
      cls: ShapeError,
    });
    hostile(fc.constantFrom([5], [5, 5, 5], [6, 5], [5, -1]), (l) => ctc(lp(), tg(), l, [2, 2]), {
      op: 'ctc',
      arg: 'inputLengths',
    });
    hostile(fc.constantFrom([2], [3, 2], [2, -1], [2, 1.5]), (l) => ctc(lp(), tg(), [5, 5], l), {
      op: 'ctc',
      arg: 'targetLengths',
    });
    hostile(fc.constantFrom(-1, 4, 9, 0.5), (b) => ctc(lp(), tg(), [5, 5], [2, 2], { blank: b }), {
      op: 'ctc',
      arg: 'blank',
    });
    hostile(
      fc.constant(0),
      () =>
        ctc(
          lp(),
          T.tensor([
            [1, 2],
            [1, 3],
          ]),
          [5, 5],
          [2, 2],
        ),
      { op: 'ctc', arg: 'targets', cls: DTypeError },
      1,
    );
  });
});

describe('known findings in @nnet/tensor', () => {
  it('each still occurs (remove an entry from KNOWN_TENSOR_FINDINGS once tensor fixes it)', () => {
    const stale = KNOWN_TENSOR_FINDINGS.map(([, what]) => what).filter((what) => !seen.has(what));
    if (stale.length > 0) throw new Error(`no longer seen: ${stale.join('; ')}`);
    console.log(`[hostile ${backend}] ops20: ${seen.size} known tensor findings still occur`);
  });
});
