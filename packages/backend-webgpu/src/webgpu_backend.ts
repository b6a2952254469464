/// <reference types="@webgpu/types" preserve="true" />
/**
 * The WebGPU backend: storage in GPU buffers (from a pool), every required kernel and the training
 * optional kernels in WGSL, dispatches batched into few submissions, reads through `mapAsync`
 * only (there is no `readSync`).
 */
import type {
  AdamUpdateParams,
  ArgReduceOp,
  Backend,
  BinaryOp,
  CompareOp,
  Conv2dParams,
  DType,
  FusedActivation,
  MatmulOptions,
  Pool2dParams,
  ReduceOp,
  SGDUpdateParams,
  TensorInfo,
  TypedArray,
  UnaryOp,
} from '@nnet/tensor';
import {
  BackendError,
  bytesPerElement,
  castScalar,
  contiguousStrides,
  DTypeError,
  sizeOf,
} from '@nnet/tensor';
import type { AdapterSummary } from './gpu.js';
import type { GpuRuntime } from './runtime.js';
import { elementGrid, grid, MAX_GRID, Params, wgslType } from './shaders/common.js';
import {
  binaryExpr,
  CAST_HELPERS,
  castExpr,
  compareExpr,
  elementwiseParams,
  elementwiseShader,
  FILL_SHADER,
  FLOAT_HELPERS,
  inputMode,
  unaryExpr,
} from './shaders/elementwise.js';
import {
  argReduceShader,
  COPY_STRIDED_SHADER,
  GATHER_SHADER,
  reduceShader,
  scatterAddShader,
} from './shaders/layout.js';
import { matmulShader, TILE } from './shaders/matmul.js';
import {
  AVG_POOL_BACKWARD_SHADER,
  AVG_POOL_SHADER,
  adamShader,
  CONV2D_BACKWARD_FILTER_SHADER,
  CONV2D_BACKWARD_INPUT_SHADER,
  conv2dShader,
  MAX_POOL_BACKWARD_SHADER,
  MAX_POOL_BACKWARD_WINDOW_SHADER,
  MAX_POOL_SHADER,
  sgdShader,
  softmaxShader,
} from './shaders/nn.js';

/**
 * A storage of the WebGPU backend: a pooled GPU buffer (4 bytes per element for every dtype; bool
 * is one u32, 0 or 1), its dtype and element count. Made by `alloc`, never by hand:
 *
 *   const h = gpu.alloc('float32', 6); // h.buffer.size >= 24
 *   gpu.write(h, new Float32Array([1, 2, 3, 4, 5, 6]));
 */
export class WebGpuStorage {
  /** True once `free` returned the buffer to the pool. */
  freed = false;
  /**
   * @param buffer the pooled buffer, at least `4 * size` bytes
   * @param dtype the dtype of the elements
   * @param size the element count
   */
  constructor(
    /** The pooled GPU buffer, at least `4 * size` bytes (it may be larger: pools round sizes up). */
    readonly buffer: GPUBuffer,
    /** The dtype of the elements ('float32', 'int32' or 'bool'). */
    readonly dtype: DType,
    /** The number of elements. */
    readonly size: number,
  ) {}
}

/**
 * A tensor argument of the kernels: a storage of this backend with its shape (and strides).
 * @inline
 */
type T = TensorInfo<WebGpuStorage>;

/** Reduced (and softmax) rows at least this long use one workgroup per output (a shared-memory tree). */
const TREE_REDUCE_MIN = 512;
/** Elements per workgroup when a few very long rows are split over many workgroups (two passes). */
const SEGMENT = 4096;

function leftPad(shape: readonly number[], rank: number): number[] {
  return [...new Array<number>(rank - shape.length).fill(1), ...shape];
}

/**
 * The WebGPU backend. Create it with `createWebGpuBackend()` (or register-and-select with
 * `await setBackend('webgpu')`); it owns one `GPUDevice`.
 *
 *   const gpu = await createWebGpuBackend({ allowSoftware: true });
 *   registerBackend('webgpu', () => gpu, 3);
 */
export class WebGpuBackend implements Backend<WebGpuStorage> {
  /** `'webgpu'`, the name the backend registry knows it by. */
  readonly name = 'webgpu';
  private storages = 0;
  private bytes = 0;
  private readonly shaders = new Map<string, string>();
  /**
   * Window geometry of index storages this backend's maxPool2d wrote and nothing has touched
   * since, so maxPool2dBackward can visit only the windows containing each element.
   */
  private readonly poolOrigin = new WeakMap<WebGpuStorage, Pool2dParams>();

