/**
 * The WebAssembly backend. Tensors live in the module's linear memory (handles are byte offsets);
 * float32 hot paths (GEMM, convolution, elementwise, reductions, softmax, pooling) run in the
 * AssemblyScript SIMD kernels; the rest (int32/bool arithmetic, comparisons, indexing) runs in
 * TypeScript directly on views of the same memory, so no tensor ever leaves WASM memory.
 */
import {
  type AdamUpdateParams,
  type ArgReduceOp,
  type Backend,
  type BinaryOp,
  broadcastOffsets,
  bytesPerElement,
  type CompareOp,
  type Conv2dParams,
  castScalar,
  contiguousStrides,
  type DType,
  type FusedActivation,
  type MatmulOptions,
  type Pool2dParams,
  type ReduceOp,
  type SGDUpdateParams,
  type StridedInfo,
  sizeOf,
  type TensorInfo,
  type TypedArray,
  type UnaryOp,
} from '@nnet/tensor';
import { Allocator } from './allocator.js';
import { canBlock, isNode } from './loader.js';
import { BINARY_CODE, UNARY_CODE } from './ops.js';
import { type GemmFn, type PoolWorker, SLOT_WORDS, WorkerPool } from './pool.js';
import { spawnWorker } from './spawn.js';

/** The functions the AssemblyScript module exports (pointers are byte offsets). */
export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  gemmScratchBytes(): number;
  /** The GEMM of GemmFn plus the scratch region it packs into. */
  gemm(...args: [...Parameters<GemmFn>, scratch: number]): void;
  dotRows(
    M: number,
    N: number,
    K: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    accumulate: number,
  ): void;
  unaryF32(op: number, x: number, out: number, n: number): void;
  sgdUpdate(
    p: number,
    g: number,
    buf: number,
    n: number,
    lr: number,
    momentum: number,
    dampening: number,
    nesterov: number,
    weightDecay: number,
    first: number,
  ): void;
  adamUpdate(
    p: number,
    g: number,
    m: number,
    v: number,
    vmax: number,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    decoupled: number,
    bc1: number,
    sqrtBc2: number,
  ): void;
  compareF32(op: number, a: number, b: number, out: number, params: number): void;
  where32(cond: number, a: number, b: number, out: number, params: number): void;
  cast(kind: number, x: number, out: number, n: number): void;
  binaryF32(op: number, a: number, b: number, out: number, params: number): void;
  copyStrided32(src: number, out: number, params: number): void;
  reduceF32(op: number, x: number, out: number, outer: number, len: number, inner: number): void;
  rowSumF32(x: number, out: number, rows: number, len: number): void;
  softmaxF32(x: number, out: number, outer: number, len: number, inner: number, log: number): void;
  biasActivation(out: number, bias: number, M: number, N: number, act: number): void;
  im2col(x: number, cols: number, geometry: number): void;
  copyRows(src: number, srcStride: number, dst: number, dstStride: number, rows: number, n: number): void;
  binaryI32(op: number, a: number, b: number, out: number, params: number): void;
  compareI32(op: number, a: number, b: number, out: number, params: number): void;
  gather32(x: number, index: number, out: number, params: number): void;
  scatterAdd32(isInt: number, out: number, index: number, src: number, params: number): void;
  argReduceF32(op: number, x: number, out: number, outer: number, len: number, inner: number): void;
  argReduceI32(op: number, x: number, out: number, outer: number, len: number, inner: number): void;
  col2im(cols: number, x: number, geometry: number): void;
  addChannelBias(out: number, bias: number, N: number, O: number, L: number): void;
  maxPool(x: number, out: number, indices: number, planes: number, geometry: number): void;
  maxPoolBackward(dy: number, indices: number, dx: number, planes: number, HW: number, L: number): void;
  avgPool(
    x: number,
    out: number,
    planes: number,
    geometry: number,
    includePad: number,
    backward: number,
  ): void;
}

type T = TensorInfo<number>;
/** Products smaller than this (M·N·K) stay on one thread: a round trip costs tens of microseconds. */
const PARALLEL_MIN_FLOPS = 64 * 64 * 64;
const MAX_WORKERS = 64;
/** int32 binary ops with an AssemblyScript kernel (wrapping, like PyTorch's int32). */
const INT_BINARY = new Set<BinaryOp>(['add', 'sub', 'mul', 'maximum', 'minimum']);
/** Bytes of im2col columns per convolution GEMM (sets how many images share one product). */
const CONV_COLS_BUDGET = 8 << 20;

