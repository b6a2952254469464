/**
 * Hostile input for the rest of the public surface: tensor methods (item, backward, requiresGrad,
 * assign), functional linear/convTranspose2d, fused optimizer steps, pooling and recurrent layers,
 * activation modules, the other losses, optimizers and schedulers, and gradient clipping.
 */
import { AdaptiveAvgPool2d, GRU, LeakyReLU, LSTM, MaxPool2d, RNN, Softmax } from '@nnet/layers';
import { huber, klDiv, l1, smoothL1 } from '@nnet/loss';
import {
  Adagrad,
  AdamW,
  clipGradNorm,
  clipGradValue,
  ExponentialLR,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  RMSprop,
} from '@nnet/optim';
import * as T from '@nnet/tensor';
import { DisposedError, DTypeError, GradError, ShapeError, type Tensor, ValueError } from '@nnet/tensor';
import { afterAll, describe, it } from 'vitest';
import { badSize, badSizeOrMissing, fc, hostile, notTensor, tally } from './harness.js';

const backend = process.env.NNET_BACKEND ?? 'cpu';

afterAll(() => {
  console.log(
    `[hostile ${backend}] more: ${tally.properties} properties, ${tally.cases} invalid calls, classes: ` +
      [...tally.classes].map(([k, v]) => `${k} ${v}`).join(', '),
  );
});

describe(`tensor methods and autograd (${backend})`, () => {
  it('item on many elements, reads and ops on disposed tensors', () => {
    hostile(fc.integer({ min: 2, max: 9 }), (n) => T.zeros([n]).item(), { op: 'item', cls: ValueError });
    for (const op of ['item', 'dataSync', 'sum', 'reshape', 'matmul', 'softmax', 'backward'] as const) {
      hostile(
        fc.constant(0),
        () => {
          const x = T.rand([1], { requiresGrad: true });
          const y = x.mul(2);
          y.dispose();
          const call: Record<typeof op, () => unknown> = {
            item: () => y.item(),
            dataSync: () => y.dataSync(),
            sum: () => y.sum(),
            reshape: () => y.reshape([1]),
            matmul: () => y.matmul(T.rand([1])),
            softmax: () => y.softmax(0),
            backward: () => y.backward(),
          };
          return call[op]();
        },
        { op, cls: DisposedError },
        1,
      );
    }
  });
  it('requiresGrad on integer tensors, backward without grad or with mismatched gradients', () => {
    hostile(fc.constantFrom<T.DType>('int32', 'bool'), (d) => T.zeros([2], { dtype: d }).requiresGrad_(), {
      op: 'requiresGrad',
      cls: DTypeError,
    });
    hostile(
      fc.integer({ min: 3, max: 9 }),
      (n) =>
        T.rand([2], { requiresGrad: true })
          .mul(2)
          .backward(T.ones([n])),
      { op: 'backward', cls: ShapeError },
    );
    hostile(
      fc.constant(0),
      () => T.noGrad(() => T.rand([1], { requiresGrad: true }).mul(2)).backward(),
      { op: 'backward', cls: GradError },
      1,
    );
  });
  it('assign: shape mismatches and plain values', () => {
    hostile(
      fc.integer({ min: 1, max: 9 }).filter((n) => n !== 3),
      (n) => T.zeros([3]).assign(T.zeros([n])),
      { op: 'assign', cls: ShapeError },
    );
    hostile(notTensor, (v) => T.zeros([3]).assign(v as Tensor), { op: 'assign', cls: DTypeError });
  });
  it('linear and convTranspose2d: plain values and shape mismatches', () => {
    hostile(notTensor, (v) => T.linear(T.rand([2, 3]), v as Tensor), {
      op: 'linear',
      arg: 'weight',
      cls: DTypeError,
    });
    hostile(
      fc.integer({ min: 1, max: 9 }).filter((n) => n !== 3),
      (n) => T.linear(T.rand([2, 3]), T.rand([4, n])),
      { op: 'linear', cls: ShapeError },
    );
    hostile(
      fc.integer({ min: 1, max: 6 }).filter((c) => c !== 2),
      (c) => T.convTranspose2d(T.rand([1, 2, 4, 4]), T.rand([c, 3, 3, 3])),
      { op: 'convTranspose2d', cls: ShapeError },
    );
    hostile(
      fc.constantFrom(0, -1, 1.5),
      (s) => T.convTranspose2d(T.rand([1, 2, 4, 4]), T.rand([2, 3, 3, 3]), null, { stride: s }),
      { op: 'convTranspose2d', arg: 'stride' },
    );
  });
  it('sgdStep/adamStep: shape mismatches, int tensors, plain values', () => {
    const sgd = { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, first: true };
    hostile(
      fc.integer({ min: 1, max: 9 }).filter((n) => n !== 3),
      (n) => T.sgdStep(T.zeros([3]), T.zeros([n]), null, sgd),
      { op: 'sgdStep', cls: ShapeError },
    );
    hostile(notTensor, (v) => T.sgdStep(T.zeros([3]), v as Tensor, null, sgd), {
      op: 'sgdStep',
      cls: DTypeError,
    });
  });
});

