import '@nnet/test-utils/setup';
import { describe, expect, it } from 'vitest';
import {
  DisposedError,
  keep,
  manualSeed,
  matmul,
  memory,
  memoryStats,
  randn,
  resetPeakMemory,
  tensor,
  tidy,
  zeros,
} from '../src/index.js';

describe('memory', () => {
  it('dispose frees storage once every view is gone', () => {
    const before = memory();
    const x = zeros([4, 4]);
    const v = x.transpose(0, 1);
    expect(memory().tensors).toBe(before.tensors + 2);
    expect(memory().storages).toBe(before.storages + 1);
    expect(memory().bytes).toBe(before.bytes + 64);
    x.dispose();
    expect(memory().storages).toBe(before.storages + 1);
    v.dispose();
    v.dispose();
    expect(memory()).toEqual(before);
  });

  it('using a disposed tensor throws DisposedError naming the fix', () => {
    const x = tensor([1, 2]);
    x.dispose();
    expect(() => x.add(1)).toThrow(DisposedError);
    expect(() => x.dataSync()).toThrow(/was disposed/);
  });

  it('Symbol.dispose releases a tensor (the `using` declaration)', () => {
    const before = memory().tensors;
    {
      const x = zeros([3]);
      x[Symbol.dispose]();
    }
    expect(memory().tensors).toBe(before);
  });

  it('tidy frees intermediates and keeps the result and kept tensors', () => {
    const before = memory();
    let kept = zeros([1]);
    kept.dispose();
    const result = tidy(() => {
      const a = tensor([1, 2, 3]);
      const b = a.mul(2).add(1);
      kept = keep(a.sum());
      return { b, list: [b.neg()] };
    });
    expect(result.b.toArray()).toEqual([3, 5, 7]);
    expect(result.list[0].toArray()).toEqual([-3, -5, -7]);
    expect(kept.item()).toBe(6);
    expect(memory().tensors).toBe(before.tensors + 3);
    result.b.dispose();
    result.list[0].dispose();
    kept.dispose();
    expect(memory()).toEqual(before);
  });

  it('tidy disposes everything when fn throws, and refuses async functions', () => {
    const before = memory();
    expect(() =>
      tidy(() => {
        zeros([10]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(memory()).toEqual(before);
    expect(() => tidy(async () => zeros([1]))).toThrow(/Promise/);
    expect(memory()).toEqual(before);
  });

  it('backward works after tidy freed the intermediates, and frees the graph', () => {
    const w = randn([3, 2], { requiresGrad: true });
    const x = randn([4, 3]);
    const before = memory();
    const loss = tidy(() => matmul(x, w).tanh().square().mean());
    loss.backward();
    expect(w.grad!.shape).toEqual([3, 2]);
    loss.dispose();
    w.grad!.dispose();
    w.grad = null;
    expect(memory()).toEqual(before);
  });

  it('a forward pass that is never backpropagated frees its graph with its tensors', () => {
    const w = randn([3, 2], { requiresGrad: true });
    const x = randn([4, 3]);
    const before = memory();
    for (let i = 0; i < 10; i++) {
      tidy(() => {
        matmul(x, w).relu().sum();
      });
    }
    expect(memory()).toEqual(before);
    const m = matmul(x, w);
    const y = m.sigmoid();
    m.dispose();
    y.dispose();
    expect(memory()).toEqual(before);
  });

  it('1000 iterations of forward + backward inside tidy leave memory() exactly where it started', () => {
    manualSeed(0);
    const w1 = randn([8, 16], { requiresGrad: true });
    const b1 = zeros([16], { requiresGrad: true });
    const w2 = randn([16, 1], { requiresGrad: true });
    const x = randn([32, 8]);
    const y = randn([32, 1]);
    const params = [w1, b1, w2];
    const before = memory();
    for (let i = 0; i < 1000; i++) {
      tidy(() => {
        const h = matmul(x, w1).add(b1).relu();
        const loss = matmul(h, w2).sub(y).square().mean();
        loss.backward();
        for (const p of params) {
          p.assign(p.sub(p.grad!.mul(1e-3)));
          p.grad!.dispose();
          p.grad = null;
        }
      });
    }
    expect(memory()).toEqual(before);
  }, 60_000);

  it('memoryStats reports live, peak and reserved bytes; resetPeakMemory starts the peak afresh', () => {
    resetPeakMemory();
    const start = memoryStats();
    const a = zeros([1000]);
    const b = zeros([500]);
    a.dispose();
    const s = memoryStats();
    expect(s.liveBytes).toBe(start.liveBytes + 2000);
    expect(s.peakBytes).toBe(start.liveBytes + 6000);
    expect(s.reservedBytes).toBeGreaterThanOrEqual(s.liveBytes);
    b.dispose();
    resetPeakMemory();
    expect(memoryStats().peakBytes).toBe(start.liveBytes);
  });
});
