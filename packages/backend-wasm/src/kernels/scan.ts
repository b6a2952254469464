/** cumsum: inclusive running sums along one axis, forward or reversed, in AssemblyScript. */
import { sizeOf } from '@nnet/tensor';
import { Job } from '../codes.js';
import type { T, WasmContext } from './context.js';

/**
 * out = Σ_{j<=i} x (or Σ_{j>=i} when `reverse`) along `axis`; float32 or int32, out x's shape.
 * The dims before `axis` split across threads when the cost model says it pays (each running sum
 * whole, so the results do not depend on the thread count).
 */
export function cumsum(ctx: WasmContext, x: T, axis: number, reverse: boolean, out: T): void {
  const size = sizeOf(x.shape);
  if (size === 0) return;
  const outer = sizeOf(x.shape.slice(0, axis));
  const len = x.shape.length === 0 ? 1 : x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const row = len * inner;
  ctx.par.split(outer, row * ctx.par.costs.elem, 1, (from, to) => [
    Job.cumsum,
    x.dtype === 'int32' ? 1 : 0,
    x.handle + 4 * from * row,
    out.handle + 4 * from * row,
    to - from,
    len,
    inner,
    reverse ? 1 : 0,
  ]);
}
