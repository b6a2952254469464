import { conv2d, manualSeed, randn, registerBackend, setBackend } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { Allocator } from '../dist/allocator.js';
import { createWasmBackend, relaxedSimdSupported, simdSupported } from '../dist/index.js';

describe('allocator', () => {
  it('rounds to size classes, reuses freed blocks and grows memory', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const heap = new Allocator(memory, 64);
    expect(Allocator.classOf(1)).toBe(64);
    expect(Allocator.classOf(65)).toBe(128);
    const a = heap.alloc(100);
    const b = heap.alloc(100);
    expect(b - a).toBe(128);
    heap.free(a);
    expect(heap.alloc(120)).toBe(a);
    const big = heap.alloc(200_000);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(big + 200_000);
    expect(big % 64).toBe(0);
    expect(() => heap.free(12345)).toThrow(/unknown block/);
  });
});

describe('module selection', () => {
  it('detects SIMD and picks the plain build where relaxed SIMD is off', async () => {
    expect(simdSupported()).toBe(true);
    const b = await createWasmBackend();
    expect(b.relaxed).toBe(relaxedSimdSupported());
  });

  it('accepts the module bytes directly (for bundlers)', async () => {
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(new URL('../dist/nnet.wasm', import.meta.url));
    const b = await createWasmBackend({ wasm: bytes, relaxed: false });
    expect(b.relaxed).toBe(false);
    expect(b.memory()).toEqual({ storages: 0, bytes: 0 });
  });
});

describe('convolution over several images per product', () => {
  it('matches the CPU backend when the images span several batches (strides, padding, groups)', async () => {
    await import('@nnet/backend-cpu');
    const wasm = await createWasmBackend({ threads: 2 });
    registerBackend('wasm-conv', () => wasm, -1);
    // 12 images of 16 x 40 x 40 with 3x3 windows: 0.9 MB of columns each, so the 8 MB budget
    // makes batches of 9 and 3 images.
    const run = async (
      backend: string,
      options: { stride?: number; padding?: number; dilation?: number; groups?: number },
    ) => {
      await setBackend(backend);
      manualSeed(8);
      const x = randn([12, 16, 40, 40], { requiresGrad: true });
      const w = randn([8, 16 / (options.groups ?? 1), 3, 3], { requiresGrad: true });
      const b = randn([8], { requiresGrad: true });
      const y = conv2d(x, w, b, options);
      y.mul(y.detach().sin()).sum().backward();
      return [y, x.grad!, w.grad!, b.grad!].map((t) => Array.from(t.dataSync()));
    };
    for (const options of [{ padding: 1 }, { stride: 2, groups: 2 }, { dilation: 2, padding: 2 }]) {
      const expected = await run('cpu', options);
      const actual = await run('wasm-conv', options);
      actual.forEach((values, k) => {
        const scale = expected[k].reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        values.forEach((v, i) => expect(Math.abs(v - expected[k][i])).toBeLessThanOrEqual(1e-4 * scale));
      });
    }
    wasm.dispose();
  }, 60_000);
});

describe('worker pool', () => {
  it('splits large products across threads with results identical to one thread', async () => {
    const b = await createWasmBackend({ threads: 2 });
    expect(b.threads).toBe(2);
    registerBackend('wasm-threads', () => b, -1);
    await setBackend('wasm-threads');
    manualSeed(3);
    // Tall (split by rows), wide (split by columns), transposed operands, and a batch.
    const cases = [
      [randn([300, 200]), randn([200, 90])],
      [randn([6, 300]), randn([300, 500])],
      [randn([257, 129]).t(), randn([70, 257]).t()],
      [randn([3, 80, 90]), randn([3, 90, 100])],
    ];
    const two = cases.map(([x, y]) => Array.from(x.matmul(y).dataSync()));
    await b.setThreads(1);
    expect(b.threads).toBe(1);
    const one = cases.map(([x, y]) => Array.from(x.matmul(y).dataSync()));
    expect(two).toEqual(one);
    await b.setThreads(2);
    const conv = () => {
      manualSeed(4);
      const x = randn([4, 8, 20, 20], { requiresGrad: true });
      const w = randn([16, 8, 3, 3], { requiresGrad: true });
      conv2d(x, w, null, { padding: 1 }).square().sum().backward();
      return [Array.from(x.grad!.dataSync()), Array.from(w.grad!.dataSync())];
    };
    const convTwo = conv();
    await b.setThreads(1);
    expect(conv()).toEqual(convTwo);
    b.dispose();
  }, 60_000);

  it('rejects impossible thread counts', async () => {
    const b = await createWasmBackend({ threads: 1 });
    await expect(b.setThreads(0)).rejects.toThrow(RangeError);
    const { readFile } = await import('node:fs/promises');
    const single = await createWasmBackend({
      wasm: await readFile(new URL('../dist/nnet.wasm', import.meta.url)),
    });
    await expect(single.setThreads(2)).rejects.toThrow(
      /threads need shared memory: .*Cross-Origin-Opener-Policy/,
    );
  });
});
