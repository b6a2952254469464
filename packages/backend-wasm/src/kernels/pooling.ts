/**
 * Max and average pooling and their gradients: one AssemblyScript call over all N·C planes, or
 * runs of whole planes split across threads (each plane computed as in one call, so the results
 * do not depend on the thread count).
 */
import type { Pool2dParams } from '@nnet/tensor';
import { Job, PoolMode } from '../codes.js';
import type { T, WasmContext } from './context.js';
import { geometry } from './conv.js';

/** The geometry block of a pooling from x (or dx) [N, C, H, W] to y (or dy) [N, C, Ho, Wo]. */
function poolGeometry(ctx: WasmContext, big: T, small: T, p: Pool2dParams): number {
  const [, , H, W] = big.shape;
  const [, , Ho, Wo] = small.shape;
  return geometry(ctx, [H, W, Ho, Wo], p.kernelH, p.kernelW, p, 1);
}

/**
 * One thread's cost (in units of the model's `elem`, a SIMD add per element) of a pooling per
 * window element (a scalar load, compare and select or add: measured ~8 ns for 2x2 max pooling
 * against ~0.4 ns per add), and of an average pooling's gradient per dy element (a scattered add).
 */
const PER_WINDOW_ELEMENT = 20;
const PER_GRADIENT_ELEMENT = 6;
/**
 * The same for a 2x2, stride-2, unpadded max pooling: SIMD, four windows at a time (measured
 * ~0.55 ns per window element against ~0.18 ns per add, warm code).
 */
const PER_PAIRED_WINDOW_ELEMENT = 3;
/**
 * A max pooling's gradient: per dy element one scattered add (~0.55 ns), per dx element a share
 * of zeroing it (~0.05 ns); measured [64, 8, 26, 26]: ~70 µs on one thread.
 */
const PER_MAX_GRADIENT_ELEMENT = 3;
const PER_ZEROED_ELEMENT = 0.25;

/** True for the pooling assembly/pool.ts's maxPool runs in SIMD (its `pairs`). */
function paired(p: Pool2dParams | null): boolean {
  return (
    p !== null &&
    p.kernelH === 2 &&
    p.kernelW === 2 &&
    p.strideH === 2 &&
    p.strideW === 2 &&
    p.padH === 0 &&
    p.padW === 0
  );
}

/**
 * Runs a pool job (PoolMode `mode`) from `src` [N, C, ...] to `dst` [N, C, ...] over its N·C
 * planes, on this thread or in runs of planes; `indices` [N, C, Ho, Wo] for max pooling (0 for
 * average), `small` the pooled side (y or dy).
 */
function planes(
  ctx: WasmContext,
  mode: PoolMode,
  src: T,
  dst: T,
  indices: T | null,
  big: T,
  small: T,
  p: Pool2dParams | null,
): void {
  const count = big.shape[0] * big.shape[1];
  const HW = big.shape[2] * big.shape[3];
  const L = small.shape[2] * small.shape[3];
  const geo = p ? poolGeometry(ctx, big, small, p) : 0;
  const window = p ? p.kernelH * p.kernelW : 1;
  const includePad = p?.countIncludePad ? 1 : 0;
  const [srcPlane, dstPlane] = src === big ? [HW, L] : [L, HW];
  const perWindow = mode === PoolMode.max && paired(p) ? PER_PAIRED_WINDOW_ELEMENT : PER_WINDOW_ELEMENT;
  const perPlane =
    mode === PoolMode.maxBackward
      ? L * PER_MAX_GRADIENT_ELEMENT + HW * PER_ZEROED_ELEMENT
      : mode === PoolMode.avgBackward
        ? L * window * PER_GRADIENT_ELEMENT + HW
        : L * window * perWindow;
  ctx.par.split(count, perPlane * ctx.par.costs.elem, 1, (from, to) => [
    Job.pool,
    mode,
    src.handle + 4 * from * srcPlane,
    dst.handle + 4 * from * dstPlane,
    indices ? indices.handle + 4 * from * L : 0,
    to - from,
    geo,
    includePad,
    HW,
    L,
  ]);
}

export function maxPool2d(ctx: WasmContext, x: T, p: Pool2dParams, out: T, indices: T): void {
  planes(ctx, PoolMode.max, x, out, indices, x, out, p);
}

export function maxPool2dBackward(ctx: WasmContext, dy: T, indices: T, dx: T): void {
  planes(ctx, PoolMode.maxBackward, dy, dx, indices, dx, dy, null);
}

export function avgPool2d(ctx: WasmContext, x: T, p: Pool2dParams, out: T): void {
  planes(ctx, PoolMode.avg, x, out, null, x, out, p);
}

export function avgPool2dBackward(ctx: WasmContext, dy: T, p: Pool2dParams, dx: T): void {
  planes(ctx, PoolMode.avgBackward, dy, dx, null, dx, dy, p);
}
