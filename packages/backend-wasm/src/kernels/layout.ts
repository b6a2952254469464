/**
 * copyStrided, gather and scatterAdd: 32-bit data in AssemblyScript; bool data (and ranks above
 * Limit.rank, the kernels' multi-index limit) in @nnet/kernels-js.
 */
import * as js from '@nnet/kernels-js';
import { bytesPerElement, contiguousStrides, type StridedInfo } from '@nnet/tensor';
import { Limit } from '../codes.js';
import type { T, WasmContext } from './context.js';

export function copyStrided(ctx: WasmContext, x: StridedInfo<number>, out: T): void {
  if (x.dtype !== 'bool' && x.shape.length <= Limit.rank) {
    ctx.k.copyStrided32(
      x.handle,
      out.handle,
      ctx.heap.block([x.shape.length, ...x.shape, ...x.strides, x.offset]),
    );
    return;
  }
  // bool (or a rank above Limit.rank): a view from the handle to the end of memory holds every
  // element the strides reach.
  const count = Math.floor((ctx.heap.memory.buffer.byteLength - x.handle) / bytesPerElement(x.dtype));
  const data = ctx.heap.view(x.handle, x.dtype, count);
  const { shape, strides, offset } = x;
  js.copyStrided({ handle: { data }, dtype: x.dtype, shape, strides, offset }, ctx.heap.dense(out));
}

/** The block alongIndex reads: [rank, axis, axis length, index shape, target strides]. */
function alongBlock(
  ctx: WasmContext,
  indexShape: readonly number[],
  axis: number,
  target: readonly number[],
): number {
  const len = target.length === 0 ? 1 : target[axis];
  return ctx.heap.block([indexShape.length, axis, len, ...indexShape, ...contiguousStrides(target)]);
}

export function gather(ctx: WasmContext, x: T, axis: number, index: T, out: T): void {
  if (x.dtype !== 'bool' && index.shape.length <= Limit.rank) {
    ctx.k.gather32(x.handle, index.handle, out.handle, alongBlock(ctx, index.shape, axis, x.shape));
  } else {
    js.gather(ctx.heap.dense(x), axis, ctx.heap.dense(index), ctx.heap.dense(out));
  }
}

export function scatterAdd(ctx: WasmContext, out: T, axis: number, index: T, src: T): void {
  if (out.dtype !== 'bool' && index.shape.length <= Limit.rank) {
    const block = alongBlock(ctx, index.shape, axis, out.shape);
    ctx.k.scatterAdd32(out.dtype === 'int32' ? 1 : 0, out.handle, index.handle, src.handle, block);
  } else {
    js.scatterAdd(ctx.heap.dense(out), axis, ctx.heap.dense(index), ctx.heap.dense(src));
  }
}
