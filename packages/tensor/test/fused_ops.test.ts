/**
 * The fused front-end ops on the session-4 kernels: softmaxCrossEntropy and linear with an
 * activation, against the unfused compositions and finite differences (their kernels are checked
 * against PyTorch by the testkit's fixtures).
 */
import '@nnet/test-utils/setup';
import { describe, expect, it, vi } from 'vitest';
import {
  conv2d,
  DTypeError,
  gather,
  getBackend,
  hasKernel,
  IndexError,
  linear,
  logSoftmax,
  manualSeed,
  memory,
  randn,
  ShapeError,
  softmaxCrossEntropy,
  type Tensor,
  tensor,
  ValueError,
  where,
} from '../src/index.js';
import { expectClose, gradcheck } from './helpers.js';

const targets = (v: number[]): Tensor => tensor(v, { dtype: 'int32' });

describe('softmaxCrossEntropy', () => {
  it('equals −logSoftmax gathered at the target, 0 on ignored rows', () => {
    manualSeed(3);
    const x = randn([5, 4]).mul(3);
    const t = targets([0, 3, -100, 1, 2]);
    const composed = where(
      t.ne(-100),
      gather(logSoftmax(x, 1), 1, where(t.ne(-100), t, 0).unsqueeze(1))
        .squeeze(1)
        .neg(),
      0,
    );
    expectClose(softmaxCrossEntropy(x, t), Array.from(composed.dataSync()), 1e-5);
  });

  it('gradient matches finite differences, zero on ignored rows', async () => {
    manualSeed(4);
    const t = targets([2, 0, 7, 1]);
    await gradcheck((x) => softmaxCrossEntropy(x, t, { ignoreIndex: 7 }), [[4, 3]]);
    const x = randn([4, 3]).requiresGrad_();
    softmaxCrossEntropy(x, t, { ignoreIndex: 7 }).sum().backward();
    expect(Array.from(x.grad!.dataSync()).slice(6, 9)).toEqual([0, 0, 0]);
  });

  it('gradient equals softmax − onehot for the plain sum', () => {
    const x = tensor([[1, 2, 3]]).requiresGrad_();
    softmaxCrossEntropy(x, targets([1]))
      .sum()
      .backward();
    const e = [1, 2, 3].map(Math.exp);
    const z = e[0] + e[1] + e[2];
    expectClose(x.grad!, [[e[0] / z, e[1] / z - 1, e[2] / z]], 1e-5);
  });

  it('is stable for large logits and leaves nothing behind', () => {
    const x = tensor([
      [1e4, 0],
      [-1e4, 1e4],
    ]);
    const t = targets([0, 0]);
    const before = memory();
    const loss = softmaxCrossEntropy(x, t);
    expectClose(loss, [0, 2e4], 1e-5);
    loss.dispose();
    expect(memory()).toEqual(before);
  });

  it('rejects bad input with typed errors naming the op', () => {
    const x = randn([3, 4]);
    expect(() => softmaxCrossEntropy(x, targets([0, 1]))).toThrow(ShapeError);
    expect(() => softmaxCrossEntropy(x, tensor([0, 1, 2]))).toThrow(DTypeError);
    expect(() => softmaxCrossEntropy(randn([3]), targets([0, 1, 2]))).toThrow(
      /softmaxCrossEntropy: logits must be \[N, C\]/,
    );
    expect(() => softmaxCrossEntropy(x, targets([0, 4, 1]))).toThrow(IndexError);
    expect(() => softmaxCrossEntropy(x, targets([0, 1, 2]), { ignoreIndex: 0.5 })).toThrow(ValueError);
    expect(() => softmaxCrossEntropy(x, targets([0, 1, 2]), { ignore: 1 } as never)).toThrow(/ignore/);
  });
});

describe('linear with a fused activation', () => {
  const acts = [
    ['relu', (y: Tensor) => y.relu()],
    ['tanh', (y: Tensor) => y.tanh()],
    ['sigmoid', (y: Tensor) => y.sigmoid()],
  ] as const;
  for (const [activation, f] of acts) {
    it(`${activation}: values as linear then ${activation}, gradient by finite differences`, async () => {
      manualSeed(5);
      const [x, w, b] = [randn([2, 3, 5]), randn([4, 5]), randn([4])];
      expectClose(linear(x, w, b, { activation }), f(linear(x, w, b)).toArray(), 1e-5);
      await gradcheck((xi, wi, bi) => linear(xi, wi, bi, { activation }), [[3, 5], [4, 5], [4]]);
    });
  }
  it('relu: the fused and the plain gradient agree at 0, at negatives and at NaN', () => {
    // One input and one output feature with weight 1: z = x row by row (no NaN·0 mixing rows), and
    // ∂/∂x = relu'(z): 1 where z > 0, else 0 — also where z is NaN (sign(NaN) = 0, as PyTorch's sign;
    // the gradient was a comparison z > 0 before, also 0 there).
    const w = tensor([[1]]);
    const grads = [true, false].map((fused) => {
      const x = tensor([[Number.NaN], [-2], [0], [3]], { requiresGrad: true });
      const y = fused ? linear(x, w, null, { activation: 'relu' }) : linear(x, w).relu();
      y.sum().backward();
      return Array.from(x.grad!.dataSync());
    });
    expect(grads[0]).toEqual([0, 0, 0, 1]);
    expect(grads[1]).toEqual(grads[0]);
  });
  it('rejects an unknown activation', () => {
    expect(() => linear(randn([2, 3]), randn([4, 3]), null, { activation: 'gelu' as never })).toThrow(
      ValueError,
    );
  });
});

describe('conv2d with a bias', () => {
  it.runIf(hasKernel(getBackend(), 'conv2d'))(
    'hands the bias to the kernel: no separate add over the output',
    () => {
      manualSeed(5);
      const x = randn([2, 3, 6, 5]);
      const w = randn([4, 3, 3, 3]);
      const b = randn([4]);
      const expected = conv2d(x, w).add(b.reshape([1, 4, 1, 1]));
      const backend = getBackend();
      const kernel = vi.spyOn(backend, 'conv2d');
      const binary = vi.spyOn(backend, 'binary');
      try {
        const y = conv2d(x, w, b, { padding: 0 });
        expect(kernel).toHaveBeenCalledTimes(1);
        expect(kernel.mock.calls[0]?.[2]).not.toBeNull();
        expect(binary).not.toHaveBeenCalled();
        expectClose(y, Array.from(expected.dataSync()), 1e-5);
      } finally {
        kernel.mockRestore();
        binary.mockRestore();
      }
    },
  );
});
