/**
 * 2-D max and average pooling, NCHW, on the optional kernels maxPool2d, avgPool2d and their
 * backward kernels (references: reference/max_pool2d*.ts, avg_pool2d*.ts).
 */

import { record } from '../autograd.js';
import type { Pool2dParams } from '../backend.js';
import { checkOptions, DTypeError, ShapeError, ValueError, withOp } from '../errors.js';
import { optionalKernel } from '../reference/index.js';
import { tidy } from '../scope.js';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, runKernel, runKernelOutputs } from './kernel.js';
import { avgPool2dGeneral, maxPool2dGeneral, poolGeometry } from './pool_extra.js';
import { squeeze, unsqueeze } from './views.js';
import { outputSize, pair, type Window } from './window.js';

/** Options every 2-D pool takes. */
export interface Pool2dBaseOptions {
  /** Window step; defaults to the kernel size. */
  stride?: number | readonly [number, number];
  /** Implicit padding on each side (at most half the kernel). */
  padding?: number | readonly [number, number];
  /** Let the last window start past the end (inside the right padding): a ceil-rounded output size. */
  ceilMode?: boolean;
}

/**
 * Options of `maxPool2d`: stride, padding (counts as −∞), ceilMode and dilation.
 *
 *   maxPool2d(x, 3, { stride: 2, padding: 1 })
 */
export interface MaxPool2dOptions extends Pool2dBaseOptions {
  /** Spacing of the window's elements. */
  dilation?: number | readonly [number, number];
}

/**
 * Options of `avgPool2d`: stride, padding, ceilMode, countIncludePad (default true) and
 * divisorOverride.
 *
 *   avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false })
 */
export interface AvgPool2dOptions extends Pool2dBaseOptions {
  /** Divide by the whole window including padding (true, the default) or by its in-bounds part. */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead of its size. */
  divisorOverride?: number;
}

/**
 * The option keys pooling accepts. `kernelSize` may be repeated in the options (as a kwargs object
 * holding every argument does) if it equals the argument.
 */
const POOL_KEYS = ['stride', 'padding', 'kernelSize'];

function params(
  op: string,
  x: Tensor,
  kernelSize: number | readonly number[],
  o: Pool2dBaseOptions & { countIncludePad?: boolean },
): Pool2dParams {
  checkTensor(op, x, 'input');
  if (x.dtype !== 'float32') throw new DTypeError(`${op}: expects float32, got ${x.dtype}.`);
  if (x.ndim !== 4)
    throw new ShapeError(`${op}: input must be [N, C, H, W] (or [C, H, W]), got ${fmtShape(x.shape)}.`);
  const [kH, kW] = pair(op, 'kernelSize', kernelSize, 1);
  const again = (o as { kernelSize?: number | readonly number[] }).kernelSize;
  if (again !== undefined) {
    const [aH, aW] = pair(op, 'kernelSize', again, 1);
    if (aH !== kH || aW !== kW) {
      throw new ValueError(
        `${op}: options.kernelSize ${JSON.stringify(again)} differs from the kernelSize argument ${JSON.stringify(kernelSize)}; give it once.`,
      );
    }
  }
  const [sH, sW] = pair(op, 'stride', o.stride ?? [kH, kW], 1);
  const [pH, pW] = pair(op, 'padding', o.padding ?? 0, 0);
  if (pH > kH / 2 || pW > kW / 2) {
    throw new ValueError(`${op}: padding ${pH}x${pW} must be at most half the kernel ${kH}x${kW}.`);
  }
  return {
    kernelH: kH,
    kernelW: kW,
    strideH: sH,
    strideW: sW,
    padH: pH,
    padW: pW,
    countIncludePad: o.countIncludePad ?? true,
  };
}

function toWindow(p: Pool2dParams): Window {
  return { kH: p.kernelH, kW: p.kernelW, sH: p.strideH, sW: p.strideW, pH: p.padH, pW: p.padW, dH: 1, dW: 1 };
}

/** Values and flat plane indices (h·W + w) of each window's max (the optional kernel maxPool2d). */
function maxForward(x: Tensor, p: Pool2dParams, Ho: number, Wo: number): [Tensor, Tensor] {
  const [N, C] = x.shape;
  const [values, indices] = runKernelOutputs(
    'maxPool2d',
    [x],
    [
      [[N, C, Ho, Wo], 'float32'],
      [[N, C, Ho, Wo], 'int32'],
    ],
    ([xi], [out, ix], b) => optionalKernel(b, 'maxPool2d')(xi, p, out, ix),
  );
  return [values, indices];
}

