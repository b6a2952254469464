/**
 * 2-D convolution (cross-correlation, as in PyTorch), NCHW, weights [out, in/groups, kH, kW], on
 * the optional kernels conv2d, conv2dBackwardInput and conv2dBackwardFilter (references:
 * reference/conv2d*.ts, im2col by strided views of the padded input).
 */

import { compute, record } from '../autograd.js';
import type { Conv2dParams } from '../backend.js';
import { hasKernel } from '../backend.js';
import { checkOptions, DTypeError, ShapeError, ValueError, withOp } from '../errors.js';
import { optionalKernel } from '../reference/index.js';
import { tidy } from '../scope.js';
import { fmtShape } from '../shape.js';
import { checkStorageSize } from '../storage.js';
import type { Tensor } from '../tensor.js';
import { add } from './binary.js';
import { zeros } from './creation.js';
import { cat } from './join.js';
import { backendFor, checkTensor, runKernel } from './kernel.js';
import { sum } from './reduce.js';
import { reshape, squeeze, unsqueeze } from './views.js';
import { outputSize, pair, type Window } from './window.js';

/**
 * Options of `conv2d` (PyTorch's keyword arguments): stride, zero padding (a number, a pair, or
 * 'same' / 'valid'), dilation, groups.
 *
 *   conv2d(x, w, b, { stride: 2, padding: 1, groups: 2 })
 */
export interface Conv2dOptions {
  /** Step of the kernel, one number or [sH, sW]; default 1. */
  stride?: number | readonly [number, number];
  /** Zero padding on each side, or 'valid' (none) or 'same' (output size = input size; stride 1). */
  padding?: number | readonly [number, number] | 'same' | 'valid';
  /** Spacing between kernel taps, one number or [dH, dW]; default 1. */
  dilation?: number | readonly [number, number];
  /** Channel groups (C and O divisible by it; w is [O, C/groups, kH, kW]); default 1. */
  groups?: number;
}

interface Geometry extends Conv2dParams {
  kH: number;
  kW: number;
}

function toWindow(g: Geometry): Window {
  return {
    kH: g.kH,
    kW: g.kW,
    sH: g.strideH,
    sW: g.strideW,
    pH: g.padH,
    pW: g.padW,
    dH: g.dilationH,
    dW: g.dilationW,
  };
}

/** The conv2d kernel, its bias added in the same call (one pass over the output less). */
function forward(x: Tensor, w: Tensor, bias: Tensor | null, g: Geometry, Ho: number, Wo: number): Tensor {
  const shape = [x.shape[0], w.shape[0], Ho, Wo];
  return runKernel('conv2d', bias ? [x, w, bias] : [x, w], shape, 'float32', ([xi, wi, bi], out, b) =>
    optionalKernel(b, 'conv2d')(xi, wi, bi ?? null, g, out),
  );
}

/** Gradient of conv2d wrt its input (the optional kernel conv2dBackwardInput). */
export function conv2dBackwardInput(dy: Tensor, w: Tensor, g: Geometry, xShape: readonly number[]): Tensor {
  return runKernel('conv2dBackwardInput', [dy, w], xShape, 'float32', ([d, wi], out, b) =>
    optionalKernel(b, 'conv2dBackwardInput')(d, wi, g, out),
  );
}

/** Gradient of conv2d wrt its weight (the optional kernel conv2dBackwardFilter). */
export function conv2dBackwardFilter(x: Tensor, dy: Tensor, g: Geometry, wShape: readonly number[]): Tensor {
  return runKernel('conv2dBackwardFilter', [x, dy], wShape, 'float32', ([xi, d], out, b) =>
    optionalKernel(b, 'conv2dBackwardFilter')(xi, d, g, out),
  );
}

/** Pads the bottom and right by one row/column of zeros (for 'same' with an even kernel). */
function padEnd(x: Tensor, extraH: number, extraW: number): Tensor {
  return tidy(() => {
    let y = x;
    const [N, C, H, W] = y.shape;
    if (extraH) y = cat([y, zeros([N, C, extraH, W])], 2);
    if (extraW) y = cat([y, zeros([N, C, H + extraH, extraW])], 3);
    return y;
  });
}

