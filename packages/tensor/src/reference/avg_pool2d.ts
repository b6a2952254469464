/**
 * Reference decomposition of the optional kernel `avgPool2d` (see `OptionalKernels.avgPool2d`):
 * im2col with zero padding (reference/windows.ts), each window's sum, divided by the window size
 * or by its in-bounds count.
 */
import type { Pool2dParams, TensorInfo } from '../backend.js';
import { div } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { borrow, runReference, writeTo } from './borrow.js';
import { poolDivisor, poolWindow } from './pool_window.js';
import { im2col } from './windows.js';

/** avgPool2d by decomposition: out [N, C, Ho, Wo] = Σ window / divisor. */
export function avgPool2dReference(x: TensorInfo, params: Pool2dParams, out: TensorInfo): void {
  runReference(() => {
    const [, , H, W] = x.shape;
    const [, , Ho, Wo] = out.shape;
    const cols = im2col(borrow(x), poolWindow(params), Ho, Wo, 0);
    writeTo(out, div(sum(cols, 2), poolDivisor(H, W, params, Ho, Wo)));
  });
}
