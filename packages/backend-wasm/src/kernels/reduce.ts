/**
 * reduce and argReduce: float32 in AssemblyScript (a run of adjacent axes per pass, through
 * temporaries, each pass split by outer rows when it pays), int32/bool in @nnet/kernels-js; arg-reductions of float32 and int32 in
 * AssemblyScript, of bool in @nnet/kernels-js.
 */
import * as js from '@nnet/kernels-js';
import { type ArgReduceOp, type ReduceOp, sizeOf } from '@nnet/tensor';
import { ArgReduce, Job, Reduce } from '../codes.js';
import type { T, WasmContext } from './context.js';

export function reduce(ctx: WasmContext, op: ReduceOp, x: T, axes: readonly number[], out: T): void {
  if (x.dtype !== 'float32' || out.dtype !== 'float32') {
    js.reduce(op, ctx.heap.dense(x), axes, ctx.heap.dense(out));
    return;
  }
  if (axes.length === 0) {
    ctx.k.copyStrided32(x.handle, out.handle, ctx.heap.block([1, sizeOf(x.shape), 1, 0]));
    return;
  }
  // Reduce contiguous runs of axes from the last run to the first, through temporaries.
  const runs: [number, number][] = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last && last[1] === a - 1) last[1] = a;
    else runs.push([a, a]);
  }
  let shape = [...x.shape];
  let src = x.handle;
  let temp = 0;
  for (let r = runs.length - 1; r >= 0; r--) {
    const [a0, a1] = runs[r];
    const outer = sizeOf(shape.slice(0, a0));
    const len = sizeOf(shape.slice(a0, a1 + 1));
    const inner = sizeOf(shape.slice(a1 + 1));
    shape = shape.map((s, d) => (d >= a0 && d <= a1 ? 1 : s));
    const dst = r === 0 ? out.handle : ctx.heap.alloc(outer * inner * 4);
    // Split by outer rows (each output computed as in one call): a sum of contiguous rows, or
    // the general kernel (op −1 in a reduce job is rowSumF32).
    const code = op === 'sum' && inner === 1 ? -1 : Reduce[op];
    const x0 = src;
    // Per element: a SIMD add for sums, a scalar compare or multiply otherwise.
    const per = (code === -1 || code === Reduce.sum ? 1 : 3) * ctx.par.costs.elem;
    ctx.par.split(outer, len * inner * per, 1, (from, to) => [
      Job.reduce,
      code,
      x0 + 4 * from * len * inner,
      dst + 4 * from * inner,
      to - from,
      len,
      inner,
    ]);
    if (temp) ctx.heap.free(temp);
    temp = r === 0 ? 0 : dst;
    src = dst;
  }
}

export function argReduce(ctx: WasmContext, op: ArgReduceOp, x: T, axis: number, out: T): void {
  if (x.dtype === 'bool') {
    js.argReduce(op, ctx.heap.dense(x), axis, ctx.heap.dense(out));
    return;
  }
  const outer = sizeOf(x.shape.slice(0, axis));
  const len = x.shape.length === 0 ? 1 : x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const kernel = x.dtype === 'float32' ? ctx.k.argReduceF32 : ctx.k.argReduceI32;
  kernel(ArgReduce[op], x.handle, out.handle, outer, len, inner);
}
