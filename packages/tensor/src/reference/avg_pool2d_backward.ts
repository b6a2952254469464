/**
 * Reference decomposition of the optional kernel `avgPool2dBackward` (see
 * `OptionalKernels.avgPool2dBackward`): each output's gradient divided by its divisor, shared by
 * every element of its window, summed back with col2im (reference/windows.ts).
 */
import type { Pool2dParams, TensorInfo } from '../backend.js';
import { div } from '../ops/binary.js';
import { materialize } from '../ops/kernel.js';
import { expand, reshape } from '../ops/views.js';
import { borrow, runReference, writeTo } from './borrow.js';
import { poolDivisor, poolWindow } from './pool_window.js';
import { col2im } from './windows.js';

/** avgPool2dBackward by decomposition: dx = col2im(dy / divisor, repeated over each window). */
export function avgPool2dBackwardReference(dy: TensorInfo, params: Pool2dParams, dx: TensorInfo): void {
  runReference(() => {
    const [N, C, H, W] = dx.shape;
    const [, , Ho, Wo] = dy.shape;
    const w = poolWindow(params);
    const K = w.kH * w.kW;
    const share = div(reshape(borrow(dy), [N, C, 1, Ho * Wo]), poolDivisor(H, W, params, Ho, Wo));
    writeTo(dx, col2im(materialize(expand(share, [N, C, K, Ho * Wo])), H, W, w, Ho, Wo));
  });
}
