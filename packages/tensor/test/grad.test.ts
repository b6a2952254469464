import '@nnet/test-utils/setup';
import { describe, expect, it } from 'vitest';
import {
  argsort,
  avgPool2d,
  cat,
  clamp,
  conv2d,
  convTranspose2d,
  customGrad,
  GradError,
  gather,
  gelu,
  indexSelect,
  leakyRelu,
  linear,
  logSoftmax,
  logsumexp,
  manualSeed,
  matmul,
  maximum,
  maxPool2d,
  minimum,
  noGrad,
  rand,
  randn,
  softmax,
  softplus,
  stack,
  type Tensor,
  tensor,
  where,
} from '../src/index.js';
import { expectClose, gradcheck } from './helpers.js';

const positive = (s: number[]) => rand(s).add(0.5);
/** Values kept away from the kinks of abs/relu/max so finite differences are valid. */
const awayFromZero = (s: number[]) => {
  const r = randn(s);
  return r.add(r.sign().mul(0.2));
};

/** Distinct values 0.1 apart in random order, so that a max or min has no tie within the step. */
const distinct = (s: number[]) => {
  const n = s.reduce((a, b) => a * b, 1);
  return argsort(rand([n]))
    .to('float32')
    .mul(0.1)
    .sub(0.05 * n)
    .reshape(s);
};

describe('gradients match finite differences', () => {
  manualSeed(7);
  const unary: [string, (x: Tensor) => Tensor, ((s: number[]) => Tensor)?][] = [
    ['neg', (x) => x.neg()],
    ['abs', (x) => x.abs(), awayFromZero],
    ['exp', (x) => x.exp()],
    ['log', (x) => x.log(), positive],
    ['log1p', (x) => x.log1p(), positive],
    ['sqrt', (x) => x.sqrt(), positive],
    ['rsqrt', (x) => x.rsqrt(), positive],
    ['reciprocal', (x) => x.reciprocal(), positive],
    ['square', (x) => x.square()],
    ['sin', (x) => x.sin()],
    ['cos', (x) => x.cos()],
    ['tanh', (x) => x.tanh()],
    ['sigmoid', (x) => x.sigmoid()],
    ['relu', (x) => x.relu(), awayFromZero],
    ['erf', (x) => x.erf()],
    ['leakyRelu', (x) => leakyRelu(x, 0.1), awayFromZero],
    ['gelu', (x) => gelu(x)],
    ['gelu tanh', (x) => gelu(x, { approximate: 'tanh' })],
    ['softplus', (x) => softplus(x)],
    ['softplus beta 2', (x) => softplus(x, { beta: 2 })],
    ['clamp', (x) => clamp(x, -0.5, 0.5), (s) => awayFromZero(s).mul(0.4)],
    ['pow scalar', (x) => x.pow(3)],
    ['sum dim', (x) => x.sum(1)],
    ['sum keepdim', (x) => x.sum([0, 2], true)],
    ['mean', (x) => x.mean(-1)],
    ['max dim', (x) => x.max(1), distinct],
    ['min all', (x) => x.min(), distinct],
    ['prod', (x) => x.prod(2), positive],
    ['var', (x) => x.var(1)],
    ['std', (x) => x.std([1, 2], true)],
    ['logsumexp', (x) => logsumexp(x, 1)],
    ['softmax', (x) => softmax(x, -1)],
    ['logSoftmax', (x) => logSoftmax(x, 1)],
    ['transpose', (x) => x.transpose(0, 2).mul(x.transpose(0, 2))],
    ['permute', (x) => x.permute([2, 0, 1]).exp()],
    ['narrow', (x) => x.narrow(1, 1, 2).square()],
    ['slice step', (x) => x.slice(2, 0, 4, 2).square()],
    ['select', (x) => x.select(0, 1).exp()],
    ['reshape', (x) => x.reshape([6, -1]).square()],
    ['expand', (x) => x.narrow(0, 0, 1).expand([3, 3, 4]).square()],
    ['flatten', (x) => x.flatten(1).tanh()],
  ];
  for (const [name, f, make] of unary) {
    it(name, () => gradcheck(f, [[2, 3, 4]], make ? { make } : {}));
  }

  const binary: [string, (a: Tensor, b: Tensor) => Tensor, number[][]][] = [
    ['add broadcast', (a, b) => a.add(b), [[2, 3], [3]]],
    [
      'add alpha',
      (a, b) => a.add(b, 2.5),
      [
        [2, 3],
        [2, 1],
      ],
    ],
    [
      'sub broadcast',
      (a, b) => a.sub(b),
      [
        [2, 1, 3],
        [4, 1],
      ],
    ],
    [
      'mul broadcast',
      (a, b) => a.mul(b),
      [
        [3, 1],
        [1, 4],
      ],
    ],
    [
      'div',
      (a, b) => a.div(b),
      [
        [2, 3],
        [2, 3],
      ],
    ],
    ['maximum', (a, b) => maximum(a, b), [[2, 3], [3]]],
    [
      'minimum',
      (a, b) => minimum(a, b),
      [
        [2, 3],
        [2, 3],
      ],
    ],
    [
      'matmul 2-D',
      (a, b) => matmul(a, b),
      [
        [3, 4],
        [4, 5],
      ],
    ],
    [
      'matmul batched broadcast',
      (a, b) => matmul(a, b),
      [
        [2, 1, 3, 4],
        [3, 4, 2],
      ],
    ],
    ['matmul 1-D', (a, b) => matmul(a, b), [[4], [4, 2]]],
    ['matmul dot', (a, b) => matmul(a, b), [[4], [4]]],
    [
      'matmul transposed view',
      (a, b) => matmul(a.t(), b),
      [
        [4, 3],
        [4, 2],
      ],
    ],
    [
      'linear',
      (a, b) => linear(a, b),
      [
        [5, 3],
        [2, 3],
      ],
    ],
    [
      'cat',
      (a, b) => cat([a, b], 1),
      [
        [2, 3],
        [2, 2],
      ],
    ],
    [
      'stack',
      (a, b) => stack([a, b], 1),
      [
        [2, 3],
        [2, 3],
      ],
    ],
  ];
  for (const [name, f, shapes] of binary) {
    it(name, () =>
      gradcheck(f, shapes, name === 'div' ? { make: (s, i) => (i ? positive(s) : randn(s)) } : {}),
    );
  }

  it('pow with a tensor exponent', () =>
    gradcheck(
      (a, b) => a.pow(b),
      [
        [2, 3],
        [2, 3],
      ],
      { make: positive },
    ));
  it('linear with bias', () => gradcheck((x, w, b) => linear(x, w, b), [[4, 3], [2, 3], [2]]));
  it('where', async () => {
    const cond = tensor([[true, false, true]]);
    await gradcheck(
      (a, b) => where(cond, a, b),
      [
        [2, 3],
        [2, 3],
      ],
    );
  });
  it('gather and indexSelect', async () => {
    const idx = tensor(
      [
        [0, 2],
        [1, 1],
      ],
      { dtype: 'int32' },
    );
    await gradcheck((a) => gather(a, 1, idx), [[2, 3]]);
    await gradcheck((a) => indexSelect(a, 0, tensor([2, 0, 2], { dtype: 'int32' })), [[3, 2]]);
  });
  it('conv2d with stride, padding, dilation and groups', async () => {
    await gradcheck(
      (x, w, b) => conv2d(x, w, b, { stride: 2, padding: 1, dilation: 1, groups: 2 }),
      [[2, 4, 5, 5], [4, 2, 3, 3], [4]],
    );
    await gradcheck(
      (x, w) => conv2d(x, w, null, { padding: 'same', dilation: 2 }),
      [
        [1, 2, 5, 4],
        [3, 2, 2, 3],
      ],
    );
  });
  it('transposed convolution', async () => {
    await gradcheck(
      (x, w, b) => convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
      [[1, 2, 3, 3], [2, 3, 3, 3], [3]],
    );
    await gradcheck(
      (x, w) => convTranspose2d(x, w, null, { dilation: 2, groups: 2 }),
      [
        [2, 4, 3, 2],
        [4, 1, 2, 2],
      ],
    );
  });
  it('max and average pooling', async () => {
    await gradcheck((x) => maxPool2d(x, 2), [[2, 2, 4, 4]]);
    await gradcheck((x) => maxPool2d(x, 3, { stride: 2, padding: 1 }), [[1, 2, 5, 5]]);
    await gradcheck(
      (x) => avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }),
      [[1, 2, 5, 5]],
    );
    await gradcheck((x) => avgPool2d(x, [2, 3], { stride: 1 }), [[1, 1, 4, 5]]);
  });
});

