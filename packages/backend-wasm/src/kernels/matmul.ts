/** Batched matmul and the fused linear layer (bias and activation in the GEMM's epilogue). */
import type { FusedActivation, MatmulOptions } from '@nnet/tensor';
import { Activation } from '../codes.js';
import type { T, WasmContext } from './context.js';

export function matmul(ctx: WasmContext, a: T, b: T, out: T, { transA, transB }: MatmulOptions): void {
  const [B, M, N] = out.shape;
  const K = transA ? a.shape[1] : a.shape[2];
  for (let i = 0; i < B; i++) {
    ctx.par.gemm({
      M,
      N,
      K,
      a: a.handle + (a.shape[0] === 1 ? 0 : i * M * K * 4),
      aRow: transA ? 1 : K,
      aCol: transA ? M : 1,
      b: b.handle + (b.shape[0] === 1 ? 0 : i * K * N * 4),
      bRow: transB ? 1 : N,
      bCol: transB ? K : 1,
      c: out.handle + i * M * N * 4,
      ldc: N,
      accumulate: false,
    });
  }
}

/** out [M, N] = act(x [M, K] · w [N, K]ᵀ + bias [N]): one GEMM, bias and activation in its epilogue. */
export function linear(
  ctx: WasmContext,
  x: T,
  w: T,
  bias: T | null,
  activation: FusedActivation,
  out: T,
): void {
  const [M, K] = x.shape;
  const N = w.shape[0];
  ctx.par.gemm({
    M,
    N,
    K,
    a: x.handle,
    aRow: K,
    aCol: 1,
    b: w.handle,
    bRow: 1,
    bCol: K,
    c: out.handle,
    ldc: N,
    accumulate: false,
    bias: bias ? bias.handle : 0,
    act: Activation[activation],
  });
}
