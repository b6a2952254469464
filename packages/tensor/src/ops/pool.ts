/**
 * 2-D max and average pooling, NCHW. Uses the backend's pooling kernels when present; otherwise
 * the reference decomposition over the same window table as the reference convolution.
 */

import { compute, record } from '../autograd.js';
import type { Backend, Pool2dParams } from '../backend.js';
import { hasKernel } from '../backend.js';
import { checkOptions, DTypeError, ShapeError, ValueError, withOp } from '../errors.js';
import { tidy } from '../scope.js';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div } from './binary.js';
import { fromTypedArray } from './creation.js';
import { gather, scatterAddInto } from './indexing.js';
import { backendFor, checkTensor, empty, materialize, runKernel } from './kernel.js';
import { avgPool2dGeneral, maxPool2dGeneral, poolGeometry } from './pool_extra.js';
import { argmax, max, sum } from './reduce.js';
import { expand, narrow, reshape, squeeze, unsqueeze } from './views.js';
import { outputSize, pair, tableTensor, unfold, type Window, windowTable } from './window.js';

/** Options every 2-D pool takes. */
export interface Pool2dBaseOptions {
  /** Window step; defaults to the kernel size. */
  stride?: number | readonly [number, number];
  /** Implicit padding on each side (at most half the kernel). */
  padding?: number | readonly [number, number];
  /** Let the last window start past the end (inside the right padding): a ceil-rounded output size. */
  ceilMode?: boolean;
}

export interface MaxPool2dOptions extends Pool2dBaseOptions {
  /** Spacing of the window's elements. */
  dilation?: number | readonly [number, number];
}

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

/** Values and flat plane indices (h·W + w) of each window's max. */
function maxForward(x: Tensor, p: Pool2dParams, Ho: number, Wo: number): [Tensor, Tensor] {
  const [N, C, H, W] = x.shape;
  const backend = backendFor('maxPool2d', [x]);
  if (hasKernel(backend, 'maxPool2d')) {
    const dense = x._isDense() ? x : materialize(x);
    const out = empty([N, C, Ho, Wo], 'float32', 'maxPool2d');
    const indices = empty([N, C, Ho, Wo], 'int32', 'maxPool2d');
    if (out.size > 0) backend.maxPool2d!(dense._info(), p, out._info(), indices._info());
    if (dense !== x) dense.dispose();
    return [out, indices];
  }
  return compute(() => {
    const table = windowTable(H, W, Ho, Wo, toWindow(p));
    const K = p.kernelH * p.kernelW;
    const cols = reshape(unfold(x, tableTensor(table, N, C), Number.NEGATIVE_INFINITY), [N, C, K, Ho * Wo]);
    const values = reshape(max(cols, 2), [N, C, Ho, Wo]);
    const where = argmax(cols, 2, true);
    const positions = reshape(tableTensor(table, N, C), [N, C, K, Ho * Wo]);
    const indices = reshape(gather(positions, 2, where), [N, C, Ho, Wo]);
    return [values, indices];
  });
}

/** dx from dy and the max positions (kernel or reference scatter-add). */
export function maxPool2dBackward(dy: Tensor, indices: Tensor, xShape: readonly number[]): Tensor {
  const backend = backendFor('maxPool2d backward', [dy, indices]);
  if (hasKernel(backend, 'maxPool2dBackward')) {
    return runKernel('maxPool2dBackward', [dy, indices], xShape, 'float32', ([d, ix], out, b) =>
      b.maxPool2dBackward!(d, ix, out),
    );
  }
  return compute(() => {
    const [N, C, H, W] = xShape;
    const L = dy.shape[2] * dy.shape[3];
    const flat = scatterAddInto([N, C, H * W], 2, reshape(indices, [N, C, L]), reshape(dy, [N, C, L]));
    return reshape(flat, xShape);
  });
}

/**
 * Max pooling. x [N, C, H, W] → [N, C, Ho, Wo]; padding counts as -∞.
 *   ∂/∂x: each output's gradient goes to the position of its window's max
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

/** Per-output divisor: the window size, or the number of its in-bounds positions. */
function divisors(
  table: Int32Array,
  K: number,
  L: number,
  sentinel: number,
  includePad: boolean,
): Float32Array {
  const d = new Float32Array(L).fill(K);
  if (includePad) return d;
  for (let l = 0; l < L; l++) {
    let n = 0;
    for (let k = 0; k < K; k++) if (table[k * L + l] !== sentinel) n++;
    d[l] = n;
  }
  return d;
}

/** dx from dy for average pooling (kernel or reference). */
export function avgPool2dBackward(dy: Tensor, p: Pool2dParams, xShape: readonly number[]): Tensor {
  const backend = backendFor('avgPool2d backward', [dy]);
  if (hasKernel(backend, 'avgPool2dBackward')) {
    return runKernel('avgPool2dBackward', [dy], xShape, 'float32', ([d], out, b) =>
      b.avgPool2dBackward!(d, p, out),
    );
  }
  return compute(() => {
    const [N, C, H, W] = xShape;
    const [, , Ho, Wo] = dy.shape;
    const K = p.kernelH * p.kernelW;
    const L = Ho * Wo;
    const table = windowTable(H, W, Ho, Wo, toWindow(p));
    const divisor = fromTypedArray(divisors(table, K, L, H * W, p.countIncludePad), [1, 1, 1, L], 'float32');
    const share = div(reshape(dy, [N, C, 1, L]), divisor);
    const dcols = reshape(expand(share, [N, C, K, L]).contiguous(), [N, C, K * L]);
    const dxp = scatterAddInto([N, C, H * W + 1], 2, tableTensor(table, N, C), dcols);
    return reshape(narrow(dxp, 2, 0, H * W).contiguous(), xShape);
  });
}

/**
 * Average pooling. x [N, C, H, W] → [N, C, Ho, Wo].
 *   ∂/∂x: each output's gradient is shared equally by the positions its window averaged
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
  const backend = backendFor('avgPool2d', [x]);
  const y = withOp('avgPool2d', () => avgForward(backend, x, p, Ho, Wo));
  const xShape = x.shape;
  return record('avgPool2d', [x], y, [], (g) => [avgPool2dBackward(g, p, xShape)]);
}

function avgForward(backend: Backend, x: Tensor, p: Pool2dParams, Ho: number, Wo: number): Tensor {
  const [N, C, H, W] = x.shape;
  return hasKernel(backend, 'avgPool2d')
    ? runKernel('avgPool2d', [x], [N, C, Ho, Wo], 'float32', ([xi], out, b) => b.avgPool2d!(xi, p, out))
    : compute(() => {
        const K = p.kernelH * p.kernelW;
        const L = Ho * Wo;
        const table = windowTable(H, W, Ho, Wo, toWindow(p));
        const cols = reshape(unfold(x, tableTensor(table, N, C), 0), [N, C, K, L]);
        const divisor = fromTypedArray(divisors(table, K, L, H * W, p.countIncludePad), [1, 1, L], 'float32');
        return reshape(div(sum(cols, 2), divisor), [N, C, Ho, Wo]);
      });
}
