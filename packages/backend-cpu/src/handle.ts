import type { ArrayHandle } from '@nnet/kernels-js';

/** A CPU storage: one typed array (Float32Array, Int32Array, or Uint8Array for bool). */
export type CpuHandle = ArrayHandle;