describe(`more layers (${backend})`, () => {
  it('RNN/LSTM/GRU: bad sizes; wrong input ranks and features', () => {
    for (const [op, Cls] of [
      ['RNN', RNN],
      ['LSTM', LSTM],
      ['GRU', GRU],
    ] as const) {
      hostile(badSizeOrMissing, (n) => new Cls(n as number, 4), { op, arg: 'inputSize' }, 10);
      const m = new Cls(3, 4);
      hostile(
        fc.integer({ min: 1, max: 9 }).filter((n) => n !== 3),
        (n) => m.forward(T.rand([2, 5, n])),
        { op, cls: ShapeError },
        10,
      );
      hostile(notTensor, (v) => m.forward(v as Tensor), { op, cls: DTypeError }, 10);
      m.dispose();
    }
  });
  it('pooling and activation modules: bad sizes, slopes and dims', () => {
    hostile(badSizeOrMissing, (k) => new MaxPool2d(k as number).forward(T.rand([1, 1, 4, 4])), {
      op: 'MaxPool2d',
      arg: 'kernelSize',
    });
    hostile(badSize, (s) => new AdaptiveAvgPool2d(s as number).forward(T.rand([1, 1, 4, 4])), {
      op: 'AdaptiveAvgPool2d',
    });
    hostile(
      fc.constantFrom<unknown>('0.1', null, [0.1]),
      (a) => new LeakyReLU(a as number).forward(T.rand([2])),
      { op: 'LeakyReLU' },
    );
    hostile(fc.integer({ min: 2, max: 9 }), (d) => new Softmax(d).forward(T.rand([2, 3])), {
      op: 'Softmax',
      cls: T.IndexError,
    });
  });
});

describe(`more losses (${backend})`, () => {
  it('l1/smoothL1/huber/klDiv: plain values, clashing shapes, bad parameters', () => {
    for (const [op, f] of [
      ['l1', l1],
      ['smoothL1', smoothL1],
      ['huber', huber],
      ['klDiv', klDiv],
    ] as const) {
      hostile(notTensor, (v) => f(v as Tensor, T.zeros([2])), { op, cls: DTypeError }, 10);
      hostile(
        fc.integer({ min: 1, max: 5 }).filter((n) => n !== 3),
        (n) => f(T.rand([3]), T.rand([n])),
        { op, cls: ShapeError },
        10,
      );
    }
    hostile(fc.constantFrom(-1, Number.NaN), (b) => smoothL1(T.rand([2]), T.rand([2]), { beta: b }), {
      op: 'smoothL1',
      arg: 'beta',
    });
    hostile(fc.constantFrom(-1, 0, Number.NaN), (d) => huber(T.rand([2]), T.rand([2]), { delta: d }), {
      op: 'huber',
      arg: 'delta',
    });
  });
});

describe(`more optimizers and schedulers (${backend})`, () => {
  it('AdamW/RMSprop/Adagrad: models and plain values as params, bad hyper-parameters', () => {
    const p = T.rand([2], { requiresGrad: true });
    for (const [op, Opt] of [
      ['AdamW', AdamW],
      ['RMSprop', RMSprop],
      ['Adagrad', Adagrad],
    ] as const) {
      hostile(
        fc.constantFrom<unknown>([1, 2], 'params', 3, null, [null]),
        (v) => new Opt(v as Tensor[]),
        { op, cls: ValueError },
        10,
      );
      hostile(fc.constantFrom(-0.1, Number.NaN), (lr) => new Opt([p], { lr }), { op }, 10);
    }
  });
  it('MultiStepLR/ExponentialLR/OneCycleLR/ReduceLROnPlateau: non-optimizers and bad parameters', () => {
    const opt = new RMSprop([T.rand([2], { requiresGrad: true })]);
    hostile(fc.constantFrom<unknown>(null, {}, 3), (o) => new ExponentialLR(o as RMSprop, { gamma: 0.9 }), {
      op: 'ExponentialLR',
      arg: 'optimizer',
    });
    hostile(fc.constantFrom<unknown>(null, {}, 3), (o) => new ReduceLROnPlateau(o as RMSprop), {
      op: 'ReduceLROnPlateau',
      arg: 'optimizer',
    });
    hostile(fc.constantFrom(1, 2, Number.NaN), (f) => new ReduceLROnPlateau(opt, { factor: f }), {
      op: 'ReduceLROnPlateau',
      arg: 'factor',
    });
    hostile(
      badSize,
      (n) => new OneCycleLR(opt, { maxLr: 0.1, totalSteps: n as number, cycleMomentum: false }),
      { op: 'OneCycleLR', arg: 'totalSteps' },
    );
    hostile(
      fc.constantFrom<unknown>('x', [1, 'a'], null),
      (m) => new MultiStepLR(opt, { milestones: m as number[] }),
      { op: 'MultiStepLR', arg: 'milestones' },
    );
  });
  it('clipGradNorm/clipGradValue: bad norms and plain values', () => {
    const p = T.rand([2], { requiresGrad: true });
    hostile(fc.constantFrom(-1, Number.NaN, '1'), (n) => clipGradNorm([p], n as number), {
      op: 'clipGradNorm',
      arg: 'maxNorm',
    });
    hostile(fc.constantFrom(-1, Number.NaN, '1'), (n) => clipGradValue([p], n as number), {
      op: 'clipGradValue',
      arg: 'clipValue',
    });
    hostile(fc.constantFrom<unknown>(null, 3, [1, 2]), (v) => clipGradNorm(v as Tensor[], 1), {
      op: 'clipGradNorm',
    });
  });
});
