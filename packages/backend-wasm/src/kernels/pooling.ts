/** Max and average pooling and their gradients, one AssemblyScript call over all N·C planes. */
import type { Pool2dParams } from '@nnet/tensor';
import type { T, WasmContext } from './context.js';
import { geometry } from './conv.js';

/** The geometry block of a pooling from x (or dx) [N, C, H, W] to y (or dy) [N, C, Ho, Wo]. */
function poolGeometry(ctx: WasmContext, big: T, small: T, p: Pool2dParams): number {
  const [, , H, W] = big.shape;
  const [, , Ho, Wo] = small.shape;
  return geometry(ctx, [H, W, Ho, Wo], p.kernelH, p.kernelW, p, 1);
}

/** N·C, the planes a pooling kernel walks. */
const planes = (t: T) => t.shape[0] * t.shape[1];

export function maxPool2d(ctx: WasmContext, x: T, p: Pool2dParams, out: T, indices: T): void {
  ctx.k.maxPool(x.handle, out.handle, indices.handle, planes(x), poolGeometry(ctx, x, out, p));
}

export function maxPool2dBackward(ctx: WasmContext, dy: T, indices: T, dx: T): void {
  const [, , H, W] = dx.shape;
  const [, , Ho, Wo] = dy.shape;
  ctx.k.maxPoolBackward(dy.handle, indices.handle, dx.handle, planes(dx), H * W, Ho * Wo);
}

export function avgPool2d(ctx: WasmContext, x: T, p: Pool2dParams, out: T): void {
  ctx.k.avgPool(x.handle, out.handle, planes(x), poolGeometry(ctx, x, out, p), p.countIncludePad ? 1 : 0, 0);
}

export function avgPool2dBackward(ctx: WasmContext, dy: T, p: Pool2dParams, dx: T): void {
  ctx.k.avgPool(dy.handle, dx.handle, planes(dx), poolGeometry(ctx, dx, dy, p), p.countIncludePad ? 1 : 0, 1);
}
