/// <reference types="@webgpu/types" preserve="true" />
/**
 * The WebGPU backend's storage type and what its kernel files share: the tensor argument type and
 * the context (shader cache, dispatch) the backend hands each kernel.
 */
import type { DType, TensorInfo } from '@nnet/tensor';
import type { Params } from './shaders/common.js';

/**
 * A storage of the WebGPU backend: a pooled GPU buffer (4 bytes per element for every dtype; bool
 * is one u32, 0 or 1), its dtype and element count. Made by `alloc`, never by hand:
 *
 * ```ts
 * const gpu = await createWebGpuBackend({ allowSoftware: true });
 * const h = gpu.alloc('float32', 6);
 * h.buffer.size >= 24   // true
 * gpu.write(h, new Float32Array([1, 2, 3, 4, 5, 6]));
 * await gpu.read(h, 'float32', 6)   // Float32Array [1, 2, 3, 4, 5, 6]
 * gpu.free(h);
 * ```
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
 * @internal
 */
export type T = TensorInfo<WebGpuStorage>;

/**
 * What a kernel file needs from the backend: the shader cache, the dispatch (which checks the
 * device and the storages) and scratch buffers from the pool. Built by `WebGpuBackend` only.
 * @internal
 */
export interface KernelContext {
  /** The cached WGSL for `key`, generated once. */
  shader(key: string, make: () => string): string;
  /** Encodes one dispatch over tensors (checked live) and scratch buffers, in binding order. */
  run(
    op: string,
    code: string,
    tensors: readonly (T | GPUBuffer)[],
    params: Params,
    groups: readonly [number, number, number],
  ): void;
  /** A pooled scratch buffer of at least `bytes` bytes. */
  acquire(bytes: number): GPUBuffer;
  /** Returns a scratch buffer to the pool (queue order keeps it valid for dispatches already encoded). */
  release(buffer: GPUBuffer): void;
}

/** Reduced (and softmax) rows at least this long use one workgroup per output (a shared-memory tree). */
export const TREE_REDUCE_MIN = 512;
