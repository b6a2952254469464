/**
 * The GEMM runner (dot products for a few rows times a row-major Bᵀ, the worker pool for large
 * products, one thread otherwise) and the kernels built on it alone: batched matmul and the fused
 * linear layer.
 */
import type { FusedActivation, MatmulOptions } from '@nnet/tensor';
import { Activation } from '../codes.js';
import { type GemmArgs, type KernelExports, writeGemmArgs } from '../ffi.js';
import type { Heap } from '../heap.js';
import type { Workers } from '../workers.js';
import type { T, WasmContext } from './context.js';

/** Products smaller than this (M·N·K) stay on one thread: a round trip costs tens of microseconds. */
const PARALLEL_MIN_FLOPS = 64 * 64 * 64;

/** Runs GEMMs on the calling thread from one argument struct in linear memory, or on the pool. */
export class GemmRunner {
  /** The GemmField struct the calling thread's products read. */
  private readonly args: number;
  /** Packed panels of the calling thread's products. */
  private readonly scratch: number;

  constructor(
    private readonly k: KernelExports,
    private readonly heap: Heap,
    private readonly workers: Workers,
  ) {
    this.args = heap.alloc(64);
    this.scratch = heap.alloc(k.gemmScratchBytes());
  }

  /** C = op(A)·op(B) (or +=), split across the worker pool when it is large enough. */
  run(args: GemmArgs): void {
    // A few rows times a row-major Bᵀ (batch-1 inference): dot products beat packing B.
    if (args.M <= 4 && args.aCol === 1 && args.bCol !== 1 && args.bRow === 1) {
      this.local(args, true);
      return;
    }
    if (
      args.M * args.N * args.K >= PARALLEL_MIN_FLOPS &&
      this.workers.gemm(args, (part) => this.local(part))
    ) {
      return;
    }
    this.local(args);
  }

  private local(args: GemmArgs, dotRows = false): void {
    writeGemmArgs(this.heap.int32(this.args, 16), 0, args);
    if (dotRows) this.k.dotRows(this.args);
    else this.k.gemm(this.args, this.scratch);
  }
}

export function matmul(ctx: WasmContext, a: T, b: T, out: T, { transA, transB }: MatmulOptions): void {
  const [B, M, N] = out.shape;
  const K = transA ? a.shape[1] : a.shape[2];
  for (let i = 0; i < B; i++) {
    ctx.gemm({
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
  ctx.gemm({
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
  });
  if (bias || activation !== 'none') {
    ctx.k.biasActivation(out.handle, bias ? bias.handle : 0, M, N, Activation[activation]);
  }
}
