/** softmax and logSoftmax along one axis (x viewed as [outer, len, inner]). */
import { sizeOf } from '@nnet/tensor';
import type { T, WasmContext } from './context.js';

function run(ctx: WasmContext, x: T, axis: number, out: T, log: boolean): void {
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  ctx.k.softmaxF32(x.handle, out.handle, outer, x.shape[axis], inner, log ? 1 : 0);
}

export function softmax(ctx: WasmContext, x: T, axis: number, out: T): void {
  run(ctx, x, axis, out, false);
}

export function logSoftmax(ctx: WasmContext, x: T, axis: number, out: T): void {
  run(ctx, x, axis, out, true);
}