const REDUCE_CODE: Record<ReduceOp, number> = { sum: 0, max: 1, min: 2, prod: 3 };
const COMPARE_CODE: Record<CompareOp, number> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };
/** Casts done in WASM (float32 → int32 stays in TypeScript: its out-of-range rule differs from wasm's truncation). */
const CAST_CODE: Record<string, number | undefined> = {
  'bool>float32': 0,
  'float32>bool': 1,
  'int32>float32': 2,
  'bool>int32': 4,
  'int32>bool': 5,
};

/** Element strides of a dense shape, 0 where a dim is 1 (broadcast). */
function bstrides(shape: readonly number[]): number[] {
  return contiguousStrides(shape).map((st, d) => (shape[d] === 1 ? 0 : st));
}

const ACT_CODE: Record<FusedActivation, number> = { none: 0, relu: 1, tanh: 2, sigmoid: 3 };

export class WasmBackend implements Backend<number> {
  readonly name = 'wasm';
  private readonly k: KernelExports;
  private readonly heap: Allocator;
  private readonly params: number;
  private readonly gemmScratch: number;
  /** Scratch regions in linear memory, reused and grown on demand: im2col columns, and a batch's
   * [Og, images · L] outputs or output gradients. */
  private readonly scratch = { cols: { at: 0, bytes: 0 }, batch: { at: 0, bytes: 0 } };
  /** Requested bytes of each live storage (for memory()). */
  private readonly live = new Map<number, number>();
  private bytes = 0;

  private pool: WorkerPool | null = null;
  private poolScratch: number[] = [];
  private ctrlPtr = 0;
  private readonly memoryObj: WebAssembly.Memory;

  constructor(
    instance: WebAssembly.Instance,
    /** Whether the relaxed-SIMD build is running. */
    readonly relaxed: boolean,
    /** The compiled module and its shared memory, when threads are possible. */
    private readonly sharing?: { module: WebAssembly.Module; memory: WebAssembly.Memory },
  ) {
    this.k = instance.exports as unknown as KernelExports;
    this.memoryObj = sharing?.memory ?? this.k.memory;
    this.heap = new Allocator(this.memoryObj, this.k.heapBase());
    this.params = this.heap.alloc(1024);
    this.gemmScratch = this.heap.alloc(this.k.gemmScratchBytes());
  }

