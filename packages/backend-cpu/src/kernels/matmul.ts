/** Batched matmul and fused linear on the packed GEMM. */
import type { FusedActivation, MatmulOptions, TensorInfo } from '@nnet/tensor';
import type { CpuHandle } from '../handle.js';
import { gemm } from './gemm.js';

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

/** out = act(x·wᵀ + bias). */
export function linear(x: T, w: T, bias: T | null, activation: FusedActivation, out: T): void {
  const [M, K] = x.shape;
  const N = w.shape[0];
  const o = out.handle.data as Float32Array;
  gemm(M, N, K, x.handle.data as Float32Array, 0, K, 1, w.handle.data as Float32Array, 0, 1, K, o, 0);
  const bd = bias ? (bias.handle.data as Float32Array) : null;
  for (let i = 0; i < M; i++) {
    const row = i * N;
    for (let j = 0; j < N; j++) {
      let v = o[row + j] + (bd ? bd[j] : 0);
      if (activation === 'relu') v = Math.max(v, 0);
      else if (activation === 'tanh') v = Math.tanh(v);
      else if (activation === 'sigmoid') v = 1 / (1 + Math.exp(-v));
      o[row + j] = v;
    }
  }
}
