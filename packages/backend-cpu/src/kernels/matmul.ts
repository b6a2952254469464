/** Batched matmul and fused linear on the packed GEMM. */
import type { FusedActivation, MatmulOptions, TensorInfo } from '@nnet/tensor';
import type { CpuHandle } from '../handle.js';
import { type Epilogue, gemm } from './gemm.js';

/**
 * A tensor argument of the kernels: a CPU storage (one typed array) with its shape and strides.
 * @inline
 */
type T = TensorInfo<CpuHandle>;

export function matmul(a: T, b: T, out: T, { transA, transB }: MatmulOptions): void {
  const [B, M, N] = out.shape;
  const K = transA ? a.shape[1] : a.shape[2];
  const ad = a.handle.data as Float32Array;
  const bd = b.handle.data as Float32Array;
  const od = out.handle.data as Float32Array;
  // Element (i, k) of op(A) is at i·aRow + k·aCol: a transpose just swaps the strides.
  const aRow = transA ? 1 : K;
  const aCol = transA ? M : 1;
  const bRow = transB ? 1 : N;
  const bCol = transB ? K : 1;
  for (let i = 0; i < B; i++) {
    const aOff = a.shape[0] === 1 ? 0 : i * M * K;
    const bOff = b.shape[0] === 1 ? 0 : i * K * N;
    gemm(M, N, K, ad, aOff, aRow, aCol, bd, bOff, bRow, bCol, od, i * M * N);
  }
}

/** out [M, N] = act(x [M, K] · wᵀ (w [N, K]) + bias [N]), the bias and activation applied as each block of out is finished. */
export function linear(x: T, w: T, bias: T | null, activation: FusedActivation, out: T): void {
  const [M, K] = x.shape;
  const N = w.shape[0];
  const epilogue: Epilogue | null =
    bias || activation !== 'none'
      ? { bias: bias ? (bias.handle.data as Float32Array) : null, biasOff: 0, activation }
      : null;
  const xd = x.handle.data as Float32Array;
  const wd = w.handle.data as Float32Array;
  gemm(M, N, K, xd, 0, K, 1, wd, 0, 1, K, out.handle.data as Float32Array, 0, epilogue);
}
