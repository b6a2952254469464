/**
 * Linear memory as the backend uses it: tensor storages (with the byte counts memory() reports),
 * typed-array views of them, the parameter block that passes shapes and strides to the kernels,
 * and scratch regions reused across calls. Blocks come from the size-class Allocator.
 */

import type { Dense } from '@nnet/kernels-js';
import { bytesPerElement, type DType, sizeOf, type TensorInfo, type TypedArray } from '@nnet/tensor';
import { Allocator } from './allocator.js';

/** Bytes of the parameter block (int32 words: rank, shapes, strides of up to three operands). */
const PARAMS_BYTES = 1024;

/** The named scratch regions: im2col columns, and a batch's [Og, images · L] outputs or gradients. */
export type ScratchName = 'cols' | 'batch';

export class Heap {
  readonly allocator: Allocator;
  /**
   * Requested bytes of each storage handle, −1 once freed (entries are overwritten, never deleted:
   * see Allocator.blocks); with the live count and bytes memory() reports.
   */
  private readonly requested = new Map<number, number>();
  private storages = 0;
  private bytes = 0;
  private readonly params: number;
  private readonly scratch: Record<ScratchName, { at: number; bytes: number }> = {
    cols: { at: 0, bytes: 0 },
    batch: { at: 0, bytes: 0 },
  };

  constructor(
    readonly memory: WebAssembly.Memory,
    heapBase: number,
  ) {
    this.allocator = new Allocator(memory, heapBase);
    this.params = this.allocator.alloc(PARAMS_BYTES);
  }

  // ---- storages -----------------------------------------------------------------------------

  /** A storage of `size` elements of `dtype`: its byte offset. */
  allocStorage(dtype: DType, size: number): number {
    const bytes = size * bytesPerElement(dtype);
    const handle = this.allocator.alloc(bytes);
    this.requested.set(handle, bytes);
    this.storages++;
    this.bytes += bytes;
    return handle;
  }

  freeStorage(handle: number): void {
    const bytes = this.requested.get(handle) ?? -1;
    this.allocator.free(handle);
    if (bytes < 0) return;
    this.requested.set(handle, -1);
    this.storages--;
    this.bytes -= bytes;
  }

  /** Live storages and their requested bytes. */
  storageStats(): { storages: number; bytes: number } {
    return { storages: this.storages, bytes: this.bytes };
  }

  // ---- views --------------------------------------------------------------------------------

  /** A typed-array view of a handle (re-made on each call: growing memory detaches old views). */
  view(handle: number, dtype: DType, size: number, offset = 0): TypedArray {
    const buf = this.memory.buffer;
    if (dtype === 'float32') return new Float32Array(buf, handle + offset * 4, size);
    if (dtype === 'int32') return new Int32Array(buf, handle + offset * 4, size);
    return new Uint8Array(buf, handle + offset, size);
  }

  /** The elements of a dense tensor. */
  data(t: TensorInfo<number>): TypedArray {
    return this.view(t.handle, t.dtype, sizeOf(t.shape));
  }

  /** `t` as the shared typed-array kernels (@nnet/kernels-js) take it: a view of its storage. */
  dense(t: TensorInfo<number>): Dense {
    return { handle: { data: this.data(t) }, dtype: t.dtype, shape: t.shape };
  }

  /** `words` int32 words at byte `ptr`. */
  int32(ptr: number, words: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, words);
  }

  /** All of linear memory as int32 words, re-made only once growth has replaced the buffer. */
  private wordsView = new Int32Array(0);

  /**
   * Writes int32 `values` at byte `ptr` (a multiple of 4) through one cached view: the job and
   * parameter words every kernel call passes, without a new typed array per call.
   */
  setInt32(ptr: number, values: ArrayLike<number>): void {
    const buffer = this.memory.buffer;
    if (this.wordsView.buffer !== buffer) this.wordsView = new Int32Array(buffer);
    this.wordsView.set(values, ptr >> 2);
  }

  // ---- parameters and scratch ------------------------------------------------------------------

  /** Writes int32 values into the parameter block and returns its address. */
  block(values: readonly number[]): number {
    this.setInt32(this.params, values);
    return this.params;
  }

  /** The scratch region `which`, grown to at least `bytes`. */
  scratchOf(which: ScratchName, bytes: number): number {
    const region = this.scratch[which];
    if (bytes > region.bytes) {
      if (region.at) this.allocator.free(region.at);
      region.at = this.allocator.alloc(bytes);
      region.bytes = Allocator.classOf(bytes);
    }
    return region.at;
  }

  /** A temporary block of `bytes` (free it with `free`). */
  alloc(bytes: number): number {
    return this.allocator.alloc(bytes);
  }

  free(ptr: number): void {
    this.allocator.free(ptr);
  }
}
