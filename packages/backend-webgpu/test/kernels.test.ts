/**
 * The WGSL kernels against backend-cpu's on shapes the shared fixtures do not reach: tiles that do
 * not divide the matrix, broadcast batches, rows long enough for the workgroup-tree reduction,
 * many dispatches in one batch, writes ordered after pending dispatches, and scatterAdd /
 * pooling gradients with many colliding contributions (bit-identical: same order as the CPU).
 */
import { CpuBackend } from '@nnet/backend-cpu';
import type { Backend, Conv2dParams, DType, Pool2dParams, TensorInfo, TypedArray } from '@nnet/tensor';
import { BackendError } from '@nnet/tensor';
import { assertClose } from '@nnet/tensor/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { DeviceLostError, WebGpuBackend } from '../src/index.js';
import { sizeClass } from '../src/runtime.js';
import { grid } from '../src/shaders/common.js';
import { tryBackend } from './adapter.js';

const probe = await tryBackend();
const gpu = 'backend' in probe ? probe.backend : null;
const cpu = new CpuBackend();
afterAll(() => gpu?.dispose());

let seed = 7;
function rand(n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed / 2147483648 - 0.5) * 2 * scale;
  });
}
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

type Input = { data: TypedArray; shape: number[]; dtype?: DType };
type Output = { shape: number[]; dtype?: DType };

/**
 * Runs `call` on cpu and on webgpu with the same inputs and outputs; resolves to both backends'
 * outputs (and inputs, for in-place kernels) read back.
 */
async function both(
  inputs: Input[],
  outputs: Output[],
  call: (be: Backend, ins: TensorInfo[], outs: TensorInfo[]) => void,
): Promise<{ cpu: TypedArray[]; gpu: TypedArray[] }> {
  const runOn = async (be: Backend) => {
    const mk = (shape: number[], dtype: DType) => ({ handle: be.alloc(dtype, size(shape)), dtype, shape });
    const ins = inputs.map((x) => {
      const t = mk(x.shape, x.dtype ?? 'float32');
      if (x.data.length) be.write(t.handle, x.data);
      return t;
    });
    const outs = outputs.map((o) => mk(o.shape, o.dtype ?? 'float32'));
    call(be, ins, outs);
    const all = [...outs, ...ins];
    const got = [];
    for (const t of all) got.push(await be.read(t.handle, t.dtype, size(t.shape)));
    for (const t of all) be.free(t.handle);
    return got;
  };
  return { cpu: await runOn(cpu), gpu: await runOn(gpu as WebGpuBackend) };
}

const suite = gpu ? describe : describe.skip;

suite('matmul and linear (tiled, shared memory)', () => {
  for (const [M, K, N] of [
    [33, 47, 65],
    [64, 64, 64],
    [5, 130, 3],
  ]) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`${M}x${K}x${N} transA=${transA} transB=${transB}, batch 3 against a broadcast operand`, async () => {
          const a = rand(3 * M * K);
          const b = rand(K * N);
          const r = await both(
            [
              { data: a, shape: transA ? [3, K, M] : [3, M, K] },
              { data: b, shape: transB ? [1, N, K] : [1, K, N] },
            ],
            [{ shape: [3, M, N] }],
            (be, [x, y], [o]) => be.matmul(x, y, o, { transA, transB }),
          );
          assertClose(r.gpu[0], r.cpu[0], { rtol: 1e-4, atol: 1e-4 });
        });
      }
    }
  }

  for (const act of ['none', 'relu', 'tanh', 'sigmoid'] as const) {
    it(`linear 37x50 -> 45 with bias, ${act}`, async () => {
      const r = await both(
        [
          { data: rand(37 * 50), shape: [37, 50] },
          { data: rand(45 * 50), shape: [45, 50] },
          { data: rand(45), shape: [45] },
        ],
        [{ shape: [37, 45] }],
        (be, [x, w, bias], [o]) => be.linear?.(x, w, bias, act, o),
      );
      assertClose(r.gpu[0], r.cpu[0], { rtol: 1e-4, atol: 1e-4 });
    });
  }
});

