/**
 * `Conv1d` and `Conv3d`, as PyTorch's nn.Conv1d / nn.Conv3d: weight [out, in/groups, ...kernel]
 * and bias [out], both ~ U(-1/√fanIn, 1/√fanIn) with fanIn = in/groups · Π kernel.
 * Shapes: Conv1d [N, in, L] → [N, out, Lo]; Conv3d [N, in, D, H, W] → [N, out, Do, Ho, Wo].
 */
import {
  type Conv1dOptions,
  type Conv3dOptions,
  checkOptions,
  conv1d,
  conv3d,
  fmtShape,
  ShapeError,
  type Tensor,
  ValueError,
} from '@nnet/tensor';
import { checkChannels, convParameters } from './conv.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

const CONV_KEYS = ['stride', 'padding', 'dilation', 'groups', 'bias'];

/**
 * Options of Conv1d: conv1d's (stride, padding, dilation, groups) and bias (default true).
 */
export interface Conv1dLayerOptions extends Conv1dOptions {
  /** Learn a bias [outChannels] (default true). */
  bias?: boolean;
}

/**
 * 1-D convolution layer, PyTorch's nn.Conv1d: x [N, inChannels, L] → [N, outChannels, Lo].
 *
 * ```ts
 * const conv = new Conv1d(16, 32, 3, { padding: 1 });
 * conv.forward(randn([4, 16, 50])).shape; // [4, 32, 50]
 * ```
 */
export class Conv1d extends Module {
  /** W [outChannels, inChannels/groups, k] ~ U(-1/√fanIn, 1/√fanIn). */
  readonly weight: Parameter;
  /** b [outChannels] ~ U(-1/√fanIn, 1/√fanIn) (null with bias: false). */
  readonly bias: Parameter | null;
  /**
   * The convolution's settings as given to the constructor (stride, padding, dilation; unset ones
   * stay undefined and mean conv1d's defaults) with groups resolved (default 1); the bias flag is
   * `bias !== null`. Read-only: build a new layer for other settings.
   *
   *   new Conv1d(16, 32, 3, { padding: 1 }).options // { stride: undefined, padding: 1, dilation: undefined, groups: 1 }
   */
  readonly options: Readonly<Conv1dOptions>;

  constructor(
    /** Input channels (dim 1 of x). */
    readonly inChannels: number,
    /** Output channels (dim 1 of y). */
    readonly outChannels: number,
    /** The kernel length k. */
    readonly kernelSize: number,
    options: Conv1dLayerOptions = {},
  ) {
    super();
    checkOptions('Conv1d', options, CONV_KEYS);
    const groups = options.groups ?? 1;
    checkChannels('Conv1d', inChannels, outChannels, groups);
    if (!Number.isInteger(kernelSize) || kernelSize <= 0) {
      throw new ValueError(`Conv1d: kernelSize must be a positive integer, got ${kernelSize}.`);
    }
    ({ weight: this.weight, bias: this.bias } = convParameters(
      'Conv1d',
      (name, p) => this.registerParameter(name, p),
      [outChannels, inChannels / groups, kernelSize],
      outChannels,
      options.bias,
    ));
    this.options = { stride: options.stride, padding: options.padding, dilation: options.dilation, groups };
  }

  forward(x: Tensor): Tensor {
    const channelDim = x.ndim === 2 ? 0 : 1;
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[channelDim] !== this.inChannels) {
      throw new ShapeError(
        `Conv1d(${this.inChannels}, ${this.outChannels}): expected input [N, ${this.inChannels}, L], got ${fmtShape(x.shape)}.`,
      );
    }
    return conv1d(x, this.weight, this.bias, this.options);
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}`;
  }
}

/**
 * Options of Conv3d: conv3d's (stride, padding, dilation, groups) and bias (default true).
 */
export interface Conv3dLayerOptions extends Conv3dOptions {
  /** Learn a bias [outChannels] (default true). */
  bias?: boolean;
}

/**
 * 3-D convolution layer, PyTorch's nn.Conv3d: x [N, inChannels, D, H, W] → [N, outChannels, Do, Ho, Wo].
 *
 * ```ts
 * const conv = new Conv3d(1, 8, 3, { padding: 1 });
 * conv.forward(randn([2, 1, 4, 8, 8])).shape; // [2, 8, 4, 8, 8]
 * ```
 */
export class Conv3d extends Module {
  /** W [outChannels, inChannels/groups, kD, kH, kW] ~ U(-1/√fanIn, 1/√fanIn). */
  readonly weight: Parameter;
  /** b [outChannels] ~ U(-1/√fanIn, 1/√fanIn) (null with bias: false). */
  readonly bias: Parameter | null;
  /** The kernel size [kD, kH, kW]. */
  readonly kernelSize: [number, number, number];
  /**
   * The convolution's settings as given to the constructor (stride, padding, dilation; unset ones
   * stay undefined and mean conv3d's defaults) with groups resolved (default 1); the bias flag is
   * `bias !== null`. Read-only: build a new layer for other settings.
   *
   *   new Conv3d(1, 8, 3, { stride: 2 }).options.stride // 2
   */
  readonly options: Readonly<Conv3dOptions>;

  constructor(
    /** Input channels (dim 1 of x). */
    readonly inChannels: number,
    /** Output channels (dim 1 of y). */
    readonly outChannels: number,
    kernelSize: number | readonly [number, number, number],
    options: Conv3dLayerOptions = {},
  ) {
    super();
    checkOptions('Conv3d', options, CONV_KEYS);
    const groups = options.groups ?? 1;
    checkChannels('Conv3d', inChannels, outChannels, groups);
    const k = typeof kernelSize === 'number' ? [kernelSize, kernelSize, kernelSize] : [...kernelSize];
    if (k.length !== 3 || k.some((v) => !Number.isInteger(v) || v <= 0)) {
      throw new ValueError(
        `Conv3d: kernelSize must be a positive integer or three, got ${JSON.stringify(kernelSize)}.`,
      );
    }
    this.kernelSize = [k[0], k[1], k[2]];
    ({ weight: this.weight, bias: this.bias } = convParameters(
      'Conv3d',
      (name, p) => this.registerParameter(name, p),
      [outChannels, inChannels / groups, ...this.kernelSize],
      outChannels,
      options.bias,
    ));
    this.options = { stride: options.stride, padding: options.padding, dilation: options.dilation, groups };
  }

  forward(x: Tensor): Tensor {
    const channelDim = x.ndim === 4 ? 0 : 1;
    if ((x.ndim !== 4 && x.ndim !== 5) || x.shape[channelDim] !== this.inChannels) {
      throw new ShapeError(
        `Conv3d(${this.inChannels}, ${this.outChannels}): expected input [N, ${this.inChannels}, D, H, W], got ${fmtShape(x.shape)}.`,
      );
    }
    return conv3d(x, this.weight, this.bias, this.options);
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize.join(', ')}]`;
  }
}
