/**
 * resizeAxis and its adjoint: PyTorch's source-index rules from @nnet/tensor's `resizeTable`, once per call, as a
 * table (i0, i1, λ per output index); the AssemblyScript kernel walks [outer, size, inner] rows.
 */
import { type ResizeAxisParams, resizeTable, sizeOf } from '@nnet/tensor';
import { Job } from '../codes.js';
import type { T, WasmContext } from './context.js';

function run(ctx: WasmContext, big: T, small: T, p: ResizeAxisParams, backward: boolean): void {
  const { axis } = p;
  const outer = sizeOf(big.shape.slice(0, axis));
  const inner = sizeOf(big.shape.slice(axis + 1));
  const inSize = big.shape[axis];
  const outSize = small.shape[axis];
  if (outer * inner * inSize === 0) return;
  if (outSize === 0) {
    if (backward) ctx.heap.data(big).fill(0);
    return;
  }
  const { i0, i1, lambda: lam } = resizeTable(inSize, outSize, p);
  const table = ctx.heap.alloc(12 * outSize);
  try {
    const words = ctx.heap.int32(table, 2 * outSize);
    words.set(i0);
    words.set(i1, outSize);
    new Float32Array(ctx.heap.memory.buffer, table + 8 * outSize, outSize).set(lam);
    const linear = p.mode === 'linear' ? 1 : 0;
    const [src, dst] = backward ? [small, big] : [big, small];
    const [srcRow, dstRow] = backward ? [outSize * inner, inSize * inner] : [inSize * inner, outSize * inner];
    // Per outer row: each output element one copy (nearest) or two multiply-adds (linear); the
    // adjoint also zeroes dx's row first.
    const perRow =
      (outSize * inner * (linear ? 2 : 1) + (backward ? inSize * inner : 0)) * ctx.par.costs.elem;
    // The outer rows split across threads when the cost model says it pays: each row's result
    // is computed as on one thread (the adjoint's sums stay within a row).
    ctx.par.split(outer, perRow, 1, (from, to) => [
      Job.resize,
      src.handle + 4 * from * srcRow,
      dst.handle + 4 * from * dstRow,
      to - from,
      inSize,
      outSize,
      inner,
      table,
      table + 4 * outSize,
      table + 8 * outSize,
      linear,
      backward ? 1 : 0,
    ]);
  } finally {
    ctx.heap.free(table);
  }
}

/** out = x resized along params.axis (float32, same rank, only that dim differs). */
export function resizeAxis(ctx: WasmContext, x: T, p: ResizeAxisParams, out: T): void {
  run(ctx, x, out, p, false);
}

/** dx (x's shape, written in full) = the adjoint of resizeAxis applied to dy. */
export function resizeAxisBackward(ctx: WasmContext, dy: T, p: ResizeAxisParams, dx: T): void {
  run(ctx, dx, dy, p, true);
}