  /**
   * Made by `createWebGpuBackend()`, which picks the adapter and opens the device.
   * @param rt the device runtime (pool, batching, pipelines)
   * @param adapter what the adapter is (for messages and `adapterInfo`)
   * @param gpu the `GPU` object the device came from, held (until `dispose`) so Dawn is not collected
   * @internal
   */
  constructor(
    private readonly rt: GpuRuntime,
    readonly adapter: AdapterSummary,
    public gpu: GPU | null,
  ) {}

  /** The device (for interop; `device.destroy()` makes this backend throw `DeviceLostError`). */
  get device(): GPUDevice {
    return this.rt.device;
  }

  /** Resolves with the reason when the device is lost. */
  get lost(): Promise<string> {
    return this.rt.lost;
  }

  /**
   * Submissions, dispatches and compiled pipelines so far (how well work is batched), and the
   * bytes the buffer pools hold for reuse.
   *
   * @example
   * ```ts
   * const before = gpu.stats().submissions;
   * await model.forward(x).data();
   * gpu.stats().submissions - before; // queue submissions that forward pass took
   * ```
   */
  stats(): {
    /** Command buffers submitted to the device's queue. */
    submissions: number;
    /** Compute dispatches encoded. */
    dispatches: number;
    /** Compute pipelines compiled (one per distinct shader). */
    pipelines: number;
    /** Bytes of free buffers the pools keep for reuse. */
    pooledBytes: number;
  } {
    return {
      submissions: this.rt.submissions,
      dispatches: this.rt.dispatches,
      pipelines: this.rt.pipelineCount,
      pooledBytes: this.rt.pooledBytes,
    };
  }

  /** Submits every dispatch collected so far (reads do this themselves). */
  flush(): void {
    this.rt.check('flush');
    this.rt.flush();
  }

  // ---- storage ----

  /**
   * The most bytes one storage may hold (the contract's limit, checked by the front end before
   * `alloc`): the device's largest buffer a kernel can bind. A bool element takes 4 bytes here
   * (one u32) but counts as 1 in the contract, so `alloc` refuses a bool storage past a quarter of
   * this itself.
   */
  get maxStorageBytes(): number {
    const limits = this.rt.device.limits;
    return Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
  }

  alloc(dtype: DType, size: number): WebGpuStorage {
    this.rt.check('alloc');
    if (!Number.isInteger(size) || size < 0) {
      throw new BackendError(`webgpu.alloc: size must be a non-negative integer, got ${size}.`);
    }
    const maxBytes = this.maxStorageBytes;
    if (size * 4 > maxBytes) {
      throw new BackendError(
        `webgpu.alloc: ${size} elements need ${size * 4} bytes, more than this device binds in one buffer ` +
          `(${maxBytes}). Use smaller tensors (split the batch) or another backend.`,
      );
    }
    const buffer = this.rt.acquire(Math.max(size, 1) * 4);
    this.storages++;
    this.bytes += size * bytesPerElement(dtype);
    return new WebGpuStorage(buffer, dtype, size);
  }

  free(handle: WebGpuStorage): void {
    if (handle.freed) throw new BackendError('webgpu.free: this storage was already freed.');
    handle.freed = true;
    this.storages--;
    this.bytes -= handle.size * bytesPerElement(handle.dtype);
    if (!this.rt.isLost) this.rt.release(handle.buffer);
  }

  write(handle: WebGpuStorage, data: TypedArray, offset = 0): void {
    this.rt.check('write');
    this.live(handle, 'write');
    if (offset < 0 || offset + data.length > handle.size) {
      throw new BackendError(
        `webgpu.write: ${data.length} elements at offset ${offset} do not fit a storage of ${handle.size}.`,
      );
    }
    if (data.length === 0) return;
    this.poolOrigin.delete(handle);
    const words = data instanceof Uint8Array ? Uint32Array.from(data) : data;
    this.rt.write(handle.buffer, offset * 4, words);
  }