suite('reductions', () => {
  it('sum, max, min over a row of 3000 (workgroup tree) and over axes [0, 2]', async () => {
    const x = rand(4 * 3000, 2);
    for (const op of ['sum', 'max', 'min'] as const) {
      const r = await both([{ data: x, shape: [4, 3000] }], [{ shape: [4, 1] }], (be, [a], [o]) =>
        be.reduce(op, a, [1], o),
      );
      assertClose(r.gpu[0], r.cpu[0], { rtol: 1e-4, atol: 1e-4 });
      const s = await both([{ data: x, shape: [6, 50, 40] }], [{ shape: [1, 50, 1] }], (be, [a], [o]) =>
        be.reduce(op, a, [0, 2], o),
      );
      assertClose(s.gpu[0], s.cpu[0], { rtol: 1e-4, atol: 1e-4 });
    }
  });

  it('a few rows of 60000 go through two passes (segments, then partials): float and int32', async () => {
    const x = rand(3 * 60000, 2);
    for (const op of ['sum', 'max', 'min'] as const) {
      let passes = 0;
      const r = await both([{ data: x, shape: [3, 60000] }], [{ shape: [3, 1] }], (be, [a], [o]) => {
        const d0 = be instanceof WebGpuBackend ? be.stats().dispatches : 0;
        be.reduce(op, a, [1], o);
        if (be instanceof WebGpuBackend) passes = be.stats().dispatches - d0;
      });
      expect(passes).toBe(2);
      assertClose(r.gpu[0], r.cpu[0], { rtol: 1e-4, atol: 1e-3 });
    }
    const ints = Int32Array.from(x, (v) => Math.round(v * 100));
    const bools = Uint8Array.from(x, (v) => (v > 0.5 ? 1 : 0));
    for (const op of ['sum', 'max', 'min'] as const) {
      const r = await both(
        [{ data: ints, shape: [60000, 3], dtype: 'int32' }],
        [{ shape: [1, 3], dtype: 'int32' }],
        (be, [a], [o]) => be.reduce(op, a, [0], o),
      );
      expect(Array.from(r.gpu[0])).toEqual(Array.from(r.cpu[0]));
    }
    const b = await both(
      [{ data: bools, shape: [180000], dtype: 'bool' }],
      [{ shape: [1], dtype: 'int32' }],
      (be, [a], [o]) => be.reduce('sum', a, [0], o),
    );
    expect(Array.from(b.gpu[0])).toEqual(Array.from(b.cpu[0]));
  });

  it('a NaN anywhere in a long row wins max', async () => {
    const x = rand(2000);
    x[1234] = Number.NaN;
    const r = await both([{ data: x, shape: [2000] }], [{ shape: [1] }], (be, [a], [o]) =>
      be.reduce('max', a, [0], o),
    );
    expect(r.gpu[0][0]).toBeNaN();
  });

  it('argmax and argmin along the middle axis', async () => {
    const x = rand(5 * 300 * 7);
    for (const op of ['argmax', 'argmin'] as const) {
      const r = await both(
        [{ data: x, shape: [5, 300, 7] }],
        [{ shape: [5, 1, 7], dtype: 'int32' }],
        (be, [a], [o]) => be.argReduce(op, a, 1, o),
      );
      expect(Array.from(r.gpu[0])).toEqual(Array.from(r.cpu[0]));
    }
  });
});

suite('scatterAdd and gather', () => {
  it('scatterAdd with many duplicates is bit-identical to the CPU (same order, no atomics)', async () => {
    const idx = Int32Array.from({ length: 500 * 6 }, (_, i) => (i * 7919) % 11);
    const r = await both(
      [
        { data: rand(11 * 6), shape: [11, 6] },
        { data: idx, shape: [500, 6], dtype: 'int32' },
        { data: rand(500 * 6), shape: [500, 6] },
      ],
      [],
      (be, [out, index, src]) => be.scatterAdd(out, 0, index, src),
    );
    expect(Array.from(r.gpu[0])).toEqual(Array.from(r.cpu[0]));
  });

  it('out-of-range indices: gather reads 0, scatterAdd drops the contribution (contract rule)', async () => {
    const be = gpu as WebGpuBackend;
    const mk = (data: Float32Array | Int32Array, shape: number[], dtype: DType) => {
      const h = be.alloc(dtype, size(shape));
      be.write(h, data);
      return { handle: h, dtype, shape };
    };
    const x = mk(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], 'float32');
    const index = mk(Int32Array.from([2, -1, 3, 0, 1, 7]), [2, 3], 'int32');
    const out = mk(new Float32Array(6), [2, 3], 'float32');
    be.gather(x, 1, index, out);
    expect(Array.from(await be.read(out.handle, 'float32', 6))).toEqual([3, 0, 0, 4, 5, 0]);
    be.scatterAdd(out, 1, index, x);
    expect(Array.from(await be.read(out.handle, 'float32', 6))).toEqual([3, 0, 1, 8, 10, 0]);
    for (const t of [x, index, out]) be.free(t.handle);
  });

  it('gather along the last axis', async () => {
    const idx = Int32Array.from({ length: 8 * 30 }, (_, i) => (i * 31) % 17);
    const r = await both(
      [
        { data: rand(8 * 17), shape: [8, 17] },
        { data: idx, shape: [8, 30], dtype: 'int32' },
      ],
      [{ shape: [8, 30] }],
      (be, [x, index], [o]) => be.gather(x, 1, index, o),
    );
    expect(Array.from(r.gpu[0])).toEqual(Array.from(r.cpu[0]));
  });
});

