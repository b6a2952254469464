/** The window of a conv2d call: its params with the kernel size taken from the weight's shape. */
import type { Conv2dParams } from '../backend.js';
import type { Window } from '../ops/window.js';

/**
 * The sliding window of a convolution with weight shape [O, C/G, kH, kW].
 *
 *   convWindow({ strideH: 2, ... }, [8, 3, 3, 3]) // { kH: 3, kW: 3, sH: 2, ... }
 */
export function convWindow(p: Conv2dParams, wShape: readonly number[]): Window {
  return {
    kH: wShape[2],
    kW: wShape[3],
    sH: p.strideH,
    sW: p.strideW,
    pH: p.padH,
    pW: p.padW,
    dH: p.dilationH,
    dW: p.dilationW,
  };
}