  async read(handle: WebGpuStorage, dtype: DType, size: number): Promise<TypedArray> {
    this.rt.check('read');
    this.live(handle, 'read');
    if (size > handle.size) {
      throw new BackendError(`webgpu.read: ${size} elements requested from a storage of ${handle.size}.`);
    }
    if (size === 0)
      return dtype === 'float32'
        ? new Float32Array(0)
        : dtype === 'int32'
          ? new Int32Array(0)
          : new Uint8Array(0);
    const bytes = await this.rt.read(handle.buffer, size * 4, 'read');
    if (dtype === 'float32') return new Float32Array(bytes);
    if (dtype === 'int32') return new Int32Array(bytes);
    return Uint8Array.from(new Uint32Array(bytes));
  }

  /** The storages this backend holds and their bytes (4 per element), as `memory()` reports them. */
  memory(): {
    /** Live storages. */
    storages: number;
    /** Their bytes. */
    bytes: number;
  } {
    return { storages: this.storages, bytes: this.bytes };
  }

  dispose(): void {
    if (this.rt.isLost) return;
    this.rt.destroy();
    this.gpu = null;
  }

  // ---- helpers ----

  private live(h: WebGpuStorage, op: string): GPUBuffer {
    if (!(h instanceof WebGpuStorage)) {
      throw new BackendError(
        `webgpu.${op}: the handle is not a WebGPU storage (a tensor of another backend?).`,
      );
    }
    if (h.freed) throw new BackendError(`webgpu.${op}: the storage was freed.`);
    return h.buffer;
  }

  /** The cached WGSL for `key`, generated once. */
  private shader(key: string, make: () => string): string {
    let code = this.shaders.get(key);
    if (code === undefined) {
      code = make();
      this.shaders.set(key, code);
    }
    return code;
  }

  /** Encodes one dispatch over tensors (checked live) and scratch buffers, in binding order. */
  private run(
    op: string,
    code: string,
    tensors: readonly (T | GPUBuffer)[],
    params: Params,
    groups: readonly [number, number, number],
  ): void {
    this.rt.check(op);
    if (op !== 'maxPool2dBackward') {
      for (const t of tensors) if ('handle' in t) this.poolOrigin.delete(t.handle);
    }
    this.rt.run({
      code,
      buffers: tensors.map((t) => ('handle' in t ? this.live(t.handle, op) : t)),
      params: params.buffer(),
      groups,
    });
  }

  private elementwise(
    op: string,
    key: string,
    ins: readonly T[],
    out: T,
    expr: string,
    helpers: string,
  ): void {
    const n = sizeOf(out.shape);
    if (n === 0) return;
    const shapes = ins.map((t) => leftPad(t.shape, out.shape.length));
    const modes = shapes.map((s) => inputMode(s, out.shape));
    const types = ins.map((t) => wgslType(t.dtype));
    const code = this.shader(`${key}|${types.join(',')}|${modes.join(',')}`, () =>
      elementwiseShader(types, wgslType(out.dtype), modes, expr, helpers),
    );
    this.run(op, code, [...ins, out], elementwiseParams(out.shape, shapes), elementGrid(n));
  }

  // ---- required kernels ----

  unary(op: UnaryOp, x: T, out: T): void {
    const expr = unaryExpr(op, x.dtype);
    if (expr === null) throw new DTypeError(`webgpu.unary: '${op}' is not defined on ${x.dtype}.`);
    this.elementwise('unary', `unary.${op}`, [x], out, expr, FLOAT_HELPERS);
  }

  binary(op: BinaryOp, a: T, b: T, out: T): void {
    this.elementwise('binary', `binary.${op}`, [a, b], out, binaryExpr(op, a.dtype), FLOAT_HELPERS);
  }

  compare(op: CompareOp, a: T, b: T, out: T): void {
    this.elementwise('compare', `compare.${op}`, [a, b], out, compareExpr(op, a.dtype), '');
  }

  where(cond: T, a: T, b: T, out: T): void {
    // Inputs are named a (cond), b (a) and c (b) in the shader.
    this.elementwise('where', 'where', [cond, a, b], out, 'select(c, b, a != 0u)', '');
  }

  cast(x: T, out: T): void {
    this.elementwise('cast', `cast.${out.dtype}`, [x], out, castExpr(x.dtype, out.dtype), CAST_HELPERS);
  }

  fill(out: T, value: number): void {
    const n = sizeOf(out.shape);
    if (n === 0) return;
    const v = castScalar(value, out.dtype);
    const bits = out.dtype === 'float32' ? new Uint32Array(new Float32Array([v]).buffer)[0] : v >>> 0;
    this.run('fill', FILL_SHADER, [out], new Params().u(n, bits), elementGrid(n));
  }