suite('convolution, pooling, softmax, optimizer steps', () => {
  const conv: Conv2dParams = {
    strideH: 2,
    strideW: 1,
    padH: 1,
    padW: 2,
    dilationH: 2,
    dilationW: 1,
    groups: 2,
  };
  const xs = [3, 4, 11, 9];
  const ws = [6, 2, 3, 2];
  const ys = [3, 6, 5, 12];

  it('conv2d and both gradients', async () => {
    const x = rand(size(xs));
    const w = rand(size(ws));
    const dy = rand(size(ys));
    const f = await both(
      [
        { data: x, shape: xs },
        { data: w, shape: ws },
        { data: rand(6), shape: [6] },
      ],
      [{ shape: ys }],
      (be, [a, b, bias], [o]) => be.conv2d?.(a, b, bias, conv, o),
    );
    assertClose(f.gpu[0], f.cpu[0], { rtol: 1e-4, atol: 1e-4 });
    const bi = await both(
      [
        { data: dy, shape: ys },
        { data: w, shape: ws },
      ],
      [{ shape: xs }],
      (be, [g, b], [o]) => be.conv2dBackwardInput?.(g, b, conv, o),
    );
    assertClose(bi.gpu[0], bi.cpu[0], { rtol: 1e-4, atol: 1e-4 });
    const bf = await both(
      [
        { data: x, shape: xs },
        { data: dy, shape: ys },
      ],
      [{ shape: ws }],
      (be, [a, g], [o]) => be.conv2dBackwardFilter?.(a, g, conv, o),
    );
    assertClose(bf.gpu[0], bf.cpu[0], { rtol: 1e-4, atol: 1e-4 });
  });

  it('max and average pooling with overlapping windows, and their gradients', async () => {
    const pool: Pool2dParams = {
      kernelH: 3,
      kernelW: 3,
      strideH: 1,
      strideW: 2,
      padH: 1,
      padW: 1,
      countIncludePad: false,
    };
    const x = rand(2 * 3 * 10 * 9);
    // Repeated values so windows tie and many outputs pick the same input.
    for (let i = 0; i < x.length; i += 3) x[i] = 0.5;
    const outShape = [2, 3, 10, 5];
    const mp = await both(
      [{ data: x, shape: [2, 3, 10, 9] }],
      [{ shape: outShape }, { shape: outShape, dtype: 'int32' }],
      (be, [a], [o, idx]) => be.maxPool2d?.(a, pool, o, idx),
    );
    assertClose(mp.gpu[0], mp.cpu[0], { rtol: 0, atol: 0 });
    expect(Array.from(mp.gpu[1])).toEqual(Array.from(mp.cpu[1]));
    const dy = rand(size(outShape));
    const mb = await both(
      [
        { data: dy, shape: outShape },
        { data: mp.cpu[1], shape: outShape, dtype: 'int32' },
      ],
      [{ shape: [2, 3, 10, 9] }],
      (be, [g, idx], [o]) => be.maxPool2dBackward?.(g, idx, o),
    );
    expect(Array.from(mb.gpu[0])).toEqual(Array.from(mb.cpu[0]));
    // Indices straight from the backend's own maxPool2d: the windowed gradient, same sums.
    let newPipelines = 0;
    const chained = await both(
      [
        { data: x, shape: [2, 3, 10, 9] },
        { data: dy, shape: outShape },
      ],
      [{ shape: outShape }, { shape: outShape, dtype: 'int32' }, { shape: [2, 3, 10, 9] }],
      (be, [a, g], [o, idx, dx]) => {
        be.maxPool2d?.(a, pool, o, idx);
        const before = be instanceof WebGpuBackend ? be.stats().pipelines : 0;
        be.maxPool2dBackward?.(g, idx, dx);
        if (be instanceof WebGpuBackend) newPipelines = be.stats().pipelines - before;
      },
    );
    expect(Array.from(chained.gpu[2])).toEqual(Array.from(chained.cpu[2]));
    expect(Array.from(chained.gpu[2])).toEqual(Array.from(mb.cpu[0]));
    // The windowed shader compiled here (first use in this file): that is the path that ran.
    expect(newPipelines).toBe(1);
    for (const countIncludePad of [false, true]) {
      const p = { ...pool, countIncludePad };
      const ap = await both([{ data: x, shape: [2, 3, 10, 9] }], [{ shape: outShape }], (be, [a], [o]) =>
        be.avgPool2d?.(a, p, o),
      );
      assertClose(ap.gpu[0], ap.cpu[0], { rtol: 1e-5, atol: 1e-6 });
      const ab = await both([{ data: dy, shape: outShape }], [{ shape: [2, 3, 10, 9] }], (be, [g], [o]) =>
        be.avgPool2dBackward?.(g, p, o),
      );
      assertClose(ab.gpu[0], ab.cpu[0], { rtol: 1e-5, atol: 1e-6 });
    }
  });

  it('softmax and logSoftmax over rows of 1500 (workgroup trees), with a NaN row and an all -Infinity row', async () => {
    const x = rand(5 * 1500, 8);
    x[2 * 1500 + 77] = Number.NaN;
    x.fill(Number.NEGATIVE_INFINITY, 3 * 1500, 4 * 1500);
    for (const op of ['softmax', 'logSoftmax'] as const) {
      const r = await both([{ data: x, shape: [5, 1500] }], [{ shape: [5, 1500] }], (be, [a], [o]) =>
        be[op]?.(a, 1, o),
      );
      assertClose(r.gpu[0], r.cpu[0], { rtol: 1e-5, atol: 1e-6 });
      expect(r.gpu[0][2 * 1500]).toBeNaN();
      expect(r.gpu[0][3 * 1500]).toBeNaN();
    }
  });

  it('softmax and logSoftmax over each axis of [4, 37, 5]', async () => {
    const x = rand(4 * 37 * 5, 6);
    for (const axis of [0, 1, 2]) {
      for (const op of ['softmax', 'logSoftmax'] as const) {
        const r = await both([{ data: x, shape: [4, 37, 5] }], [{ shape: [4, 37, 5] }], (be, [a], [o]) =>
          be[op]?.(a, axis, o),
        );
        assertClose(r.gpu[0], r.cpu[0], { rtol: 1e-5, atol: 1e-6 });
      }
    }
  });

  it('ten Adam (amsgrad) and Nesterov SGD steps in place', async () => {
    const n = 1000;
    const r = await both(
      [
        { data: rand(n), shape: [n] },
        { data: rand(n), shape: [n] },
        { data: new Float32Array(n), shape: [n] },
        { data: new Float32Array(n), shape: [n] },
        { data: new Float32Array(n), shape: [n] },
        { data: rand(n), shape: [n] },
        { data: new Float32Array(n), shape: [n] },
      ],
      [],
      (be, [p, g, m, v, vm, q, buf]) => {
        for (let step = 1; step <= 10; step++) {
          be.adamUpdate?.(p, g, m, v, vm, {
            lr: 0.01,
            beta1: 0.9,
            beta2: 0.99,
            eps: 1e-8,
            weightDecay: 0.01,
            decoupled: step % 2 === 0,
            amsgrad: true,
            step,
          });
          be.sgdUpdate?.(q, g, buf, {
            lr: 0.1,
            momentum: 0.9,
            dampening: 0.1,
            nesterov: true,
            weightDecay: 0.001,
            first: step === 1,
          });
        }
      },
    );
    for (const k of [0, 2, 3, 4, 5, 6]) assertClose(r.gpu[k], r.cpu[k], { rtol: 1e-5, atol: 1e-6 });
  });
});

