/**
 * Reference decomposition of the optional kernel `maxPool2dBackward` (see
 * `OptionalKernels.maxPool2dBackward`): each output's gradient scatter-added to the plane
 * position maxPool2d recorded.
 */
import type { TensorInfo } from '../backend.js';
import { scatterAddInto } from '../ops/indexing.js';
import { reshape } from '../ops/views.js';
import { borrow, runReference, writeTo } from './borrow.js';

/** maxPool2dBackward by decomposition: dx[n, c, indices[n, c, l]] += dy[n, c, l]. */
export function maxPool2dBackwardReference(dy: TensorInfo, indices: TensorInfo, dx: TensorInfo): void {
  runReference(() => {
    const [N, C, H, W] = dx.shape;
    const L = dy.shape[2] * dy.shape[3];
    const flat = reshape(borrow(indices), [N, C, L]);
    writeTo(dx, scatterAddInto([N, C, H * W], 2, flat, reshape(borrow(dy), [N, C, L])));
  });
}
