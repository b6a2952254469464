/**
 * The WebAssembly backend. Tensors live in the module's linear memory (handles are byte offsets);
 * float32 hot paths (GEMM, convolution, elementwise, reductions, softmax, pooling) run in the
 * AssemblyScript SIMD kernels; the rest (int32/bool arithmetic, bool comparisons and selection,
 * wide-rank indexing) runs in @nnet/kernels-js directly on views of the same memory, so no
 * tensor ever leaves WASM memory. This class wires the pieces together: ffi.ts (the module's
 * exports), heap.ts (storages, views, parameter block, scratch), workers.ts (the thread pool's
 * lifecycle) and one file per kernel family in kernels/.
 */
import {
  type AdamUpdateParams,
  type ArgReduceOp,
  type AttentionParams,
  type Backend,
  type BinaryOp,
  type CompareOp,
  type Conv2dParams,
  type CrossEntropyParams,
  type DType,
  dtypeOfArray,
  type FusedActivation,
  type MatmulOptions,
  type Pool2dParams,
  type ReduceOp,
  type ResizeAxisParams,
  type SGDUpdateParams,
  type StridedInfo,
  type TensorInfo,
  type TypedArray,
  type UnaryOp,
} from '@nnet/tensor';
import type { KernelExports } from './ffi.js';
import { Heap } from './heap.js';
import { attention } from './kernels/attention.js';
import type { WasmContext } from './kernels/context.js';
import * as conv from './kernels/conv.js';
import * as crossEntropy from './kernels/crossentropy.js';
import * as elementwise from './kernels/elementwise.js';
import * as layout from './kernels/layout.js';
import { linear, matmul } from './kernels/matmul.js';
import * as optimizer from './kernels/optimizer.js';
import * as pooling from './kernels/pooling.js';
import * as reduction from './kernels/reduce.js';
import * as resize from './kernels/resize.js';
import { cumsum } from './kernels/scan.js';
import * as softmax from './kernels/softmax.js';
import { sortRows } from './kernels/sort.js';
import { type CostModel, Parallel } from './parallel.js';
import { MAX_WORKERS, Workers } from './workers.js';

/**
 * nnet's WebAssembly backend: tensors live in one linear memory (a handle is a byte offset into
 * it) and the kernels are AssemblyScript SIMD code (packed GEMM, im2col convolution, fused
 * attention, ...), split per call across a worker pool when the cost model says it pays.
 * Importing the package registers it as 'wasm' (priority above 'cpu'); `createWasmBackend`
 * makes a separate instance. Every method takes dense row-major tensors of the shapes the
 * Backend contract in @nnet/tensor documents.
 *
 * ```ts
 * import { setBackend, randn } from '@nnet/tensor';
 * import { createWasmBackend } from '@nnet/backend-wasm';
 * await setBackend('wasm');
 * randn([64, 784]).matmul(randn([784, 128])).shape; // [64, 128], computed on the wasm backend
 *
 * const b = await createWasmBackend({ threads: 2 }); // or an instance of its own
 * b.threads; // 2
 * b.dispose();
 * ```
 */
export class WasmBackend implements Backend<number> {
  /** The backend's registry name, 'wasm' (also the front end's `tensor.device`). */
  readonly name = 'wasm';
  /** A storage fits in linear memory: 2 GiB with the shared (threaded) memory, 4 GiB without. */
  readonly maxStorageBytes: number;
  private readonly heap: Heap;
  private readonly workers: Workers;
  private readonly ctx: WasmContext;

  constructor(
    instance: WebAssembly.Instance,
    /** Whether the relaxed-SIMD build is running. */
    readonly relaxed: boolean,
    /** The compiled module and its shared memory, when threads are possible. */
    sharing?: { module: WebAssembly.Module; memory: WebAssembly.Memory },
  ) {
    const k = instance.exports as unknown as KernelExports;
    this.maxStorageBytes = sharing ? 2 ** 31 : 2 ** 32;
    const heap = new Heap(sharing?.memory ?? k.memory, k.heapBase());
    const workers = new Workers(heap, k.gemmScratchBytes(), sharing);
    this.heap = heap;
    this.workers = workers;
    this.ctx = { k, heap, par: new Parallel(k, heap, workers) };
  }

