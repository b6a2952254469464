import type { TensorInfo, TypedArray } from '@nnet/tensor';

/**
 * A storage as these kernels see it: one typed array (Float32Array, Int32Array, or Uint8Array for
 * bool) holding the tensor's elements from index 0. The CPU backend's handle is exactly this; the
 * WASM backend wraps a view of its linear memory in one.
 *
 * @example
 * ```ts
 * const h: ArrayHandle = { data: new Float32Array([1, 2, 3]) };
 * h.data.length; // 3
 * ```
 */
export interface ArrayHandle {
  /** The elements, from index 0 (row-major for a contiguous tensor). */
  data: TypedArray;
}

/**
 * A dense tensor whose storage is an `ArrayHandle`: the operand type of every kernel here.
 *
 * @example
 * ```ts
 * const x: Dense = { handle: { data: new Float32Array(6) }, dtype: 'float32', shape: [2, 3] };
 * x.shape; // [2, 3]
 * ```
 */
export type Dense = TensorInfo<ArrayHandle>;