/**
 * 2-D convolution. x [N, C, H, W] (or [C, H, W]), weight [O, C/groups, kH, kW], bias [O].
 * Output [N, O, Ho, Wo] with Ho = ⌊(H + 2p - d(kH - 1) - 1)/s⌋ + 1.
 *   ∂/∂x = conv2dBackwardInput(g, w), ∂/∂w = conv2dBackwardFilter(x, g), ∂/∂b = Σ g over N, H, W
 *
 * ```ts
 * conv2d(randn([8, 3, 32, 32]), randn([16, 3, 3, 3]), null, { padding: 1 }).shape   // [8, 16, 32, 32]
 * conv2d(ones([1, 1, 4, 4]), ones([2, 1, 3, 3]))   // [1, 1, 4, 4] → [1, 2, 2, 2], every entry 9
 * ```
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  checkTensor('conv2d', x, 'input');
  checkTensor('conv2d', weight, 'weight');
  if (bias !== undefined && bias !== null) checkTensor('conv2d', bias, 'bias');
  checkOptions('conv2d', options, ['stride', 'padding', 'dilation', 'groups']);
  for (const t of bias ? [x, weight, bias] : [x, weight]) {
    if (t.dtype !== 'float32') throw new DTypeError(`conv2d: expects float32 tensors, got ${t.dtype}.`);
  }
  checkOptions('conv2d', options, ['stride', 'padding', 'dilation', 'groups']);
  if (x.ndim === 3) return tidy(() => squeeze(conv2d(unsqueeze(x, 0), weight, bias, options), 0));
  if (x.ndim !== 4) {
    throw new ShapeError(`conv2d: input must be [N, C, H, W] (or [C, H, W]), got ${fmtShape(x.shape)}.`);
  }
  if (weight.ndim !== 4) {
    throw new ShapeError(`conv2d: weight must be [out, in/groups, kH, kW], got ${fmtShape(weight.shape)}.`);
  }
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1)
    throw new ValueError(`conv2d: groups must be a positive integer, got ${groups}.`);
  const [, C] = x.shape;
  const [O, Cg, kH, kW] = weight.shape;
  if (C !== Cg * groups) {
    throw new ShapeError(
      `conv2d: input has ${C} channels but weight ${fmtShape(weight.shape)} with groups=${groups} expects ` +
        `${Cg * groups} (input ${fmtShape(x.shape)}); the input's dim 1 must be in_channels.`,
    );
  }
  if (O % groups !== 0)
    throw new ShapeError(`conv2d: out channels ${O} must be divisible by groups ${groups}.`);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== O)) {
    throw new ShapeError(`conv2d: bias must have shape [${O}], got ${fmtShape(bias.shape)}.`);
  }
  const [sH, sW] = pair('conv2d', 'stride', options.stride ?? 1, 1);
  const [dH, dW] = pair('conv2d', 'dilation', options.dilation ?? 1, 1);
  const padding = options.padding ?? 0;
  let pH: number;
  let pW: number;
  let extraH = 0;
  let extraW = 0;
  if (padding === 'valid') {
    pH = pW = 0;
  } else if (padding === 'same') {
    if (sH !== 1 || sW !== 1)
      throw new ValueError("conv2d: padding='same' needs stride 1; give explicit padding instead.");
    const totalH = dH * (kH - 1);
    const totalW = dW * (kW - 1);
    pH = Math.floor(totalH / 2);
    pW = Math.floor(totalW / 2);
    extraH = totalH - 2 * pH;
    extraW = totalW - 2 * pW;
  } else {
    [pH, pW] = pair('conv2d', 'padding', padding, 0);
  }
  if (extraH || extraW) {
    return tidy(() =>
      conv2d(padEnd(x, extraH, extraW), weight, bias, {
        stride: 1,
        padding: [pH, pW],
        dilation: [dH, dW],
        groups,
      }),
    );
  }
  const g: Geometry = {
    strideH: sH,
    strideW: sW,
    padH: pH,
    padW: pW,
    dilationH: dH,
    dilationW: dW,
    groups,
    kH,
    kW,
  };
  const [Ho, Wo] = outputSize('conv2d', x, toWindow(g));
  const backend = backendFor('conv2d', bias ? [x, weight, bias] : [x, weight]);
  checkStorageSize('conv2d', [x.shape[0], O, Ho, Wo], 'float32');
  if (!hasKernel(backend, 'conv2d'))
    checkStorageSize('conv2d', [x.shape[0], C * kH * kW, Ho * Wo], 'float32');
  const y = withOp('conv2d', () => compute(() => forward(x, weight, bias ?? null, g, Ho, Wo)));
  const xShape = x.shape;
  const wShape = weight.shape;
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record('conv2d', inputs, y, [x, weight], (gy, [sx, sw], needs) => [
    needs[0] ? conv2dBackwardInput(gy, sw, g, xShape) : null,
    needs[1] ? conv2dBackwardFilter(sx, gy, g, wShape) : null,
    needs[2] ? sum(gy, [0, 2, 3]) : null,
  ]);
}

/**
 * Options of `convTranspose2d` (PyTorch's conv_transpose2d): stride, padding, outputPadding,
 * dilation, groups.
 *
 *   convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 })   // doubles H and W
 */
export interface ConvTranspose2dOptions {
  /** Stride of the forward conv this transposes (upsampling factor), one number or a pair; default 1. */
  stride?: number | readonly [number, number];
  /** Rows/columns trimmed from each side of the output: Ho = (H − 1)·sH − 2·pH + dH·(kH − 1) + outputPadding + 1; default 0. */
  padding?: number | readonly [number, number];
  /** Extra rows/columns on the bottom/right of the output (each less than the stride or dilation). */
  outputPadding?: number | readonly [number, number];
  /** Spacing between kernel taps, one number or a pair; default 1. */
  dilation?: number | readonly [number, number];
  /** Channel groups (C divisible by it; w is [C, O/groups, kH, kW]); default 1. */
  groups?: number;
}

