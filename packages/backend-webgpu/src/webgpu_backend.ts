/// <reference types="@webgpu/types" preserve="true" />
/**
 * The WebGPU backend: storage in GPU buffers (from a pool), every required kernel and the training
 * optional kernels in WGSL, dispatches batched into few submissions, reads through `mapAsync`
 * only (there is no `readSync`). This file holds the storage bookkeeping, reads and the dispatch;
 * the kernels live in elementwise_kernels.ts, reduce_kernels.ts and nn_kernels.ts.
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
import { BackendError, bytesPerElement, sizeOf } from '@nnet/tensor';
import * as ew from './elementwise_kernels.js';
import type { AdapterSummary } from './gpu.js';
import * as nn from './nn_kernels.js';
import * as red from './reduce_kernels.js';
import type { GpuRuntime } from './runtime.js';
import type { Params } from './shaders/common.js';
import { type KernelContext, type T, WebGpuStorage } from './storage.js';

export { WebGpuStorage };

/**
 * The WebGPU backend. Create it with `createWebGpuBackend()` (or register-and-select with
 * `await setBackend('webgpu')`); it owns one `GPUDevice`.
 *
 * ```ts
 * const gpu = await createWebGpuBackend({ allowSoftware: true });
 * registerBackend('webgpu', () => gpu, 3);
 * ```
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
  /** What the kernel files use of this backend (shader cache, dispatch, scratch buffers). */
  private readonly k: KernelContext = {
    shader: (key, make) => this.shader(key, make),
    run: (op, code, tensors, params, groups) => this.run(op, code, tensors, params, groups),
    acquire: (bytes) => this.rt.acquire(bytes),
    release: (buffer) => this.rt.release(buffer),
  };

  /**
   * Made by `createWebGpuBackend()`, which picks the adapter and opens the device.
   * @param rt the device runtime (pool, batching, pipelines)
   * @param adapter what the adapter is (for messages and `adapterInfo`)
   * @param gpu the `GPU` object the device came from (retained for the life of the process)
   * @internal
   */
  constructor(
    private readonly rt: GpuRuntime,
    readonly adapter: AdapterSummary,
    readonly gpu: GPU,
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
   * const gpu = await setBackend('webgpu'); // a software adapter too: asked for by name
   * if (gpu instanceof WebGpuBackend) {
   *   const model = new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 2));
   *   const x = randn([4, 8]);
   *   const before = gpu.stats().submissions;
   *   await model.forward(x).data();
   *   gpu.stats().submissions - before; // 2: all the forward pass's dispatches, then the copy back
   * }
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

  /**
   * Frees every buffer and destroys the device; from then on every call throws `DeviceLostError`
   * (a read still in flight rejects with it). Safe to call again, and right after creating the
   * backend. The `GPU` object stays alive (Dawn frees its instance when that object is collected,
   * under devices still polling it), so a new backend can be created at once.
   *
   * ```ts
   * const gpu = await createWebGpuBackend({ allowSoftware: true });
   * gpu.dispose();
   * gpu.alloc('float32', 4); // throws DeviceLostError: ... the backend was disposed
   * ```
   */
  dispose(): void {
    if (this.rt.isLost) return;
    this.rt.destroy();
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

  // ---- required kernels ----

  unary(op: UnaryOp, x: T, out: T): void {
    ew.unary(this.k, op, x, out);
  }

  binary(op: BinaryOp, a: T, b: T, out: T): void {
    ew.binary(this.k, op, a, b, out);
  }

  compare(op: CompareOp, a: T, b: T, out: T): void {
    ew.compare(this.k, op, a, b, out);
  }

  where(cond: T, a: T, b: T, out: T): void {
    ew.where(this.k, cond, a, b, out);
  }

  cast(x: T, out: T): void {
    ew.cast(this.k, x, out);
  }

  fill(out: T, value: number): void {
    ew.fill(this.k, out, value);
  }

  copyStrided(x: TensorInfo<WebGpuStorage> & { strides: readonly number[]; offset: number }, out: T): void {
    ew.copyStrided(this.k, x, out);
  }

  reduce(op: ReduceOp, x: T, axes: readonly number[], out: T): void {
    red.reduce(this.k, op, x, axes, out);
  }

  argReduce(op: ArgReduceOp, x: T, axis: number, out: T): void {
    red.argReduce(this.k, op, x, axis, out);
  }

  matmul(a: T, b: T, out: T, options: MatmulOptions): void {
    nn.product(this.k, 'matmul', a, b, null, 'none', out, options.transA, options.transB);
  }

  gather(x: T, axis: number, index: T, out: T): void {
    red.gather(this.k, x, axis, index, out);
  }

  scatterAdd(out: T, axis: number, index: T, src: T): void {
    red.scatterAdd(this.k, out, axis, index, src);
  }

  // ---- optional kernels ----

  linear(x: T, w: T, bias: T | null, activation: FusedActivation, out: T): void {
    nn.product(this.k, 'linear', x, w, bias, activation, out, false, true);
  }

  softmax(x: T, axis: number, out: T): void {
    red.softmaxLike(this.k, 'softmax', false, x, axis, out);
  }

  logSoftmax(x: T, axis: number, out: T): void {
    red.softmaxLike(this.k, 'logSoftmax', true, x, axis, out);
  }

  sgdUpdate(param: T, grad: T, momentumBuf: T | null, o: SGDUpdateParams): void {
    nn.sgdUpdate(this.k, param, grad, momentumBuf, o);
  }

  adamUpdate(param: T, grad: T, expAvg: T, expAvgSq: T, maxExpAvgSq: T | null, o: AdamUpdateParams): void {
    nn.adamUpdate(this.k, param, grad, expAvg, expAvgSq, maxExpAvgSq, o);
  }

  conv2d(x: T, w: T, bias: T | null, params: Conv2dParams, out: T): void {
    nn.conv2d(this.k, x, w, bias, params, out);
  }

  conv2dBackwardInput(dy: T, w: T, params: Conv2dParams, dx: T): void {
    nn.conv2dBackwardInput(this.k, dy, w, params, dx);
  }

  conv2dBackwardFilter(x: T, dy: T, params: Conv2dParams, dw: T): void {
    nn.conv2dBackwardFilter(this.k, x, dy, params, dw);
  }

  maxPool2d(x: T, params: Pool2dParams, out: T, indices: T): void {
    nn.maxPool2d(this.k, x, params, out, indices);
    if (sizeOf(out.shape) !== 0) this.poolOrigin.set(indices.handle, params);
  }

  maxPool2dBackward(dy: T, indices: T, dx: T): void {
    nn.maxPool2dBackward(this.k, dy, indices, dx, this.poolOrigin.get(indices.handle));
  }

  avgPool2d(x: T, params: Pool2dParams, out: T): void {
    nn.avgPool2d(this.k, x, params, out);
  }

  avgPool2dBackward(dy: T, params: Pool2dParams, dx: T): void {
    nn.avgPool2dBackward(this.k, dy, params, dx);
  }
}
