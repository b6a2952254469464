/**
 * Hostile input for the libraries built on @nnet/tensor: layer constructors and forward, state
 * dicts, losses, optimizers and their state dicts, schedulers, DataLoader and fit.
 */
import {
  BatchNorm1d,
  Conv2d,
  Dropout,
  Embedding,
  LayerNorm,
  Linear,
  type Module,
  Sequential,
} from '@nnet/layers';
import { bce, crossEntropy, MSELoss, mse, nll } from '@nnet/loss';
import { Adam, CosineAnnealingLR, SGD, StepLR } from '@nnet/optim';
import * as T from '@nnet/tensor';
import { DTypeError, IndexError, MemoryError, ShapeError, type Tensor, ValueError } from '@nnet/tensor';
import { DataLoader, fit, TensorDataset } from '@nnet/train';
import { afterAll, describe, it } from 'vitest';
import { badSize, badSizeOrMissing, fc, hostile, notTensor, tally, unknownKey } from './harness.js';

const backend = process.env.NNET_BACKEND ?? 'cpu';

afterAll(() => {
  console.log(
    `[hostile ${backend}] libraries: ${tally.properties} properties, ${tally.cases} invalid calls, classes: ` +
      [...tally.classes].map(([k, v]) => `${k} ${v}`).join(', '),
  );
});

describe(`layer constructors (${backend})`, () => {
  it('Linear: bad and huge feature counts', () => {
    hostile(badSizeOrMissing, (n) => new Linear(n as number, 3), { op: 'Linear', arg: 'inFeatures' });
    hostile(badSizeOrMissing, (n) => new Linear(3, n as number), { op: 'Linear', arg: 'outFeatures' });
    hostile(
      fc.integer({ min: 100_000, max: 10_000_000 }),
      (n) => new Linear(n, n),
      { op: 'Linear', arg: 'bytes', cls: MemoryError },
      5,
    );
  });
  it('Conv2d: bad channels and kernel sizes', () => {
    hostile(badSizeOrMissing, (n) => new Conv2d(n as number, 4, 3), { op: 'Conv2d', arg: 'inChannels' });
    hostile(badSizeOrMissing, (k) => new Conv2d(2, 4, k as number), { op: 'Conv2d', arg: 'kernelSize' });
    hostile(
      fc.constantFrom<unknown>([3], [3, 0], [3, -1], [3, 1.5], 'x'),
      (k) => new Conv2d(2, 4, k as [number, number]),
      { op: 'Conv2d', arg: 'kernelSize' },
    );
  });
  it('Embedding: bad sizes, huge tables, fractional or out-of-range paddingIdx', () => {
    hostile(badSizeOrMissing, (n) => new Embedding(n as number, 4), {
      op: 'Embedding',
      arg: 'numEmbeddings',
    });
    hostile(
      fc.integer({ min: 2 ** 31, max: 2 ** 42 }),
      (n) => new Embedding(n, 8),
      { op: 'Embedding', arg: 'bytes', cls: MemoryError },
      5,
    );
    hostile(
      fc.oneof(
        fc.constantFrom(1.5, Number.NaN, '1'),
        fc.integer({ min: 5, max: 100 }),
        fc.integer({ min: -100, max: -6 }),
      ),
      (p) => new Embedding(5, 4, { paddingIdx: p as number }),
      { op: 'Embedding', arg: 'paddingIdx' },
    );
  });
  it('BatchNorm1d, LayerNorm, Dropout: bad sizes and probabilities', () => {
    hostile(badSizeOrMissing, (n) => new BatchNorm1d(n as number), { op: 'BatchNorm1d', arg: 'numFeatures' });
    hostile(
      badSizeOrMissing.filter((v) => !Array.isArray(v)),
      (n) => new LayerNorm(n as number),
      { op: 'LayerNorm', arg: 'normalizedShape' },
    );
    hostile(fc.constantFrom(1, 1.5, -0.1, Number.NaN, '0.5'), (p) => new Dropout(p as number), {
      op: 'Dropout',
      arg: 'p',
    });
  });
  it('Sequential: non-module children', () => {
    hostile(notTensor, (v) => new Sequential(v as Module), { op: 'Sequential' });
  });
});

