import {
  type Backend,
  conv2d,
  type DType,
  manualSeed,
  randn,
  registerBackend,
  scaledDotProductAttention,
  setBackend,
  type Tensor,
  type TypedArray,
} from '@nnet/tensor';
import { assertClose } from '@nnet/tensor/testing';
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
    // A freed block's entry stays (marked free) rather than being deleted: freeing it again must
    // still be refused, and so must a block handed out again and freed twice.
    const c = heap.alloc(10);
    heap.free(c);
    expect(() => heap.free(c)).toThrow(/unknown block/);
    expect(heap.alloc(10)).toBe(c);
    heap.free(c);
    expect(() => heap.free(c)).toThrow(/unknown block/);
  });
});

describe('module selection', () => {
  it('detects SIMD and picks the plain build where relaxed SIMD is off', async () => {
    expect(simdSupported()).toBe(true);
    const b = await createWasmBackend();
    expect(b.relaxed).toBe(relaxedSimdSupported());
  });

  it('probes relaxed SIMD: accepted under --experimental-wasm-relaxed-simd', async () => {
    const { execFileSync } = await import('node:child_process');
    const loader = new URL('../dist/loader.js', import.meta.url).href;
    const probe = (flags: string[]) =>
      execFileSync(process.execPath, [
        ...flags,
        '--input-type=module',
        '-e',
        `import { relaxedSimdSupported } from '${loader}'; console.log(relaxedSimdSupported());`,
      ])
        .toString()
        .trim();
    expect(probe(['--experimental-wasm-relaxed-simd'])).toBe('true');
    // A child with this process's flags agrees with this process's probe.
    expect(probe(process.execArgv)).toBe(String(relaxedSimdSupported()));
  });

  it('accepts the module bytes directly (for bundlers)', async () => {
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(new URL('../dist/nnet.wasm', import.meta.url));
    const b = await createWasmBackend({ wasm: bytes, relaxed: false });
    expect(b.relaxed).toBe(false);
    expect(b.memory()).toMatchObject({ storages: 0, bytes: 0 });
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
    // The cpu reference convolutions dominate (~40 s alone on one core): room for a loaded CI.
  }, 180_000);
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
    // Four images (two per thread: each thread's product over both) and five in two groups,
    // stride 2 (three and two per thread).
    const conv = () =>
      [
        { x: [4, 8, 20, 20], w: [16, 8, 3, 3], p: { padding: 1 } },
        { x: [5, 4, 9, 9], w: [6, 2, 3, 3], p: { stride: 2, padding: 1, groups: 2 } },
        // 10 output channels (rows past the 4-row tile); 11 images: six runs of the filter
        // gradient, each summing into its own partial, added in run order.
        { x: [3, 4, 7, 7], w: [10, 4, 3, 3], p: {} },
        { x: [11, 3, 6, 6], w: [5, 3, 3, 3], p: { padding: 1 } },
      ].map(({ x: xs, w: ws, p }) => {
        manualSeed(4);
        const x = randn(xs, { requiresGrad: true });
        const w = randn(ws, { requiresGrad: true });
        const y = conv2d(x, w, null, p);
        y.square().sum().backward();
        return [y, x.grad!, w.grad!].map((t) => Array.from(t.dataSync()));
      });
    // Every call split, however small: each thread runs its images as one thread runs a batch.
    b.setCostModel({ dispatch: 0 });
    const convTwo = conv();
    b.setCostModel({});
    await b.setThreads(1);
    const convOne = conv();
    convTwo.forEach(([y, dx, dw], c) => {
      // Each element computed as on one thread (dw: the same runs and partials): bit for bit.
      expect(y).toEqual(convOne[c][0]);
      expect(dx).toEqual(convOne[c][1]);
      expect(dw).toEqual(convOne[c][2]);
    });
    b.dispose();
  }, 60_000);

  it('splits a large fused attention by query blocks, identical to one thread and close to the reference', async () => {
    const b = await createWasmBackend({ threads: 2 });
    registerBackend('wasm-attention', () => b, -1);
    await setBackend('wasm-attention');
    const costs = b.costModel();
    expect(costs.dispatch).toBeGreaterThan(0);
    expect(costs.dispatch).toBeLessThan(Number.POSITIVE_INFINITY);
    manualSeed(11);
    // 2 x 2 heads, 256 queries over 256 keys of dim 64: hundreds of query blocks, many ms of work.
    const q = randn([2, 2, 256, 64]);
    const k = randn([2, 2, 256, 64]);
    const v = randn([2, 2, 256, 48]);
    const mask = randn([2, 1, 256, 256]);
    const run = () =>
      [
        scaledDotProductAttention(q, k, v, { isCausal: true }),
        scaledDotProductAttention(q, k, v, { attnMask: mask }),
      ].map((t) => Array.from(t.dataSync()));
    const two = run();
    await b.setThreads(1);
    expect(run()).toEqual(two);
    // Within 1e-4·(1 + |expected|): the one close-to rule of @nnet/tensor/testing.
    const close = (actual: number[], expected: Tensor) =>
      assertClose(actual, expected.dataSync(), { rtol: 1e-4, atol: 1e-4 });
    // The unfused decomposition: softmax(q·kᵀ/8 + mask)·v.
    close(
      two[1],
      q
        .matmul(k.transpose(-1, -2))
        .mul(1 / 8)
        .add(mask)
        .softmax(-1)
        .matmul(v),
    );
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

describe('out-of-range indices', () => {
  // Random indices in [-3, axis length + 3) on random shapes: gather must write 0 and scatterAdd
  // drop the contribution (the CPU backend's rule, checked by hand in its own tests), both on the
  // AssemblyScript path (float32/int32, rank <= 16) and the TypeScript one (bool, rank 17).
  it('gather writes 0 and scatterAdd drops the contribution, as on the CPU backend', async () => {
    const { CpuBackend } = await import('@nnet/backend-cpu');
    const cpu = new CpuBackend();
    const wasm = await createWasmBackend({ threads: 1 });
    let seed = 5;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    const make = (dtype: DType, n: number, f: () => number): TypedArray =>
      dtype === 'float32'
        ? Float32Array.from({ length: n }, f)
        : dtype === 'int32'
          ? Int32Array.from({ length: n }, f)
          : Uint8Array.from({ length: n }, () => (f() ? 1 : 0));
    const shapes = [[], [5], [3, 4], [2, 3, 4], [...new Array<number>(16).fill(1), 3, 2]];
    let outOfRange = 0;
    for (const shape of shapes) {
      for (let axis = 0; axis < Math.max(1, shape.length); axis++) {
        for (const dtype of ['float32', 'int32', 'bool'] as const) {
          const n = shape.reduce((a, b) => a * b, 1);
          const len = shape.length === 0 ? 1 : shape[axis];
          const x = make(dtype, n, () => rnd(9) + 1);
          const index = Int32Array.from({ length: n }, () => rnd(len + 6) - 3);
          outOfRange += index.filter((i) => i < 0 || i >= len).length;
          const src = make(dtype, n, () => rnd(9) + 1);
          const results = [cpu, wasm].map((be: Backend) => {
            const t = (data: TypedArray, dt: DType) => {
              const handle = be.alloc(dt, n);
              be.write(handle, data);
              return { handle, dtype: dt, shape };
            };
            const out = t(
              make(dtype, n, () => 7),
              dtype,
            );
            be.gather(t(x, dtype), axis, t(index, 'int32'), out);
            const acc = t(
              make(dtype, n, () => 1),
              dtype,
            );
            if (dtype !== 'bool' || shape.length > 16)
              be.scatterAdd(acc, axis, t(index, 'int32'), t(src, dtype));
            return [be.readSync!(out.handle, dtype, n), be.readSync!(acc.handle, dtype, n)].map((a) =>
              Array.from(a),
            );
          });
          expect(results[1], `${dtype} [${shape}] axis ${axis}`).toEqual(results[0]);
        }
      }
    }
    expect(outOfRange).toBeGreaterThan(50);
    wasm.dispose();
  });
});

describe('ranks above the AssemblyScript kernels’ multi-index limit', () => {
  // Broadcasting over 9–20 dims (mostly 1s and 2s) must match the CPU backend: up to Limit.rank
  // dims the AssemblyScript kernels walk them, above it the TypeScript kernels do.
  it('binary, compare, where and copyStrided match the CPU backend at ranks 9 to 20', async () => {
    const { CpuBackend } = await import('@nnet/backend-cpu');
    const backends: Backend[] = [new CpuBackend(), await createWasmBackend({ threads: 1 })];
    let seed = 9;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (const rank of [9, 12, 16, 17, 20]) {
      const out = Array.from({ length: rank }, (_, d) => (d < 3 ? 2 : d === rank - 1 ? 3 : 1 + (d % 2)));
      const a = out.map((s, d) => (d % 3 === 0 ? 1 : s));
      const b = out.map((s, d) => (d % 3 === 1 ? 1 : s));
      const size = (s: number[]) => s.reduce((p, q) => p * q, 1);
      const dataA = Float32Array.from({ length: size(a) }, () => Math.round(rnd() * 8));
      const dataB = Float32Array.from({ length: size(b) }, () => Math.round(rnd() * 8));
      const mask = Uint8Array.from({ length: size(b) }, () => (rnd() < 0.5 ? 1 : 0));
      const results = backends.map((be) => {
        const t = (data: TypedArray, shape: number[], dtype: DType = 'float32') => {
          const handle = be.alloc(dtype, size(shape));
          be.write(handle, data);
          return { handle, dtype, shape };
        };
        const empty = (dtype: DType) => ({ handle: be.alloc(dtype, size(out)), dtype, shape: out });
        const [x, y] = [t(dataA, a), t(dataB, b)];
        const [sum, less, picked, copied] = [
          empty('float32'),
          empty('bool'),
          empty('float32'),
          empty('float32'),
        ];
        be.binary('sub', x, y, sum);
        be.compare('lt', x, y, less);
        be.where(t(mask, b, 'bool'), x, y, picked);
        // The broadcast view of x as a strided copy: stride 0 where x has 1.
        const strides = a.map((s, d) => (s === 1 ? 0 : size(a.slice(d + 1))));
        be.copyStrided({ ...x, shape: out, strides, offset: 0 }, copied);
        return [sum, less, picked, copied].map((r) => Array.from(be.readSync!(r.handle, r.dtype, size(out))));
      });
      expect(results[1], `rank ${rank}`).toEqual(results[0]);
    }
  });
});