  /** Threads used for large products (1 without a shared memory). */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  /**
   * Uses `n` threads (the calling one included) for large products. Needs the shared-memory
   * build (Node); elsewhere only 1 is accepted.
   */
  async setThreads(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS + 1) {
      throw new RangeError(`setThreads: n must be an integer from 1 to ${MAX_WORKERS + 1}, got ${n}.`);
    }
    if (n === this.threads) return;
    this.pool?.terminate();
    this.pool = null;
    for (const p of this.poolScratch) this.heap.free(p);
    this.poolScratch = [];
    if (n === 1) return;
    if (!this.sharing) {
      throw new RangeError(
        'setThreads: threads need shared memory: Node.js, or a cross-origin-isolated page (serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp). This backend runs one thread.',
      );
    }
    if (!this.ctrlPtr) this.ctrlPtr = this.heap.alloc(MAX_WORKERS * SLOT_WORDS * 4);
    new Int32Array(this.memoryObj.buffer, this.ctrlPtr, MAX_WORKERS * SLOT_WORDS).fill(0);
    const node = isNode();
    const starting: Promise<PoolWorker>[] = [];
    for (let slot = 0; slot < n - 1; slot++) {
      const scratch = this.heap.alloc(this.k.gemmScratchBytes());
      this.poolScratch.push(scratch);
      const { module, memory } = this.sharing;
      starting.push(spawnWorker({ module, memory, ctrlPtr: this.ctrlPtr, slot, scratch }, node));
    }
    const settled = await Promise.allSettled(starting);
    const workers = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) {
      for (const w of workers) w.terminate();
      throw (failed as PromiseRejectedResult).reason;
    }
    this.pool = new WorkerPool(this.memoryObj, this.ctrlPtr, workers, canBlock());
  }

  /** Stops the worker pool. */
  dispose(): void {
    this.pool?.terminate();
    this.pool = null;
  }

  // ---- storage -----------------------------------------------------------------------------

  alloc(dtype: DType, size: number): number {
    const bytes = size * bytesPerElement(dtype);
    const handle = this.heap.alloc(bytes);
    this.live.set(handle, bytes);
    this.bytes += bytes;
    return handle;
  }

  free(handle: number): void {
    this.bytes -= this.live.get(handle) ?? 0;
    this.live.delete(handle);
    this.heap.free(handle);
  }

  write(handle: number, data: TypedArray, offset = 0): void {
    this.view(handle, dtypeOf(data), data.length, offset).set(data);
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
    out.set(this.view(handle, dtype, size));
    return out;
  }

  memory(): { storages: number; bytes: number } {
    return { storages: this.live.size, bytes: this.bytes };
  }

  /** Bytes of linear memory in use by the heap (live blocks and free lists). */
  heapBytes(): number {
    return this.heap.heapBytes;
  }

  /** A typed-array view of a handle (re-made on each call: growing memory detaches old views). */
  private view(handle: number, dtype: DType, size: number, offset = 0): TypedArray {
    const buf = this.memoryObj.buffer;
    if (dtype === 'float32') return new Float32Array(buf, handle + offset * 4, size);
    if (dtype === 'int32') return new Int32Array(buf, handle + offset * 4, size);
    return new Uint8Array(buf, handle + offset, size);
  }

  private data(t: T): TypedArray {
    return this.view(t.handle, t.dtype, sizeOf(t.shape));
  }

  /** Writes int32 values into the parameter block and returns its address. */
  private block(values: readonly number[]): number {
    new Int32Array(this.memoryObj.buffer, this.params, values.length).set(values);
    return this.params;
  }

  /** The scratch region `which`, grown to at least `bytes`. */
  private scratchOf(which: 'cols' | 'batch', bytes: number): number {
    const region = this.scratch[which];
    if (bytes > region.bytes) {
      if (region.at) this.heap.free(region.at);
      region.at = this.heap.alloc(bytes);
      region.bytes = Allocator.classOf(bytes);
    }
    return region.at;
  }

  // ---- elementwise -------------------------------------------------------------------------

  unary(op: UnaryOp, x: T, out: T): void {
    const code = UNARY_CODE[op];
    if (x.dtype === 'float32' && code !== undefined) {
      this.k.unaryF32(code, x.handle, out.handle, sizeOf(out.shape));
      return;
    }
    const a = this.data(x);
    const o = this.data(out);
    for (let i = 0; i < o.length; i++) o[i] = hostUnary(op, a[i]);
  }

  binary(op: BinaryOp, a: T, b: T, out: T): void {
    const code = BINARY_CODE[op];
    if (a.dtype === 'float32' && code !== undefined) {
      const rank = out.shape.length;
      this.k.binaryF32(
        code,
        a.handle,
        b.handle,
        out.handle,
        this.block([rank, ...out.shape, ...bstrides(a.shape), ...bstrides(b.shape)]),
      );
      return;
    }
    if (a.dtype === 'int32' && code !== undefined && INT_BINARY.has(op)) {
      this.k.binaryI32(
        code,
        a.handle,
        b.handle,
        out.handle,
        this.block([out.shape.length, ...out.shape, ...bstrides(a.shape), ...bstrides(b.shape)]),
      );
      return;
    }
    // bool logic and int32 pow: rare, on views of linear memory.
    this.hostBroadcast([a, b], out, (p, q) => hostBinary(op, p, q));
  }

  compare(op: CompareOp, a: T, b: T, out: T): void {
    if (a.dtype !== 'bool') {
      const rank = out.shape.length;
      (a.dtype === 'float32' ? this.k.compareF32 : this.k.compareI32)(
        COMPARE_CODE[op],
        a.handle,
        b.handle,
        out.handle,
        this.block([rank, ...out.shape, ...bstrides(a.shape), ...bstrides(b.shape)]),
      );
      return;
    }
    this.hostBroadcast([a, b], out, (p, q) => (hostCompare(op, p, q) ? 1 : 0));
  }

  where(cond: T, a: T, b: T, out: T): void {
    if (a.dtype !== 'bool') {
      const rank = out.shape.length;
      this.k.where32(
        cond.handle,
        a.handle,
        b.handle,
        out.handle,
        this.block([rank, ...out.shape, ...bstrides(cond.shape), ...bstrides(a.shape), ...bstrides(b.shape)]),
      );
      return;
    }
    const o = this.data(out);
    const c = this.data(cond);
    const x = this.data(a);
    const y = this.data(b);
    const ic = broadcastOffsets(out.shape, cond.shape);
    const ia = broadcastOffsets(out.shape, a.shape);
    const ib = broadcastOffsets(out.shape, b.shape);
    for (let i = 0; i < o.length; i++) o[i] = c[ic[i]] ? x[ia[i]] : y[ib[i]];
  }

  /** out[i] = f(a[i'], b[i'']) over broadcast operands, on views of linear memory. */
  private hostBroadcast(inputs: [T, T], out: T, f: (p: number, q: number) => number): void {
    const o = this.data(out);
    const x = this.data(inputs[0]);
    const y = this.data(inputs[1]);
    const ia = broadcastOffsets(out.shape, inputs[0].shape);
    const ib = broadcastOffsets(out.shape, inputs[1].shape);
    for (let i = 0; i < o.length; i++) o[i] = f(x[ia[i]], y[ib[i]]);
  }

  cast(x: T, out: T): void {
    const kind = CAST_CODE[`${x.dtype}>${out.dtype}`];
    if (kind !== undefined) {
      this.k.cast(kind, x.handle, out.handle, sizeOf(out.shape));
      return;
    }
    const a = this.data(x);
    const o = this.data(out);
    if (out.dtype === 'float32' || x.dtype === out.dtype) o.set(a);
    else for (let i = 0; i < o.length; i++) o[i] = castScalar(a[i], out.dtype);
  }

  fill(out: T, value: number): void {
    this.data(out).fill(castScalar(value, out.dtype));
  }

  copyStrided(x: StridedInfo<number>, out: T): void {
    if (x.dtype !== 'bool') {
      this.k.copyStrided32(
        x.handle,
        out.handle,
        this.block([x.shape.length, ...x.shape, ...x.strides, x.offset]),
      );
      return;
    }
    const n = sizeOf(out.shape);
    const src = new Uint8Array(this.memoryObj.buffer);
    const o = this.data(out);
    const idx = new Array<number>(x.shape.length).fill(0);
    for (let p = 0; p < n; p++) {
      let off = x.offset;
      for (let d = 0; d < idx.length; d++) off += idx[d] * x.strides[d];
      o[p] = src[x.handle + off];
      for (let d = idx.length - 1; d >= 0; d--) {
        if (++idx[d] < x.shape[d]) break;
        idx[d] = 0;
      }
    }
  }

  // ---- reductions --------------------------------------------------------------------------

  reduce(op: ReduceOp, x: T, axes: readonly number[], out: T): void {
    if (x.dtype !== 'float32' || out.dtype !== 'float32') {
      this.hostReduce(op, x, axes, out);
      return;
    }
    if (axes.length === 0) {
      this.k.copyStrided32(x.handle, out.handle, this.block([1, sizeOf(x.shape), 1, 0]));
      return;
    }
    // Reduce contiguous runs of axes from the last run to the first, through temporaries.
    const runs: [number, number][] = [];
    for (const a of axes) {
      const last = runs[runs.length - 1];
      if (last && last[1] === a - 1) last[1] = a;
      else runs.push([a, a]);
    }
    let shape = [...x.shape];
    let src = x.handle;
    let temp = 0;
    for (let r = runs.length - 1; r >= 0; r--) {
      const [a0, a1] = runs[r];
      const outer = sizeOf(shape.slice(0, a0));
      const len = sizeOf(shape.slice(a0, a1 + 1));
      const inner = sizeOf(shape.slice(a1 + 1));
      shape = shape.map((s, d) => (d >= a0 && d <= a1 ? 1 : s));
      const dst = r === 0 ? out.handle : this.heap.alloc(outer * inner * 4);
      if (op === 'sum' && inner === 1) this.k.rowSumF32(src, dst, outer, len);
      else this.k.reduceF32(REDUCE_CODE[op], src, dst, outer, len, inner);
      if (temp) this.heap.free(temp);
      temp = r === 0 ? 0 : dst;
      src = dst;
    }
  }

  private hostReduce(op: ReduceOp, x: T, axes: readonly number[], out: T): void {
    const o = this.data(out);
    const a = this.data(x);
    const init =
      op === 'sum'
        ? 0
        : op === 'prod'
          ? 1
          : op === 'max'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY;
    // int32 outputs cannot hold the ±Infinity start of max/min: accumulate in doubles, then store.
    const acc = new Float64Array(o.length).fill(init);
    const target = broadcastOffsets(
      x.shape,
      out.shape.map((s, d) => (axes.includes(d) ? 1 : s)),
    );
    for (let i = 0; i < a.length; i++) {
      const j = target[i];
      const v = a[i];
      if (op === 'sum') acc[j] += v;
      else if (op === 'prod') acc[j] *= v;
      else if (op === 'max') acc[j] = Math.max(v, acc[j]);
      else acc[j] = Math.min(v, acc[j]);
    }
    o.set(acc);
  }

  argReduce(op: ArgReduceOp, x: T, axis: number, out: T): void {
    const outer = sizeOf(x.shape.slice(0, axis));
    const len = x.shape.length === 0 ? 1 : x.shape[axis];
    const inner = sizeOf(x.shape.slice(axis + 1));
    const code = op === 'argmax' ? 0 : 1;
    if (x.dtype === 'float32') this.k.argReduceF32(code, x.handle, out.handle, outer, len, inner);
    else if (x.dtype === 'int32') this.k.argReduceI32(code, x.handle, out.handle, outer, len, inner);
    else {
      // bool: the first true (argmax) or false (argmin).
      const a = this.data(x);
      const o = this.data(out);
      for (let p = 0; p < outer; p++) {
        for (let q = 0; q < inner; q++) {
          let best = 0;
          for (let i = 0; i < len; i++) {
            if (a[p * len * inner + i * inner + q] === (op === 'argmax' ? 1 : 0)) {
              best = i;
              break;
            }
          }
          o[p * inner + q] = best;
        }
      }
    }
  }

  // ---- matmul, indexing ------------------------------------------------------------------

  matmul(a: T, b: T, out: T, { transA, transB }: MatmulOptions): void {
    const [B, M, N] = out.shape;
    const K = transA ? a.shape[1] : a.shape[2];
    for (let i = 0; i < B; i++) {
      const aOff = a.handle + (a.shape[0] === 1 ? 0 : i * M * K * 4);
      const bOff = b.handle + (b.shape[0] === 1 ? 0 : i * K * N * 4);
      this.gemm(
        M,
        N,
        K,
        aOff,
        transA ? 1 : K,
        transA ? M : 1,
        bOff,
        transB ? 1 : N,
        transB ? K : 1,
        out.handle + i * M * N * 4,
        N,
        0,
      );
    }
  }

  /**
   * C [M×N] (rows ldc apart) = op(A)·op(B), or += with accumulate; element (i, k) of op(A) is at
   * a + 4·(i·aRow + k·aCol). Split across the worker pool when it is large enough.
   */
  private gemm(
    M: number,
    N: number,
    K: number,
    a: number,
    aRow: number,
    aCol: number,
    b: number,
    bRow: number,
    bCol: number,
    c: number,
    ldc: number,
    accumulate: number,
  ): void {
    // A few rows times a row-major Bᵀ (batch-1 inference): dot products beat packing B.
    if (M <= 4 && aCol === 1 && bCol !== 1 && bRow === 1) {
      this.k.dotRows(M, N, K, a, aRow, b, bCol, c, ldc, accumulate);
      return;
    }
    if (this.pool && this.pool.threads > 1 && M * N * K >= PARALLEL_MIN_FLOPS) {
      this.pool.gemm(
        M,
        N,
        K,
        a,
        aRow,
        aCol,
        b,
        bRow,
        bCol,
        c,
        ldc,
        accumulate,
        (m, n, k, pa, par, pac, pb, pbr, pbc, pc, pldc, acc) =>
          this.k.gemm(m, n, k, pa, par, pac, pb, pbr, pbc, pc, pldc, acc, this.gemmScratch),
      );
      return;
    }
    this.k.gemm(M, N, K, a, aRow, aCol, b, bRow, bCol, c, ldc, accumulate, this.gemmScratch);
  }

  /** The block alongIndex reads: [rank, axis, axis length, index shape, target strides]. */
  private alongBlock(indexShape: readonly number[], axis: number, target: readonly number[]): number {
    const len = target.length === 0 ? 1 : target[axis];
    return this.block([indexShape.length, axis, len, ...indexShape, ...contiguousStrides(target)]);
  }

  gather(x: T, axis: number, index: T, out: T): void {
    if (x.dtype !== 'bool' && index.shape.length <= 16) {
      this.k.gather32(x.handle, index.handle, out.handle, this.alongBlock(index.shape, axis, x.shape));
      return;
    }
    const src = this.data(x);
    const o = this.data(out);
    forEachAlongChecked(index.shape, axis, x.shape, this.data(index), (p, t) => {
      o[p] = t < 0 ? 0 : src[t];
    });
  }

  scatterAdd(out: T, axis: number, index: T, src: T): void {
    if (out.dtype !== 'bool' && index.shape.length <= 16) {
      this.k.scatterAdd32(
        out.dtype === 'int32' ? 1 : 0,
        out.handle,
        index.handle,
        src.handle,
        this.alongBlock(index.shape, axis, out.shape),
      );
      return;
    }
    const o = this.data(out);
    const s = this.data(src);
    forEachAlongChecked(index.shape, axis, out.shape, this.data(index), (p, t) => {
      if (t >= 0) o[t] += s[p];
    });
  }

  // ---- optional kernels --------------------------------------------------------------------

  private geometry(
    H: number,
    W: number,
    Ho: number,
    Wo: number,
    kH: number,
    kW: number,
    p: Conv2dParams | Pool2dParams,
    Cg: number,
    ld = 0,
  ): number {
    const conv = 'dilationH' in p;
    return this.block([
      H,
      W,
      Ho,
      Wo,
      kH,
      kW,
      p.strideH,
      p.strideW,
      p.padH,
      p.padW,
      conv ? p.dilationH : 1,
      conv ? p.dilationW : 1,
      Cg,
      ld,
    ]);
  }

  /**
   * Convolution as GEMMs over several images at once: their im2col columns sit side by side in
   * one [Cg·kH·kW, images·L] matrix, so each product is wide enough to run at full speed and to
   * split across threads. The images per batch depend only on the shapes (a fixed scratch
   * budget), never on the thread count, so results are identical for any number of threads.
   */
  private convBatches(N: number, KK: number, L: number, visit: (n0: number, nb: number) => void): void {
    const nb = Math.max(1, Math.min(N, Math.floor(CONV_COLS_BUDGET / (KK * L * 4))));
    for (let n0 = 0; n0 < N; n0 += nb) visit(n0, Math.min(nb, N - n0));
  }

  conv2d(x: T, w: T, bias: T | null, p: Conv2dParams, out: T): void {
    const [N, C, H, W] = x.shape;
    const [O, Cg, kH, kW] = w.shape;
    const [, , Ho, Wo] = out.shape;
    const L = Ho * Wo;
    const KK = Cg * kH * kW;
    const Og = O / p.groups;
    this.convBatches(N, KK, L, (n0, nb) => {
      const cols = this.scratchOf('cols', KK * nb * L * 4);
      // One image: the product lands in place; several: in scratch, then each image's block moves.
      const outs = nb > 1 ? this.scratchOf('batch', Og * nb * L * 4) : 0;
      for (let g = 0; g < p.groups; g++) {
        const geometry = this.geometry(H, W, Ho, Wo, kH, kW, p, Cg, nb * L);
        for (let i = 0; i < nb; i++)
          this.k.im2col(x.handle + ((n0 + i) * C + g * Cg) * H * W * 4, cols + i * L * 4, geometry);
        const at = out.handle + (n0 * O + g * Og) * L * 4;
        // [Og, nb·L] = Wg [Og, KK] · cols [KK, nb·L]
        this.gemm(
          Og,
          nb * L,
          KK,
          w.handle + g * Og * KK * 4,
          KK,
          1,
          cols,
          nb * L,
          1,
          nb > 1 ? outs : at,
          nb * L,
          0,
        );
        for (let i = 0; nb > 1 && i < nb; i++)
          this.k.copyRows(outs + i * L * 4, nb * L, at + i * O * L * 4, L, Og, L);
      }
    });
    if (bias) this.k.addChannelBias(out.handle, bias.handle, N, O, L);
  }

  /** Images n0..n0+nb-1's dy rows of group g as a [Og, nb·L] matrix (in place for one image). */
  private gatherDy(dy: T, n0: number, nb: number, g: number, Og: number, L: number): number {
    const O = dy.shape[1];
    if (nb === 1) return dy.handle + (n0 * O + g * Og) * L * 4;
    const dys = this.scratchOf('batch', Og * nb * L * 4);
    for (let i = 0; i < nb; i++)
      this.k.copyRows(dy.handle + ((n0 + i) * O + g * Og) * L * 4, L, dys + i * L * 4, nb * L, Og, L);
    return dys;
  }

  conv2dBackwardInput(dy: T, w: T, p: Conv2dParams, dx: T): void {
    const [N, C, H, W] = dx.shape;
    const [O, Cg, kH, kW] = w.shape;
    const [, , Ho, Wo] = dy.shape;
    const L = Ho * Wo;
    const KK = Cg * kH * kW;
    const Og = O / p.groups;
    this.data(dx).fill(0);
    this.convBatches(N, KK, L, (n0, nb) => {
      const cols = this.scratchOf('cols', KK * nb * L * 4);
      for (let g = 0; g < p.groups; g++) {
        const dys = this.gatherDy(dy, n0, nb, g, Og, L);
        // dcols [KK, nb·L] = Wgᵀ · dys, then each image's columns added back into its planes.
        this.gemm(KK, nb * L, Og, w.handle + g * Og * KK * 4, 1, KK, dys, nb * L, 1, cols, nb * L, 0);
        const geometry = this.geometry(H, W, Ho, Wo, kH, kW, p, Cg, nb * L);
        for (let i = 0; i < nb; i++)
          this.k.col2im(cols + i * L * 4, dx.handle + ((n0 + i) * C + g * Cg) * H * W * 4, geometry);
      }
    });
  }

  conv2dBackwardFilter(x: T, dy: T, p: Conv2dParams, dw: T): void {
    const [N, C, H, W] = x.shape;
    const [O, Cg, kH, kW] = dw.shape;
    const [, , Ho, Wo] = dy.shape;
    const L = Ho * Wo;
    const KK = Cg * kH * kW;
    const Og = O / p.groups;
    this.data(dw).fill(0);
    // One image per product (not convBatches): with colsᵀ as the right operand, a deep K packs
    // slowly (measured: 6 GFLOP/s at K = 14400 against 15+ at K = L).
    const cols = this.scratchOf('cols', KK * L * 4);
    for (let n = 0; n < N; n++) {
      for (let g = 0; g < p.groups; g++) {
        this.k.im2col(
          x.handle + (n * C + g * Cg) * H * W * 4,
          cols,
          this.geometry(H, W, Ho, Wo, kH, kW, p, Cg),
        );
        // dWg [Og, KK] += dy [Og, L] · colsᵀ
        const dyAt = dy.handle + (n * O + g * Og) * L * 4;
        this.gemm(Og, KK, L, dyAt, L, 1, cols, 1, L, dw.handle + g * Og * KK * 4, KK, 1);
      }
    }
  }

  maxPool2d(x: T, p: Pool2dParams, out: T, indices: T): void {
    const [N, C, H, W] = x.shape;
    const [, , Ho, Wo] = out.shape;
    this.k.maxPool(
      x.handle,
      out.handle,
      indices.handle,
      N * C,
      this.geometry(H, W, Ho, Wo, p.kernelH, p.kernelW, p, 1),
    );
  }

  maxPool2dBackward(dy: T, indices: T, dx: T): void {
    const [N, C, H, W] = dx.shape;
    const [, , Ho, Wo] = dy.shape;
    this.k.maxPoolBackward(dy.handle, indices.handle, dx.handle, N * C, H * W, Ho * Wo);
  }

  avgPool2d(x: T, p: Pool2dParams, out: T): void {
    const [N, C, H, W] = x.shape;
    const [, , Ho, Wo] = out.shape;
    this.k.avgPool(
      x.handle,
      out.handle,
      N * C,
      this.geometry(H, W, Ho, Wo, p.kernelH, p.kernelW, p, 1),
      p.countIncludePad ? 1 : 0,
      0,
    );
  }

  avgPool2dBackward(dy: T, p: Pool2dParams, dx: T): void {
    const [N, C, H, W] = dx.shape;
    const [, , Ho, Wo] = dy.shape;
    this.k.avgPool(
      dy.handle,
      dx.handle,
      N * C,
      this.geometry(H, W, Ho, Wo, p.kernelH, p.kernelW, p, 1),
      p.countIncludePad ? 1 : 0,
      1,
    );
  }

  softmax(x: T, axis: number, out: T): void {
    this.k.softmaxF32(
      x.handle,
      out.handle,
      sizeOf(x.shape.slice(0, axis)),
      x.shape[axis],
      sizeOf(x.shape.slice(axis + 1)),
      0,
    );
  }

  logSoftmax(x: T, axis: number, out: T): void {
    this.k.softmaxF32(
      x.handle,
      out.handle,
      sizeOf(x.shape.slice(0, axis)),
      x.shape[axis],
      sizeOf(x.shape.slice(axis + 1)),
      1,
    );
  }

  sgdUpdate(param: T, grad: T, momentumBuf: T | null, o: SGDUpdateParams): void {
    this.k.sgdUpdate(
      param.handle,
      grad.handle,
      momentumBuf ? momentumBuf.handle : 0,
      sizeOf(param.shape),
      o.lr,
      o.momentum,
      o.dampening,
      o.nesterov ? 1 : 0,
      o.weightDecay,
      o.first ? 1 : 0,
    );
  }

  adamUpdate(param: T, grad: T, expAvg: T, expAvgSq: T, maxExpAvgSq: T | null, o: AdamUpdateParams): void {
    this.k.adamUpdate(
      param.handle,
      grad.handle,
      expAvg.handle,
      expAvgSq.handle,
      maxExpAvgSq ? maxExpAvgSq.handle : 0,
      sizeOf(param.shape),
      o.lr,
      o.beta1,
      o.beta2,
      o.eps,
      o.weightDecay,
      o.decoupled ? 1 : 0,
      1 - o.beta1 ** o.step,
      Math.sqrt(1 - o.beta2 ** o.step),
    );
  }

  linear(x: T, w: T, bias: T | null, activation: FusedActivation, out: T): void {
    const [M, K] = x.shape;
    const N = w.shape[0];
    this.gemm(M, N, K, x.handle, K, 1, w.handle, 1, K, out.handle, N, 0);
    if (bias || activation !== 'none')
      this.k.biasActivation(out.handle, bias ? bias.handle : 0, M, N, ACT_CODE[activation]);
  }
}