/**
 * Transposed 2-D convolution (the gradient of conv2d with respect to its input), as PyTorch's
 * conv_transpose2d. x [N, C, H, W], weight [C, O/groups, kH, kW], bias [O] → [N, O, Ho, Wo] with
 * Ho = (H - 1)·stride - 2·padding + dilation·(kH - 1) + outputPadding + 1.
 *   ∂/∂x = conv2d(g, w),  ∂/∂w = conv2dBackwardFilter(g, x),  ∂/∂b = Σ g over N, H, W
 *
 * ```ts
 * convTranspose2d(randn([1, 4, 5, 5]), randn([4, 2, 3, 3]), null, { stride: 2 }).shape   // [1, 2, 11, 11]
 * convTranspose2d(ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), null, { stride: 2 })   // → [1, 1, 4, 4] of ones
 * ```
 */
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvTranspose2dOptions = {},
): Tensor {
  checkTensor('convTranspose2d', x, 'input');
  checkTensor('convTranspose2d', weight, 'weight');
  if (bias !== undefined && bias !== null) checkTensor('convTranspose2d', bias, 'bias');
  checkOptions('convTranspose2d', options, ['stride', 'padding', 'outputPadding', 'dilation', 'groups']);
  for (const t of bias ? [x, weight, bias] : [x, weight]) {
    if (t.dtype !== 'float32')
      throw new DTypeError(`convTranspose2d: expects float32 tensors, got ${t.dtype}.`);
  }
  checkOptions('convTranspose2d', options, ['stride', 'padding', 'outputPadding', 'dilation', 'groups']);
  if (x.ndim === 3) return tidy(() => squeeze(convTranspose2d(unsqueeze(x, 0), weight, bias, options), 0));
  if (x.ndim !== 4 || weight.ndim !== 4) {
    throw new ShapeError(
      `convTranspose2d: input must be [N, C, H, W] and weight [C, O/groups, kH, kW], got ${fmtShape(x.shape)} and ${fmtShape(weight.shape)}.`,
    );
  }
  const groups = options.groups ?? 1;
  const [N, C, H, W] = x.shape;
  const [Cw, Og, kH, kW] = weight.shape;
  if (C !== Cw) {
    throw new ShapeError(
      `convTranspose2d: input has ${C} channels but weight ${fmtShape(weight.shape)} expects ${Cw} (dim 0 of the weight is in_channels); the input's dim 1 must equal the weight's dim 0.`,
    );
  }
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0) {
    throw new ValueError(
      `convTranspose2d: groups must be a positive integer dividing the ${C} input channels, got ${groups}.`,
    );
  }
  const O = Og * groups;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== O)) {
    throw new ShapeError(`convTranspose2d: bias must have shape [${O}], got ${fmtShape(bias.shape)}.`);
  }
  const [sH, sW] = pair('convTranspose2d', 'stride', options.stride ?? 1, 1);
  const [pH, pW] = pair('convTranspose2d', 'padding', options.padding ?? 0, 0);
  const [dH, dW] = pair('convTranspose2d', 'dilation', options.dilation ?? 1, 1);
  const [oH, oW] = pair('convTranspose2d', 'outputPadding', options.outputPadding ?? 0, 0);
  if (oH >= Math.max(sH, dH) || oW >= Math.max(sW, dW)) {
    throw new ValueError(
      `convTranspose2d: outputPadding ${oH}x${oW} must be smaller than the stride or the dilation.`,
    );
  }
  const Ho = (H - 1) * sH - 2 * pH + dH * (kH - 1) + oH + 1;
  const Wo = (W - 1) * sW - 2 * pW + dW * (kW - 1) + oW + 1;
  if (Ho < 1 || Wo < 1) {
    throw new ShapeError(
      `convTranspose2d: the output would be ${Ho}x${Wo} for input ${fmtShape(x.shape)}; reduce the padding.`,
    );
  }
  // The geometry of the forward convolution whose input gradient this is: [N, O, Ho, Wo] → [N, C, H, W].
  const g: Geometry = {
    strideH: sH,
    strideW: sW,
    padH: pH,
    padW: pW,
    dilationH: dH,
    dilationW: dW,
    groups,
    kH,
    kW,
  };
  const outShape = [N, O, Ho, Wo];
  checkStorageSize('convTranspose2d', outShape, 'float32');
  const y = withOp('convTranspose2d', () =>
    compute(() => {
      const out = conv2dBackwardInput(x, weight, g, outShape);
      return bias ? add(out, reshape(bias, [1, O, 1, 1])) : out;
    }),
  );
  const wShape = weight.shape;
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record('convTranspose2d', inputs, y, [x, weight], (gy, [sx, sw], needs) => [
    needs[0] ? forward(gy, sw, null, g, H, W) : null,
    needs[1] ? conv2dBackwardFilter(gy, sx, g, wShape) : null,
    needs[2] ? sum(gy, [0, 2, 3]) : null,
  ]);
}