  copyStrided(x: TensorInfo<WebGpuStorage> & { strides: readonly number[]; offset: number }, out: T): void {
    const n = sizeOf(out.shape);
    if (n === 0) return;
    const p = new Params()
      .u(n, x.shape.length)
      .i(x.offset)
      .u(...x.shape)
      .i(...x.strides);
    this.run('copyStrided', COPY_STRIDED_SHADER, [x, out], p, elementGrid(n));
  }

  reduce(op: ReduceOp, x: T, axes: readonly number[], out: T): void {
    const nOut = sizeOf(out.shape);
    if (nOut === 0) return;
    const strides = contiguousStrides(x.shape);
    const kept: number[] = [];
    const keptStrides: number[] = [];
    const red: number[] = [];
    const redStrides: number[] = [];
    x.shape.forEach((d, k) => {
      if (axes.includes(k)) {
        red.push(d);
        redStrides.push(strides[k]);
      } else {
        kept.push(d);
        keptStrides.push(strides[k]);
      }
    });
    const R = sizeOf(red);
    const geometry = [kept.length, red.length, ...kept, ...keptStrides, ...red, ...redStrides];
    if (R < TREE_REDUCE_MIN) {
      const code = this.shader(`reduce.${op}|${x.dtype}|${out.dtype}|loop`, () =>
        reduceShader(op, x.dtype, out.dtype, false),
      );
      this.run(
        'reduce',
        code,
        [x, out],
        new Params().u(nOut, R, ...geometry.slice(0, 2), 1, R, ...geometry.slice(2)),
        elementGrid(nOut),
      );
      return;
    }
    // Few outputs over very long rows: segments of SEGMENT elements, each its own workgroup, then
    // a second pass over the [nOut, S] partials (kept in a pooled scratch buffer).
    const S = nOut <= 256 ? Math.min(256, Math.ceil(R / SEGMENT)) : 1;
    const code = this.shader(`reduce.${op}|${x.dtype}|${out.dtype}|tree`, () =>
      reduceShader(op, x.dtype, out.dtype, true),
    );
    const first = (count: number, segment: number) =>
      new Params().u(count, R, ...geometry.slice(0, 2), S, segment, ...geometry.slice(2));
    if (S === 1) {
      this.run('reduce', code, [x, out], first(nOut, R), grid(nOut));
      return;
    }
    const partialType: DType = out.dtype === 'float32' ? 'float32' : 'int32';
    const scratch = this.rt.acquire(nOut * S * 4);
    const pass1 = this.shader(`reduce.${op}|${x.dtype}|${partialType}|tree`, () =>
      reduceShader(op, x.dtype, partialType, true),
    );
    this.run('reduce', pass1, [x, scratch], first(nOut * S, Math.ceil(R / S)), grid(nOut * S));
    const pass2 = this.shader(`reduce.${op}|${partialType}|${out.dtype}|loop`, () =>
      reduceShader(op, partialType, out.dtype, false),
    );
    // The partials as [nOut, S], reduced over axis 1 (kept: nOut with stride S; reduced: S, 1).
    this.run(
      'reduce',
      pass2,
      [scratch, out],
      new Params().u(nOut, S, 1, 1, 1, S, nOut, S, S, 1),
      elementGrid(nOut),
    );
    // Queue order keeps the scratch valid for the two passes even if it is reused right away.
    this.rt.release(scratch);
  }

  argReduce(op: ArgReduceOp, x: T, axis: number, out: T): void {
    const nOut = sizeOf(out.shape);
    if (nOut === 0) return;
    const L = x.shape[axis];
    const inner = sizeOf(x.shape.slice(axis + 1));
    const code = this.shader(`${op}|${x.dtype}`, () => argReduceShader(op, x.dtype));
    this.run('argReduce', code, [x, out], new Params().u(nOut, L, inner), elementGrid(nOut));
  }

  matmul(a: T, b: T, out: T, options: MatmulOptions): void {
    this.product('matmul', a, b, null, 'none', out, options.transA, options.transB);
  }

