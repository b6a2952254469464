/** sortRows: a stable merge sort of each row, (value, index) pairs, in AssemblyScript. */
import { sizeOf } from '@nnet/tensor';
import type { T, WasmContext } from './context.js';

/** Sorts each row of x [R, n] (float32 or int32) into values [R, n] and int32 indices [R, n]. */
export function sortRows(ctx: WasmContext, x: T, descending: boolean, values: T, indices: T): void {
  const n = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1];
  const size = sizeOf(x.shape);
  if (size === 0) return;
  const scratch = ctx.heap.alloc(ctx.k.sortScratchBytes(n));
  try {
    ctx.k.sortRows32(
      x.dtype === 'int32' ? 1 : 0,
      x.handle,
      size / n,
      n,
      descending ? 1 : 0,
      values.handle,
      indices.handle,
      scratch,
    );
  } finally {
    ctx.heap.free(scratch);
  }
}
