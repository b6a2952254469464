/** The window of a 2-D pooling call and the per-output divisor of average pooling. */
import type { Pool2dParams } from '../backend.js';
import { full, ones } from '../ops/creation.js';
import { sum } from '../ops/reduce.js';
import type { Window } from '../ops/window.js';
import type { Tensor } from '../tensor.js';
import { im2col } from './windows.js';

/**
 * The sliding window of a pooling (dilation 1).
 *
 *   poolWindow({ kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, countIncludePad: true })
 */
export function poolWindow(p: Pool2dParams): Window {
  return { kH: p.kernelH, kW: p.kernelW, sH: p.strideH, sW: p.strideW, pH: p.padH, pW: p.padW, dH: 1, dW: 1 };
}

/**
 * Which window elements lie inside the H×W plane: [1, 1, K, Ho·Wo] float32 (1 inside, 0 in the
 * padding), im2col of a plane of ones.
 */
export function insideWindows(H: number, W: number, w: Window, Ho: number, Wo: number): Tensor {
  return im2col(ones([1, 1, H, W]), w, Ho, Wo, 0);
}

/** Average pooling's divisor per output, [1, 1, Ho·Wo]: the window size or its in-bounds count. */
export function poolDivisor(H: number, W: number, p: Pool2dParams, Ho: number, Wo: number): Tensor {
  const w = poolWindow(p);
  if (p.countIncludePad) return full([1, 1, Ho * Wo], w.kH * w.kW);
  return sum(insideWindows(H, W, w, Ho, Wo), 2);
}