  private product(
    op: string,
    a: T,
    b: T,
    bias: T | null,
    act: FusedActivation,
    out: T,
    transA: boolean,
    transB: boolean,
  ): void {
    const r = out.shape.length;
    const M = out.shape[r - 2];
    const N = out.shape[r - 1];
    const batch = sizeOf(out.shape.slice(0, r - 2));
    if (M * N * batch === 0) return;
    const ra = a.shape.length;
    const K = transA ? a.shape[ra - 2] : a.shape[ra - 1];
    const aBatch = sizeOf(a.shape.slice(0, ra - 2));
    const bBatch = sizeOf(b.shape.slice(0, b.shape.length - 2));
    const code = this.shader(`${op}|${transA}|${transB}|${bias !== null}|${act}`, () =>
      matmulShader(transA, transB, bias !== null, act, FLOAT_HELPERS),
    );
    const tensors = bias ? [a, b, bias, out] : [a, b, out];
    // A grid dimension holds at most 65535 workgroups: more batches take several dispatches.
    for (let first = 0; first < batch; first += MAX_GRID) {
      const p = new Params().u(M, K, N, aBatch === 1 ? 0 : M * K, bBatch === 1 ? 0 : K * N, first);
      this.run(op, code, tensors, p, [
        Math.ceil(N / TILE),
        Math.ceil(M / TILE),
        Math.min(MAX_GRID, batch - first),
      ]);
    }
  }

  gather(x: T, axis: number, index: T, out: T): void {
    const n = sizeOf(out.shape);
    if (n === 0) return;
    const p = new Params().u(
      n,
      out.shape.length,
      axis,
      x.shape[axis],
      ...out.shape,
      ...contiguousStrides(x.shape),
    );
    this.run('gather', GATHER_SHADER, [x, index, out], p, elementGrid(n));
  }

  scatterAdd(out: T, axis: number, index: T, src: T): void {
    const n = sizeOf(out.shape);
    if (n === 0 || sizeOf(index.shape) === 0) return;
    const code = this.shader(`scatterAdd|${out.dtype}`, () => scatterAddShader(out.dtype));
    const p = new Params().u(
      n,
      out.shape.length,
      axis,
      ...out.shape,
      ...index.shape,
      ...contiguousStrides(index.shape),
    );
    this.run('scatterAdd', code, [index, src, out], p, elementGrid(n));
  }

  // ---- optional kernels ----

  linear(x: T, w: T, bias: T | null, activation: FusedActivation, out: T): void {
    this.product('linear', x, w, bias, activation, out, false, true);
  }

  softmax(x: T, axis: number, out: T): void {
    this.softmaxLike('softmax', false, x, axis, out);
  }

  logSoftmax(x: T, axis: number, out: T): void {
    this.softmaxLike('logSoftmax', true, x, axis, out);
  }

  private softmaxLike(op: string, log: boolean, x: T, axis: number, out: T): void {
    const n = sizeOf(x.shape);
    if (n === 0) return;
    const L = x.shape[axis];
    const inner = sizeOf(x.shape.slice(axis + 1));
    const rows = n / L;
    const tree = L >= TREE_REDUCE_MIN;
    const code = this.shader(`${op}|${tree}`, () => softmaxShader(log, tree));
    this.run(op, code, [x, out], new Params().u(rows, L, inner), tree ? grid(rows) : elementGrid(rows));
  }

  sgdUpdate(param: T, grad: T, momentumBuf: T | null, o: SGDUpdateParams): void {
    const n = sizeOf(param.shape);
    if (n === 0) return;
    const code = this.shader(`sgd|${momentumBuf !== null}`, () => sgdShader(momentumBuf !== null));
    const p = new Params()
      .u(n)
      .f(o.lr, o.momentum, 1 - o.dampening)
      .u(o.nesterov ? 1 : 0)
      .f(o.weightDecay)
      .u(o.first ? 1 : 0);
    this.run('sgdUpdate', code, momentumBuf ? [param, grad, momentumBuf] : [param, grad], p, elementGrid(n));
  }

  adamUpdate(param: T, grad: T, expAvg: T, expAvgSq: T, maxExpAvgSq: T | null, o: AdamUpdateParams): void {
    const n = sizeOf(param.shape);
    if (n === 0) return;
    const ams = maxExpAvgSq !== null;
    const code = this.shader(`adam|${ams}`, () => adamShader(ams));
    const bc1 = 1 - o.beta1 ** o.step;
    const sqrtBc2 = Math.sqrt(1 - o.beta2 ** o.step);
    const p = new Params()
      .u(n)
      .f(o.lr, o.beta1, o.beta2, o.eps, o.weightDecay)
      .u(o.decoupled ? 1 : 0)
      .f(o.lr / bc1, sqrtBc2, 1 - o.beta1, 1 - o.beta2, 1 - o.lr * o.weightDecay);
    const tensors = maxExpAvgSq
      ? [param, grad, expAvg, expAvgSq, maxExpAvgSq]
      : [param, grad, expAvg, expAvgSq];
    this.run('adamUpdate', code, tensors, p, elementGrid(n));
  }

