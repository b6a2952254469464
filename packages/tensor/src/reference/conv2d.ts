/**
 * Reference decomposition of the optional kernel `conv2d` (see `OptionalKernels.conv2d`): im2col
 * as one strided copy of the zero-padded input (reference/windows.ts), then one batched matmul
 * per group: y[n, g] = w[g] · cols[n, g].
 */
import type { Conv2dParams, TensorInfo } from '../backend.js';
import { add } from '../ops/binary.js';
import { matmul } from '../ops/matmul.js';
import { reshape } from '../ops/views.js';
import { borrow, runReference, writeTo } from './borrow.js';
import { convWindow } from './conv_window.js';
import { im2col } from './windows.js';

/** conv2d by decomposition: x [N, C, H, W], w [O, C/G, kH, kW], bias [O] or null → out [N, O, Ho, Wo]. */
export function conv2dReference(
  x: TensorInfo,
  w: TensorInfo,
  bias: TensorInfo | null,
  params: Conv2dParams,
  out: TensorInfo,
): void {
  runReference(() => {
    const [N, C] = x.shape;
    const O = w.shape[0];
    const [, , Ho, Wo] = out.shape;
    const G = params.groups;
    const win = convWindow(params, w.shape);
    const K = win.kH * win.kW;
    const cols = reshape(im2col(borrow(x), win, Ho, Wo, 0), [N, G, (C / G) * K, Ho * Wo]);
    const y = reshape(matmul(reshape(borrow(w), [G, O / G, (C / G) * K]), cols), [N, O, Ho, Wo]);
    writeTo(out, bias ? add(y, reshape(borrow(bias), [1, O, 1, 1])) : y);
  });
}