/** dx from dy and the max positions (the optional kernel maxPool2dBackward). */
export function maxPool2dBackward(dy: Tensor, indices: Tensor, xShape: readonly number[]): Tensor {
  return runKernel('maxPool2dBackward', [dy, indices], xShape, 'float32', ([d, ix], out, b) =>
    optionalKernel(b, 'maxPool2dBackward')(d, ix, out),
  );
}

/**
 * Max pooling. x [N, C, H, W] → [N, C, Ho, Wo]; padding counts as -∞.
 *   ∂/∂x: each output's gradient goes to the position of its window's max
 *
 * ```ts
 * const x = arange(16).to('float32').reshape([1, 1, 4, 4]);
 * maxPool2d(x, 2)   // [1, 1, 4, 4] → [1, 1, 2, 2]: [[[[5, 7], [13, 15]]]]
 * ```
 */
export function maxPool2d(
  x: Tensor,
  kernelSize: number | readonly [number, number],
  options: MaxPool2dOptions = {},
): Tensor {
  checkTensor('maxPool2d', x, 'input');
  checkOptions('maxPool2d', options, [...POOL_KEYS, 'dilation', 'ceilMode']);
  if (x.ndim === 3) return tidy(() => squeeze(maxPool2d(unsqueeze(x, 0), kernelSize, options), 0));
  const p = params('maxPool2d', x, kernelSize, options);
  if (options.ceilMode || (options.dilation !== undefined && options.dilation !== 1)) {
    // Beyond the kernels' geometry: the reference path (pool_extra.ts).
    return maxPool2dGeneral(x, poolGeometry('maxPool2d', x, kernelSize, options));
  }
  const [Ho, Wo] = outputSize('maxPool2d', x, toWindow(p));
  const [values, indices] = withOp('maxPool2d', () => maxForward(x, p, Ho, Wo));
  const xShape = x.shape;
  const out = record('maxPool2d', [x], values, [indices], (g, [ix]) => [maxPool2dBackward(g, ix, xShape)]);
  indices.dispose();
  return out;
}

/** dx from dy for average pooling (the optional kernel avgPool2dBackward). */
export function avgPool2dBackward(dy: Tensor, p: Pool2dParams, xShape: readonly number[]): Tensor {
  return runKernel('avgPool2dBackward', [dy], xShape, 'float32', ([d], out, b) =>
    optionalKernel(b, 'avgPool2dBackward')(d, p, out),
  );
}

/**
 * Average pooling. x [N, C, H, W] → [N, C, Ho, Wo].
 *   ∂/∂x: each output's gradient is shared equally by the positions its window averaged
 *
 * ```ts
 * const x = arange(16).to('float32').reshape([1, 1, 4, 4]);
 * avgPool2d(x, 2)   // [1, 1, 4, 4] → [1, 1, 2, 2]: [[[[2.5, 4.5], [10.5, 12.5]]]]
 * ```
 */
export function avgPool2d(
  x: Tensor,
  kernelSize: number | readonly [number, number],
  options: AvgPool2dOptions = {},
): Tensor {
  checkTensor('avgPool2d', x, 'input');
  checkOptions('avgPool2d', options, [...POOL_KEYS, 'countIncludePad', 'ceilMode', 'divisorOverride']);
  if (x.ndim === 3) return tidy(() => squeeze(avgPool2d(unsqueeze(x, 0), kernelSize, options), 0));
  const p = params('avgPool2d', x, kernelSize, options);
  if (options.ceilMode || options.divisorOverride !== undefined) {
    const d = options.divisorOverride;
    if (d !== undefined && (!Number.isFinite(d) || d === 0)) {
      throw new ValueError(`avgPool2d: divisorOverride must be a non-zero number, got ${d}.`);
    }
    const geometry = poolGeometry('avgPool2d', x, kernelSize, options);
    return avgPool2dGeneral(x, geometry, p.countIncludePad, d);
  }
  const [Ho, Wo] = outputSize('avgPool2d', x, toWindow(p));
  const y = withOp('avgPool2d', () => avgForward(x, p, Ho, Wo));
  const xShape = x.shape;
  return record('avgPool2d', [x], y, [], (g) => [avgPool2dBackward(g, p, xShape)]);
}

function avgForward(x: Tensor, p: Pool2dParams, Ho: number, Wo: number): Tensor {
  const [N, C] = x.shape;
  return runKernel('avgPool2d', [x], [N, C, Ho, Wo], 'float32', ([xi], out, b) =>
    optionalKernel(b, 'avgPool2d')(xi, p, out),
  );
}
