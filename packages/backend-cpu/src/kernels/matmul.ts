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
  // Element (i, k) of op(A) is at i·rowStride + k·colStride: a transpose just swaps the strides.
  const [aRow, aCol] = transA ? [1, M] : [K, 1];
  const [bRow, bCol] = transB ? [1, K] : [N, 1];
  for (let i = 0; i < B; i++) {
    gemm({
      M,
      N,
      K,
      a: { data: ad, offset: a.shape[0] === 1 ? 0 : i * M * K, rowStride: aRow, colStride: aCol },
      b: { data: bd, offset: b.shape[0] === 1 ? 0 : i * K * N, rowStride: bRow, colStride: bCol },
      c: { data: od, offset: i * M * N },
    });
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
  gemm({
    M,
    N,
    K,
    a: { data: x.handle.data as Float32Array, offset: 0, rowStride: K, colStride: 1 },
    // op(B) = wᵀ: element (k, j) is w[j, k].
    b: { data: w.handle.data as Float32Array, offset: 0, rowStride: 1, colStride: K },
    c: { data: out.handle.data as Float32Array, offset: 0 },
    epilogue,
  });
}
