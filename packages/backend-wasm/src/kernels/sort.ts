/** sortRows: a stable merge sort of each row, (value, index) pairs, in AssemblyScript. */
import { sizeOf } from '@nnet/tensor';
import { Job } from '../codes.js';
import type { T, WasmContext } from './context.js';

/**
 * Sorts each row of x [R, n] (float32 or int32) into values [R, n] and int32 indices [R, n]; the
 * rows split across threads when the cost model says it pays (each row sorted whole, so the
 * results do not depend on the thread count).
 */
export function sortRows(ctx: WasmContext, x: T, descending: boolean, values: T, indices: T): void {
  const n = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1];
  const size = sizeOf(x.shape);
  if (size === 0) return;
  const scratches: number[] = [];
  // A merge sort: about log2(n) passes over a row, each a few adds' worth per element.
  const perRow = 4 * n * Math.max(1, Math.log2(n)) * ctx.par.costs.elem;
  try {
    ctx.par.split(size / n, perRow, 1, (from, to) => {
      const scratch = ctx.heap.alloc(ctx.k.sortScratchBytes(n));
      scratches.push(scratch);
      const at = 4 * from * n;
      const isInt = x.dtype === 'int32' ? 1 : 0;
      return [
        Job.sort,
        isInt,
        x.handle + at,
        to - from,
        n,
        descending ? 1 : 0,
        values.handle + at,
        indices.handle + at,
        scratch,
      ];
    });
  } finally {
    for (const s of scratches) ctx.heap.free(s);
  }
}
