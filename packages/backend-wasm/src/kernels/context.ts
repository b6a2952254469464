/** What every kernel family needs: the module's exports, linear memory, and where work runs. */
import { contiguousStrides, type TensorInfo } from '@nnet/tensor';
import type { KernelExports } from '../ffi.js';
import type { Heap } from '../heap.js';
import type { Parallel } from '../parallel.js';

/** A dense tensor whose handle is a byte offset into linear memory. */
export type T = TensorInfo<number>;

export interface WasmContext {
  readonly k: KernelExports;
  readonly heap: Heap;
  /** Runs products and other jobs on the calling thread or split across the worker pool. */
  readonly par: Parallel;
}

/** Element strides of a dense shape, 0 where a dim is 1 (broadcast): the kernels' stride lists. */
export function bstrides(shape: readonly number[]): number[] {
  return contiguousStrides(shape).map((st, d) => (shape[d] === 1 ? 0 : st));
}