describe(`layer forward (${backend})`, () => {
  it('every layer: plain JavaScript values instead of tensors', () => {
    const layers: [string, () => Module][] = [
      ['Linear', () => new Linear(3, 2)],
      ['Conv2d', () => new Conv2d(2, 4, 3)],
      ['Embedding', () => new Embedding(5, 4)],
      ['BatchNorm1d', () => new BatchNorm1d(3)],
      ['LayerNorm', () => new LayerNorm(3)],
      ['Sequential', () => new Sequential(new Linear(3, 2))],
    ];
    for (const [op, make] of layers) {
      const m = make();
      hostile(notTensor, (v) => m.forward(v as Tensor), { op, cls: DTypeError }, 10);
      m.dispose();
    }
  });
  it('Linear: wrong feature counts', () => {
    const m = new Linear(3, 2);
    hostile(
      fc.integer({ min: 1, max: 9 }).filter((n) => n !== 3),
      (n) => m.forward(T.rand([2, n])),
      { op: 'Linear', cls: ShapeError },
    );
    m.dispose();
  });
  it('Embedding: float indices and out-of-range indices name Embedding', () => {
    const m = new Embedding(5, 4);
    hostile(
      fc.oneof(fc.integer({ min: 5, max: 1000 }), fc.integer({ min: -1000, max: -1 })),
      (i) => m.forward(T.tensor([0, i], { dtype: 'int32' })),
      { op: 'Embedding', cls: IndexError },
    );
    hostile(fc.constant(0), () => m.forward(T.tensor([0, 1])), { op: 'Embedding', cls: DTypeError }, 1);
    m.dispose();
  });
  it('BatchNorm1d: a batch of one in training (PyTorch: more than 1 value per channel)', () => {
    const m = new BatchNorm1d(3);
    hostile(fc.constantFrom([1, 3], [1, 3, 1]), (s) => m.forward(T.rand(s)), {
      op: 'BatchNorm1d',
      arg: 'more than 1 value',
      cls: ValueError,
    });
    m.dispose();
  });
  it('loadStateDict: non-tensor values, non-object dicts', () => {
    const m = new Linear(3, 2);
    hostile(notTensor, (v) => m.loadStateDict({ weight: v as Tensor, bias: T.zeros([2]) }), {
      op: 'loadStateDict',
      arg: 'weight',
    });
    hostile(
      fc.constantFrom<unknown>(null, 3, 'x', [1]),
      (d) => m.loadStateDict(d as Record<string, Tensor>),
      { op: 'loadStateDict' },
    );
    m.dispose();
  });
});

describe(`losses (${backend})`, () => {
  it('mse/crossEntropy/nll/bce: plain values, clashing shapes, wrong target dtypes', () => {
    for (const [op, f] of [
      ['mse', mse],
      ['crossEntropy', crossEntropy],
      ['nll', nll],
      ['bce', bce],
    ] as const) {
      hostile(notTensor, (v) => f(v as Tensor, T.zeros([2])), { op, cls: DTypeError }, 10);
      hostile(notTensor, (v) => f(T.rand([2, 3]), v as Tensor), { op, cls: DTypeError }, 10);
    }
    hostile(
      fc.integer({ min: 1, max: 5 }).filter((n) => n !== 3),
      (n) => mse(T.rand([3]), T.rand([n])),
      { op: 'mse', cls: ShapeError },
    );
    hostile(
      fc.constant(0),
      () => crossEntropy(T.rand([2, 3]), T.tensor([0.5, 1])),
      { op: 'crossEntropy' },
      1,
    );
    hostile(
      fc.integer({ min: 3, max: 99 }),
      (c) => crossEntropy(T.rand([2, 3]), T.tensor([0, c], { dtype: 'int32' })),
      { op: 'crossEntropy', cls: IndexError },
    );
  });
  it('bce: probabilities outside [0, 1] (PyTorch raises; here in anomaly mode, the check reads back)', () => {
    const prev = T.setDebug({ detectAnomaly: true });
    try {
      hostile(
        fc.oneof(
          fc.double({ min: 1.0001, max: 1e6, noNaN: true }),
          fc.double({ min: -1e6, max: -0.0001, noNaN: true }),
          fc.constant(Number.NaN),
        ),
        (p) => bce(T.tensor([0.5, p]), T.tensor([1, 0])),
        { op: 'bce', arg: 'between 0 and 1', cls: ValueError },
      );
    } finally {
      T.setDebug(prev);
    }
  });
  it('reduction: unknown values', () => {
    hostile(
      fc.constantFrom('avg', 'Mean', '', 'batchmean'),
      (r) => mse(T.rand([2]), T.rand([2]), { reduction: r as 'mean' }),
      { op: 'mse', arg: 'reduction' },
    );
  });
});

