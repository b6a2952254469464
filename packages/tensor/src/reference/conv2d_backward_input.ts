/**
 * Reference decomposition of the optional kernel `conv2dBackwardInput` (see
 * `OptionalKernels.conv2dBackwardInput`): the columns' gradient wᵀ·dy per group, then col2im
 * (reference/windows.ts) back onto the input planes.
 */
import type { Conv2dParams, TensorInfo } from '../backend.js';
import { matmul } from '../ops/matmul.js';
import { reshape, transpose } from '../ops/views.js';
import { borrow, runReference, writeTo } from './borrow.js';
import { convWindow } from './conv_window.js';
import { col2im } from './windows.js';

/** conv2dBackwardInput by decomposition: dx [N, C, H, W] = col2im(wᵀ · dy). */
export function conv2dBackwardInputReference(
  dy: TensorInfo,
  w: TensorInfo,
  params: Conv2dParams,
  dx: TensorInfo,
): void {
  runReference(() => {
    const [N, C, H, W] = dx.shape;
    const [, O, Ho, Wo] = dy.shape;
    const G = params.groups;
    const win = convWindow(params, w.shape);
    const K = win.kH * win.kW;
    const wr = reshape(borrow(w), [G, O / G, (C / G) * K]);
    const dcols = matmul(transpose(wr, -1, -2), reshape(borrow(dy), [N, G, O / G, Ho * Wo]));
    writeTo(dx, col2im(reshape(dcols, [N, C, K, Ho * Wo]), H, W, win, Ho, Wo));
  });
}