suite('runtime: batching, ordering, pool, device loss', () => {
  it('601 dependent dispatches go out in 3 submissions and give the CPU chain', async () => {
    let counts = { dispatches: 0, submissions: 0 };
    const r = await both(
      [{ data: rand(1000), shape: [1000] }],
      [{ shape: [1000] }, { shape: [1000] }],
      (be, [x], [a, b]) => {
        const s0 = be instanceof WebGpuBackend ? be.stats() : null;
        be.unary('sigmoid', x, a);
        for (let i = 0; i < 300; i++) {
          be.binary('add', a, x, b);
          be.unary('tanh', b, a);
        }
        if (s0 && be instanceof WebGpuBackend) {
          be.flush();
          const s1 = be.stats();
          counts = {
            dispatches: s1.dispatches - s0.dispatches,
            submissions: s1.submissions - s0.submissions,
          };
        }
      },
    );
    assertClose(r.gpu[0], r.cpu[0], { rtol: 1e-5, atol: 1e-5 });
    // Two full batches of 256 dispatches, then the explicit flush of the last 89.
    expect(counts).toEqual({ dispatches: 601, submissions: 3 });
  });

  it('an output that is also an input (in-place ops, x.copy_(x)) gives the CPU values', async () => {
    const r = await both(
      [
        { data: rand(600), shape: [20, 30] },
        { data: rand(30), shape: [1, 30] },
        { data: Uint8Array.from({ length: 600 }, (_, i) => i % 3), shape: [20, 30], dtype: 'bool' },
      ],
      [],
      (be, [x, b, cond]) => {
        be.binary('mul', x, x, x); // x *= x: one buffer as both operands and the output
        be.binary('add', x, b, x); // x += b (broadcast)
        be.unary('tanh', x, x);
        be.where(cond, b, x, x);
        be.copyStrided({ ...x, strides: [30, 1], offset: 0 }, x);
      },
    );
    assertClose(r.gpu[0], r.cpu[0], { rtol: 1e-6, atol: 1e-6 });
    // The copies the aliasing takes go back to the pool: no storage is left behind.
    expect((gpu as WebGpuBackend).memory().storages).toBe(0);
  });

  it('a write waits for the pending dispatches that read the buffer', async () => {
    const be = gpu as WebGpuBackend;
    const x = be.alloc('float32', 4);
    const y = be.alloc('float32', 4);
    be.write(x, new Float32Array([1, 2, 3, 4]));
    be.unary('neg', { handle: x, dtype: 'float32', shape: [4] }, { handle: y, dtype: 'float32', shape: [4] });
    be.write(x, new Float32Array([9, 9, 9, 9]));
    expect(Array.from(await be.read(y, 'float32', 4))).toEqual([-1, -2, -3, -4]);
    expect(Array.from(await be.read(x, 'float32', 4))).toEqual([9, 9, 9, 9]);
    be.free(x);
    be.free(y);
  });

  it('bool storage: one u32 per element, read back as 0/1 bytes; memory() counts 1 byte', async () => {
    const be = gpu as WebGpuBackend;
    const before = be.memory();
    const h = be.alloc('bool', 5);
    expect(be.memory().bytes - before.bytes).toBe(5);
    be.write(h, new Uint8Array([1, 0, 1, 1, 0]));
    expect(Array.from(await be.read(h, 'bool', 5))).toEqual([1, 0, 1, 1, 0]);
    be.free(h);
    expect(be.memory()).toEqual(before);
  });

  it('a storage larger than the device can bind is refused up front with BackendError', () => {
    const be = gpu as WebGpuBackend;
    const max = Math.min(be.device.limits.maxBufferSize, be.device.limits.maxStorageBufferBindingSize);
    expect(be.maxStorageBytes).toBe(max);
    expect(() => be.alloc('float32', max / 4 + 1)).toThrow(/more than this device binds in one buffer/);
    expect(() => be.alloc('bool', max / 4 + 1)).toThrow(/more than this device binds in one buffer/);
    expect(() => be.alloc('float32', -1)).toThrow(BackendError);
  });

  it('freed buffers return to the pool by size class and are reused', () => {
    expect(sizeClass(1)).toBe(256);
    expect(sizeClass(257)).toBe(320);
    expect(sizeClass(4096)).toBe(4096);
    expect(sizeClass(4097)).toBe(5120);
    const be = gpu as WebGpuBackend;
    const h = be.alloc('float32', 1000);
    const buffer = h.buffer;
    be.free(h);
    const again = be.alloc('float32', 990);
    expect(again.buffer).toBe(buffer);
    be.free(again);
  });

  it('grids beyond 65535 workgroups fold into a second dimension', () => {
    expect(grid(10)).toEqual([10, 1, 1]);
    expect(grid(65535 * 3 + 1)).toEqual([65535, 4, 1]);
  });

  it('after device.destroy() every call throws DeviceLostError', async () => {
    const fresh = await tryBackend();
    if (!('backend' in fresh)) return;
    const be = fresh.backend;
    const h = be.alloc('float32', 3);
    be.write(h, new Float32Array([1, 2, 3]));
    be.device.destroy();
    expect(await be.lost).toMatch(/destroyed/);
    expect(() => be.alloc('float32', 3)).toThrow(DeviceLostError);
    await expect(be.read(h, 'float32', 3)).rejects.toThrow(/device was lost/);
    expect(() =>
      be.unary(
        'exp',
        { handle: h, dtype: 'float32', shape: [3] },
        { handle: h, dtype: 'float32', shape: [3] },
      ),
    ).toThrow(DeviceLostError);
    be.free(h);
    expect(be.memory()).toEqual({ storages: 0, bytes: 0 });
  });
});