describe(`optimizers and schedulers (${backend})`, () => {
  it('SGD/Adam: a model, numbers, plain values, tensors without grad instead of parameters', () => {
    const model = new Linear(2, 2);
    for (const [op, Opt] of [
      ['SGD', SGD],
      ['Adam', Adam],
    ] as const) {
      hostile(
        fc.constantFrom<unknown>(
          model,
          [1, 2],
          [null],
          'params',
          3,
          null,
          undefined,
          [{ params: [1] }],
          [[model.weight]],
        ),
        (p) => new Opt(p as Tensor[]),
        { op, cls: ValueError },
        10,
      );
      hostile(fc.constant(0), () => new Opt([T.zeros([2])]), { op, arg: 'requir', cls: ValueError }, 1);
    }
    model.dispose();
  });
  it('SGD/Adam: bad hyper-parameters and unknown options', () => {
    const model = new Linear(2, 2);
    hostile(
      fc.constantFrom(-0.1, Number.NaN, '0.1', null),
      (lr) => new SGD(model.parameters(), { lr: lr as number }),
      { op: 'SGD', arg: /lr|learning rate/ },
    );
    hostile(
      fc.constantFrom(-0.5, Number.NaN, '0.9'),
      (m) => new SGD(model.parameters(), { momentum: m as number }),
      { op: 'SGD', arg: 'momentum' },
    );
    hostile(
      fc.constantFrom<unknown>([1, 0.9], [0.9], [-0.1, 0.9], 'x', [0.9, Number.NaN]),
      (b) => new Adam(model.parameters(), { betas: b as [number, number] }),
      { op: 'Adam', arg: 'betas' },
    );
    hostile(
      unknownKey,
      (k) => new SGD(model.parameters(), { [k]: 1 }),
      (k) => ({ op: 'SGD', arg: k, cls: ValueError }),
    );
    model.dispose();
  });
  it('optimizer loadStateDict: malformed dicts and non-tensor state', () => {
    const model = new Linear(2, 2);
    const opt = new SGD(model.parameters(), { momentum: 0.9 });
    hostile(
      fc.constantFrom<unknown>(null, 3, {}, { groups: 'x', state: {} }, { groups: [], state: {} }),
      (d) => opt.loadStateDict(d as never),
      { op: 'loadStateDict' },
    );
    hostile(
      notTensor.filter((v) => typeof v !== 'number'),
      (v) =>
        opt.loadStateDict({ state: { 0: { momentumBuffer: v as Tensor } }, groups: opt.stateDict().groups }),
      { op: 'loadStateDict', arg: 'momentumBuffer' },
    );
    model.dispose();
  });
  it('schedulers: a non-optimizer, bad step sizes', () => {
    const model = new Linear(2, 2);
    const opt = new SGD(model.parameters());
    hostile(fc.constantFrom<unknown>(null, {}, model, 3), (o) => new StepLR(o as SGD, { stepSize: 2 }), {
      op: 'StepLR',
      arg: 'optimizer',
    });
    hostile(
      badSizeOrMissing.filter((v) => v !== undefined),
      (s) => new StepLR(opt, { stepSize: s as number }),
      { op: 'StepLR', arg: 'stepSize' },
    );
    hostile(badSize, (s) => new CosineAnnealingLR(opt, { tMax: s as number }), {
      op: 'CosineAnnealingLR',
      arg: 'tMax',
    });
    model.dispose();
  });
});

describe(`DataLoader and fit (${backend})`, () => {
  it('TensorDataset and DataLoader: plain values, bad batch sizes', () => {
    hostile(notTensor, (v) => new TensorDataset(v as Tensor), { op: 'TensorDataset' });
    const ds = new TensorDataset(T.rand([4, 2]), T.rand([4]));
    hostile(
      badSizeOrMissing.filter((v) => v !== undefined && v !== null),
      (b) => new DataLoader(ds, { batchSize: b as number }),
      { op: 'DataLoader', arg: 'batchSize' },
    );
    hostile(fc.constantFrom<unknown>(null, 3, 'data', [1, 2]), (d) => new DataLoader(d as TensorDataset), {
      op: 'DataLoader',
      arg: 'dataset',
    });
    hostile(
      unknownKey,
      (k) => new DataLoader(ds, { [k]: 1 }),
      (k) => ({ op: 'DataLoader', arg: k }),
    );
  });
  it('fit: bad epochs, a missing loss or optimizer, a non-module', () => {
    const model = new Linear(2, 1);
    const ds = new TensorDataset(T.rand([4, 2]), T.rand([4, 1]));
    const loader = new DataLoader(ds, { batchSize: 2 });
    const opt = new SGD(model.parameters());
    const loss = new MSELoss();
    hostile(badSize, (e) => fit(model, loader, { epochs: e as number, loss, optimizer: opt }), {
      op: 'fit',
      arg: 'epochs',
    });
    hostile(
      fc.constantFrom<unknown>(undefined, null, mse, 'mse', 3),
      (l) => fit(model, loader, { loss: l as MSELoss, optimizer: opt }),
      { op: 'fit', arg: 'loss' },
    );
    hostile(
      fc.constantFrom<unknown>(undefined, null, {}, 3),
      (o) => fit(model, loader, { loss, optimizer: o as SGD }),
      { op: 'fit', arg: 'optimizer' },
    );
    hostile(
      fc.constantFrom<unknown>(null, {}, 3),
      (m) => fit(m as Module, loader, { loss, optimizer: opt }),
      { op: 'fit', arg: 'model' },
    );
    hostile(
      fc.constantFrom<unknown>(null, 3, {}),
      (d) => fit(model, d as DataLoader, { loss, optimizer: opt }),
      { op: 'fit', arg: 'train' },
    );
    model.dispose();
  });
});