  /** Threads used for large products (1 without a shared memory). */
  get threads(): number {
    return this.workers.threads;
  }

  /**
   * Uses `n` threads (the calling one included) for large products. Needs the shared-memory
   * build (Node); elsewhere only 1 is accepted.
   */
  async setThreads(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS + 1) {
      throw new RangeError(`setThreads: n must be an integer from 1 to ${MAX_WORKERS + 1}, got ${n}.`);
    }
    await this.workers.set(n);
  }

  /**
   * The cost model that decides, per call, whether work is split across threads: nanoseconds per
   * GEMM flop, per element of a cheap and of a transcendental element-wise op (timed on one
   * thread at start-up), and how long a worker takes to join a split call, workers dozing after
   * a recent task (`dispatch`) and still polling (`hotDispatch`) (timed when the pool starts;
   * Infinity with one thread); re-timed every 5 s of threaded use. Each kind of call's estimate
   * is then scaled by what such calls measured. A call of estimated time t is split when
   * (t − latency)·(1 − 1/threads) exceeds twice the cost of publishing it (8 µs; the calling
   * thread works while the workers join, so a late worker never makes it wait).
   *
   *   const b = await createWasmBackend({ threads: 2 });
   *   b.costModel(); // { gemmFlop: 0.03, elem: 0.2, transcendental: 4.4, dispatch: 60000, hotDispatch: 3000 }
   */
  costModel(): CostModel {
    return this.ctx.par.model();
  }

  /**
   * Pins figures of the cost model instead of the measured ones (`{}` goes back to measuring):
   * a pinned `dispatch` is used as both latencies and as the publishing cost, so
   * `{ dispatch: 0 }` splits every call that can be split, `{ dispatch: Infinity }` none.
   *
   *   b.setCostModel({ dispatch: 0 }); // e.g. to test the split paths on small inputs
   */
  setCostModel(figures: Partial<Omit<CostModel, 'hotDispatch'>>): void {
    for (const [key, value] of Object.entries(figures)) {
      if (
        !['gemmFlop', 'elem', 'transcendental', 'dispatch'].includes(key) ||
        !(typeof value === 'number' && value >= 0)
      ) {
        throw new RangeError(
          `setCostModel: ${key} must be one of gemmFlop, elem, transcendental, dispatch with a number >= 0, got ${String(value)}.`,
        );
      }
    }
    this.ctx.par.pin(figures);
  }

  /** Stops the worker pool. */
  dispose(): void {
    this.workers.stop();
  }

  // ---- storage -----------------------------------------------------------------------------

  alloc(dtype: DType, size: number): number {
    return this.heap.allocStorage(dtype, size);
  }

  free(handle: number): void {
    this.heap.freeStorage(handle);
  }

  write(handle: number, data: TypedArray, offset = 0): void {
    this.heap.view(handle, dtypeOfArray(data), data.length, offset).set(data);
  }

  async read(handle: number, dtype: DType, size: number): Promise<TypedArray> {
    return this.readSync(handle, dtype, size);
  }

  readSync(handle: number, dtype: DType, size: number): TypedArray {
    // Copy out with set() into a fresh array (a slice of the heap is several times slower).
    const out =
      dtype === 'float32'
        ? new Float32Array(size)
        : dtype === 'int32'
          ? new Int32Array(size)
          : new Uint8Array(size);
    out.set(this.heap.view(handle, dtype, size));
    return out;
  }

  /**
   * What the backend holds: `storages` live storages of `bytes` bytes in all, in a heap whose
   * extent (live blocks and free lists) is `reserved` bytes.
   *
   *   const h = b.alloc('float32', 1000);
   *   b.memory(); // { storages: 1, bytes: 4000, reserved: … } (reserved ≥ 4096: blocks are powers of two, scratch included)
   */
  memory(): {
    /** Live storages. */
    storages: number;
    /** Their bytes, as asked for. */
    bytes: number;
    /** The heap's extent: live blocks and free lists. */
    reserved: number;
  } {
    return { ...this.heap.storageStats(), reserved: this.heap.allocator.heapBytes };
  }

  /** Bytes of linear memory in use by the heap (live blocks and free lists). */
  heapBytes(): number {
    return this.heap.allocator.heapBytes;
  }

  // ---- required kernels ----------------------------------------------------------------------

  unary(op: UnaryOp, x: TensorInfo<number>, out: TensorInfo<number>): void {
    elementwise.unary(this.ctx, op, x, out);
  }

  binary(op: BinaryOp, a: TensorInfo<number>, b: TensorInfo<number>, out: TensorInfo<number>): void {
    elementwise.binary(this.ctx, op, a, b, out);
  }

  compare(op: CompareOp, a: TensorInfo<number>, b: TensorInfo<number>, out: TensorInfo<number>): void {
    elementwise.compare(this.ctx, op, a, b, out);
  }

  where(
    cond: TensorInfo<number>,
    a: TensorInfo<number>,
    b: TensorInfo<number>,
    out: TensorInfo<number>,
  ): void {
    elementwise.where(this.ctx, cond, a, b, out);
  }

  cast(x: TensorInfo<number>, out: TensorInfo<number>): void {
    elementwise.cast(this.ctx, x, out);
  }

  fill(out: TensorInfo<number>, value: number): void {
    elementwise.fill(this.ctx, out, value);
  }

  copyStrided(x: StridedInfo<number>, out: TensorInfo<number>): void {
    layout.copyStrided(this.ctx, x, out);
  }

  reduce(op: ReduceOp, x: TensorInfo<number>, axes: readonly number[], out: TensorInfo<number>): void {
    reduction.reduce(this.ctx, op, x, axes, out);
  }

  argReduce(op: ArgReduceOp, x: TensorInfo<number>, axis: number, out: TensorInfo<number>): void {
    reduction.argReduce(this.ctx, op, x, axis, out);
  }

  matmul(
    a: TensorInfo<number>,
    b: TensorInfo<number>,
    out: TensorInfo<number>,
    options: MatmulOptions,
  ): void {
    matmul(this.ctx, a, b, out, options);
  }

  gather(x: TensorInfo<number>, axis: number, index: TensorInfo<number>, out: TensorInfo<number>): void {
    layout.gather(this.ctx, x, axis, index, out);
  }

  scatterAdd(
    out: TensorInfo<number>,
    axis: number,
    index: TensorInfo<number>,
    src: TensorInfo<number>,
  ): void {
    layout.scatterAdd(this.ctx, out, axis, index, src);
  }

  // ---- optional kernels --------------------------------------------------------------------

  conv2d(
    x: TensorInfo<number>,
    w: TensorInfo<number>,
    bias: TensorInfo<number> | null,
    p: Conv2dParams,
    out: TensorInfo<number>,
  ): void {
    conv.conv2d(this.ctx, x, w, bias, p, out);
  }

  conv2dBackwardInput(
    dy: TensorInfo<number>,
    w: TensorInfo<number>,
    p: Conv2dParams,
    dx: TensorInfo<number>,
  ): void {
    conv.conv2dBackwardInput(this.ctx, dy, w, p, dx);
  }

  conv2dBackwardFilter(
    x: TensorInfo<number>,
    dy: TensorInfo<number>,
    p: Conv2dParams,
    dw: TensorInfo<number>,
  ): void {
    conv.conv2dBackwardFilter(this.ctx, x, dy, p, dw);
  }

  maxPool2d(
    x: TensorInfo<number>,
    p: Pool2dParams,
    out: TensorInfo<number>,
    indices: TensorInfo<number>,
  ): void {
    pooling.maxPool2d(this.ctx, x, p, out, indices);
  }

  maxPool2dBackward(dy: TensorInfo<number>, indices: TensorInfo<number>, dx: TensorInfo<number>): void {
    pooling.maxPool2dBackward(this.ctx, dy, indices, dx);
  }

  avgPool2d(x: TensorInfo<number>, p: Pool2dParams, out: TensorInfo<number>): void {
    pooling.avgPool2d(this.ctx, x, p, out);
  }

  avgPool2dBackward(dy: TensorInfo<number>, p: Pool2dParams, dx: TensorInfo<number>): void {
    pooling.avgPool2dBackward(this.ctx, dy, p, dx);
  }

  softmax(x: TensorInfo<number>, axis: number, out: TensorInfo<number>): void {
    softmax.softmax(this.ctx, x, axis, out);
  }

  logSoftmax(x: TensorInfo<number>, axis: number, out: TensorInfo<number>): void {
    softmax.logSoftmax(this.ctx, x, axis, out);
  }

  sgdUpdate(
    param: TensorInfo<number>,
    grad: TensorInfo<number>,
    momentumBuf: TensorInfo<number> | null,
    o: SGDUpdateParams,
  ): void {
    optimizer.sgdUpdate(this.ctx, param, grad, momentumBuf, o);
  }

  adamUpdate(
    param: TensorInfo<number>,
    grad: TensorInfo<number>,
    expAvg: TensorInfo<number>,
    expAvgSq: TensorInfo<number>,
    maxExpAvgSq: TensorInfo<number> | null,
    o: AdamUpdateParams,
  ): void {
    optimizer.adamUpdate(this.ctx, param, grad, expAvg, expAvgSq, maxExpAvgSq, o);
  }

  linear(
    x: TensorInfo<number>,
    w: TensorInfo<number>,
    bias: TensorInfo<number> | null,
    activation: FusedActivation,
    out: TensorInfo<number>,
  ): void {
    linear(this.ctx, x, w, bias, activation, out);
  }

  attention(
    q: TensorInfo<number>,
    k: TensorInfo<number>,
    v: TensorInfo<number>,
    mask: TensorInfo<number> | null,
    params: AttentionParams,
    out: TensorInfo<number>,
    logsumexp: TensorInfo<number>,
  ): void {
    attention(this.ctx, q, k, v, mask, params, out, logsumexp);
  }

  sortRows(
    x: TensorInfo<number>,
    descending: boolean,
    values: TensorInfo<number>,
    indices: TensorInfo<number>,
  ): void {
    sortRows(this.ctx, x, descending, values, indices);
  }

  cumsum(x: TensorInfo<number>, axis: number, reverse: boolean, out: TensorInfo<number>): void {
    cumsum(this.ctx, x, axis, reverse, out);
  }

  resizeAxis(x: TensorInfo<number>, params: ResizeAxisParams, out: TensorInfo<number>): void {
    resize.resizeAxis(this.ctx, x, params, out);
  }

  resizeAxisBackward(dy: TensorInfo<number>, params: ResizeAxisParams, dx: TensorInfo<number>): void {
    resize.resizeAxisBackward(this.ctx, dy, params, dx);
  }

  crossEntropy(
    logits: TensorInfo<number>,
    target: TensorInfo<number>,
    params: CrossEntropyParams,
    loss: TensorInfo<number>,
    logsumexp: TensorInfo<number>,
  ): void {
    crossEntropy.crossEntropy(this.ctx, logits, target, params, loss, logsumexp);
  }

  crossEntropyBackward(
    logits: TensorInfo<number>,
    target: TensorInfo<number>,
    logsumexp: TensorInfo<number>,
    dloss: TensorInfo<number>,
    params: CrossEntropyParams,
    dlogits: TensorInfo<number>,
  ): void {
    crossEntropy.crossEntropyBackward(this.ctx, logits, target, logsumexp, dloss, params, dlogits);
  }
}