describe('autograd semantics', () => {
  it('gradients accumulate across backward calls', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(3).sum().backward();
    x.mul(x).sum().backward();
    expectClose(x.grad!, [5, 7]);
  });

  it('a value used twice gets the sum of both paths', () => {
    const x = tensor(3, { requiresGrad: true });
    const y = x.mul(x).add(x.exp());
    y.backward();
    expectClose(x.grad!, 6 + Math.exp(3), 1e-5);
  });

  it('non-scalar backward needs a gradient', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(GradError);
    x.mul(2).backward(tensor([1, 10]));
    expectClose(x.grad!, [2, 20]);
  });

  it('a graph is freed after backward unless retained', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(() => y.backward()).toThrow(/already used/);
  });

  it('detach and noGrad stop gradients', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    const z = x.detach().mul(x).sum();
    z.backward();
    expectClose(x.grad!, [1, 2]);
    expect(() => tensor([1], { dtype: 'int32' }).requiresGrad_()).toThrow(/float32/);
  });

  it('customGrad runs a hand-written backward', () => {
    let calls = 0;
    const cube = customGrad(
      (x) => ({ value: x.pow(3), save: [x] }),
      (g, [x]) => {
        calls++;
        return [g.mul(x.square()).mul(3)]; // d(x³)/dx = 3x²
      },
    );
    const x = tensor([1, -2], { requiresGrad: true });
    cube(x).sum().backward();
    expect(calls).toBe(1);
    expectClose(x.grad!, [3, 12]);
  });
});
