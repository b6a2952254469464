import type { TypedArray } from '@nnet/tensor';

/** A CPU storage: one typed array (Float32Array, Int32Array, or Uint8Array for bool). */
export interface CpuHandle {
  data: TypedArray;
}