/**
 * Walks every position p of the dense `shape` of an index tensor and calls fn(p, t) with t the
 * offset in a dense `targetShape` of the same position, its `axis` coordinate replaced by
 * index[p]; t is -1 when index[p] lies outside [0, targetShape[axis]).
 */
function forEachAlongChecked(
  shape: readonly number[],
  axis: number,
  targetShape: readonly number[],
  index: ArrayLike<number>,
  fn: (p: number, target: number) => void,
): void {
  const n = sizeOf(shape);
  const rank = shape.length;
  const ts = contiguousStrides(targetShape);
  const len = rank === 0 ? 1 : targetShape[axis];
  const axisStride = rank === 0 ? 1 : ts[axis];
  const idx = new Array<number>(rank).fill(0);
  let base = 0;
  for (let p = 0; p < n; p++) {
    const i = index[p];
    fn(p, i >= 0 && i < len ? base + i * axisStride : -1);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      if (d !== axis) base += ts[d];
      if (idx[d] < shape[d]) break;
      if (d !== axis) base -= idx[d] * ts[d];
      idx[d] = 0;
    }
  }
}

function dtypeOf(a: TypedArray): DType {
  return a instanceof Float32Array ? 'float32' : a instanceof Int32Array ? 'int32' : 'bool';
}

function hostUnary(op: UnaryOp, x: number): number {
  switch (op) {
    case 'neg':
      return -x;
    case 'abs':
      return Math.abs(x);
    case 'sign':
      return x > 0 ? 1 : x < 0 ? -1 : 0;
    case 'relu':
      return Math.max(x, 0);
    case 'logicalNot':
      return x ? 0 : 1;
    default:
      return x;
  }
}

function hostBinary(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case 'add':
      return a + b;
    case 'sub':
      return a - b;
    case 'mul':
      return a * b;
    case 'div':
      return a / b;
    case 'pow':
      return a === 1 ? 1 : a ** b;
    case 'maximum':
      return Math.max(a, b);
    case 'minimum':
      return Math.min(a, b);
    case 'logicalAnd':
      return a && b ? 1 : 0;
    default:
      return a || b ? 1 : 0;
  }
}

function hostCompare(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    case 'gt':
      return a > b;
    default:
      return a >= b;
  }
}