  private convParams(
    count: number,
    xShape: readonly number[],
    wShape: readonly number[],
    yShape: readonly number[],
    c: Conv2dParams,
  ): Params {
    const [N, C, H, W] = xShape;
    const [O, , kH, kW] = wShape;
    return new Params().u(
      count,
      N,
      C,
      H,
      W,
      O,
      yShape[2],
      yShape[3],
      kH,
      kW,
      c.strideH,
      c.strideW,
      c.padH,
      c.padW,
      c.dilationH,
      c.dilationW,
      c.groups,
    );
  }

  conv2d(x: T, w: T, bias: T | null, params: Conv2dParams, out: T): void {
    const n = sizeOf(out.shape);
    if (n === 0) return;
    const code = this.shader(`conv2d|${bias !== null}`, () => conv2dShader(bias !== null));
    const p = this.convParams(n, x.shape, w.shape, out.shape, params);
    this.run('conv2d', code, bias ? [x, w, bias, out] : [x, w, out], p, elementGrid(n));
  }

  conv2dBackwardInput(dy: T, w: T, params: Conv2dParams, dx: T): void {
    const n = sizeOf(dx.shape);
    if (n === 0) return;
    const p = this.convParams(n, dx.shape, w.shape, dy.shape, params);
    this.run('conv2dBackwardInput', CONV2D_BACKWARD_INPUT_SHADER, [dy, w, dx], p, elementGrid(n));
  }

  conv2dBackwardFilter(x: T, dy: T, params: Conv2dParams, dw: T): void {
    const n = sizeOf(dw.shape);
    if (n === 0) return;
    const p = this.convParams(n, x.shape, dw.shape, dy.shape, params);
    this.run('conv2dBackwardFilter', CONV2D_BACKWARD_FILTER_SHADER, [x, dy, dw], p, grid(n));
  }

  private poolParams(
    count: number,
    xShape: readonly number[],
    yShape: readonly number[],
    q: Pool2dParams,
  ): Params {
    return new Params().u(
      count,
      xShape[2],
      xShape[3],
      yShape[2],
      yShape[3],
      q.kernelH,
      q.kernelW,
      q.strideH,
      q.strideW,
      q.padH,
      q.padW,
      q.countIncludePad ? 1 : 0,
    );
  }

  maxPool2d(x: T, params: Pool2dParams, out: T, indices: T): void {
    const n = sizeOf(out.shape);
    if (n === 0) return;
    const p = this.poolParams(n, x.shape, out.shape, params);
    this.run('maxPool2d', MAX_POOL_SHADER, [x, out, indices], p, elementGrid(n));
    this.poolOrigin.set(indices.handle, params);
  }

  maxPool2dBackward(dy: T, indices: T, dx: T): void {
    const n = sizeOf(dx.shape);
    if (n === 0) return;
    const origin = this.poolOrigin.get(indices.handle);
    if (origin) {
      const p = this.poolParams(n, dx.shape, dy.shape, origin);
      this.run('maxPool2dBackward', MAX_POOL_BACKWARD_WINDOW_SHADER, [dy, indices, dx], p, elementGrid(n));
      return;
    }
    // Indices from elsewhere: scan each plane's outputs (the kernel receives no window geometry).
    const p = new Params().u(n, dx.shape[2] * dx.shape[3], dy.shape[2] * dy.shape[3]);
    this.run('maxPool2dBackward', MAX_POOL_BACKWARD_SHADER, [dy, indices, dx], p, elementGrid(n));
  }

  avgPool2d(x: T, params: Pool2dParams, out: T): void {
    const n = sizeOf(out.shape);
    if (n === 0) return;
    const p = this.poolParams(n, x.shape, out.shape, params);
    this.run('avgPool2d', AVG_POOL_SHADER, [x, out], p, elementGrid(n));
  }

  avgPool2dBackward(dy: T, params: Pool2dParams, dx: T): void {
    const n = sizeOf(dx.shape);
    if (n === 0) return;
    const p = this.poolParams(n, dx.shape, dy.shape, params);
    this.run('avgPool2dBackward', AVG_POOL_BACKWARD_SHADER, [dy, dx], p, elementGrid(n));
  }
}
