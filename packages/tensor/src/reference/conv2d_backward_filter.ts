/**
 * Reference decomposition of the optional kernel `conv2dBackwardFilter` (see
 * `OptionalKernels.conv2dBackwardFilter`): Σₙ dy[n, g] · cols[n, g]ᵀ, the columns from the same
 * strided im2col as the forward.
 */
import type { Conv2dParams, TensorInfo } from '../backend.js';
import { matmul } from '../ops/matmul.js';
import { sum } from '../ops/reduce.js';
import { reshape, transpose } from '../ops/views.js';
import { borrow, runReference, writeTo } from './borrow.js';
import { convWindow } from './conv_window.js';
import { im2col } from './windows.js';

/** conv2dBackwardFilter by decomposition: dw [O, C/G, kH, kW] = Σₙ dy · colsᵀ. */
export function conv2dBackwardFilterReference(
  x: TensorInfo,
  dy: TensorInfo,
  params: Conv2dParams,
  dw: TensorInfo,
): void {
  runReference(() => {
    const [N, C] = x.shape;
    const [, O, Ho, Wo] = dy.shape;
    const G = params.groups;
    const win = convWindow(params, dw.shape);
    const K = win.kH * win.kW;
    const cols = reshape(im2col(borrow(x), win, Ho, Wo, 0), [N, G, (C / G) * K, Ho * Wo]);
    const perImage = matmul(reshape(borrow(dy), [N, G, O / G, Ho * Wo]), transpose(cols, -1, -2));
    writeTo(dw, sum(perImage, 0));
  });
}
