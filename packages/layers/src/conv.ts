/**
 * `Conv2d(inChannels, outChannels, kernelSize, { stride, padding, dilation, groups, bias })`:
 * 2-D cross-correlation over NCHW images, as PyTorch's nn.Conv2d.
 *
 * Shapes: x [N, inChannels, H, W] → y [N, outChannels, Ho, Wo] with
 * Ho = ⌊(H + 2·padding - dilation·(kH - 1) - 1) / stride⌋ + 1 (padding 'same' keeps H).
 * weight [outChannels, inChannels / groups, kH, kW], bias [outChannels]; both ~ U(-1/√fanIn, 1/√fanIn)
 * with fanIn = inChannels / groups · kH · kW (PyTorch's default).
 */
import {
  type Conv2dOptions,
  type ConvTranspose2dOptions,
  checkOptions,
  conv2d,
  convTranspose2d,
  fmtShape,
  ShapeError,
  type Tensor,
  ValueError,
  withOp,
} from '@nnet/tensor';
import { uniformParameter } from './linear.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

/**
 * Throws a ValueError unless the channel counts and groups are positive integers and both counts
 * divide by groups (every ConvNd layer's check, naming `op`).
 */
export function checkChannels(op: string, inChannels: number, outChannels: number, groups: number): void {
  for (const [n, v] of [
    ['inChannels', inChannels],
    ['outChannels', outChannels],
    ['groups', groups],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0)
      throw new ValueError(`${op}: ${n} must be a positive integer, got ${v}.`);
  }
  if (inChannels % groups || outChannels % groups) {
    throw new ValueError(
      `${op}: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${groups}).`,
    );
  }
}

/**
 * Registers a convolution layer's weight `weightShape` and bias [outChannels] (null with
 * `bias: false`), both ~ U(-1/√fanIn, 1/√fanIn) with fanIn = the weight's size per dim-0 slice
 * (PyTorch's default for every ConvNd and ConvTransposeNd), errors naming `op`.
 */
export function convParameters(
  op: string,
  register: (name: string, p: Parameter | null) => Parameter | null,
  weightShape: number[],
  outChannels: number,
  bias: boolean | undefined,
): { weight: Parameter; bias: Parameter | null } {
  const fanIn = weightShape.slice(1).reduce((a, b) => a * b, 1);
  const bound = 1 / Math.sqrt(fanIn);
  return withOp(op, () => ({
    weight: register('weight', uniformParameter(weightShape, bound))!,
    bias: register('bias', bias === false ? null : uniformParameter([outChannels], bound)),
  }));
}

/**
 * Options of Conv2d: conv2d's (stride, padding, dilation, groups) and bias (default true).
 */
export interface Conv2dLayerOptions extends Conv2dOptions {
  /** Learn a bias [outChannels] (default true). */
  bias?: boolean;
}

function pair(op: string, v: number | readonly number[]): [number, number] {
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : [Number.NaN];
  if (p.length !== 2 || p.some((k) => !Number.isInteger(k) || k <= 0)) {
    throw new ValueError(
      `${op}: kernelSize must be a positive integer or a pair of them, got ${JSON.stringify(v) ?? String(v)}.`,
    );
  }
  return [p[0], p[1]];
}

/**
 * 2-D convolution layer, PyTorch's nn.Conv2d: x [N, inChannels, H, W] → [N, outChannels, Ho, Wo],
 * Ho = ⌊(H + 2·padding - dilation·(kH - 1) - 1)/stride⌋ + 1; weight [outChannels, inChannels/groups,
 * kH, kW] and bias [outChannels] ~ U(-1/√fanIn, 1/√fanIn).
 *
 * ```ts
 * const conv = new Conv2d(3, 16, 3, { padding: 1 }); // [N, 3, 32, 32] → [N, 16, 32, 32]
 * ```
 */
export class Conv2d extends Module {
  /** W [outChannels, inChannels/groups, kH, kW] ~ U(-1/√fanIn, 1/√fanIn). */
  readonly weight: Parameter;
  /** b [outChannels] ~ U(-1/√fanIn, 1/√fanIn) (null with bias: false). */
  readonly bias: Parameter | null;
  /** The kernel size [kH, kW]. */
  readonly kernelSize: [number, number];
  private readonly options: Conv2dOptions;

  constructor(
    /** Input channels (dim 1 of x). */
    readonly inChannels: number,
    /** Output channels (dim 1 of y). */
    readonly outChannels: number,
    kernelSize: number | readonly [number, number],
    options: Conv2dLayerOptions = {},
  ) {
    super();
    checkOptions('Conv2d', options, ['stride', 'padding', 'dilation', 'groups', 'bias']);
    const groups = options.groups ?? 1;
    checkChannels('Conv2d', inChannels, outChannels, groups);
    this.kernelSize = pair('Conv2d', kernelSize);
    const [kH, kW] = this.kernelSize;
    ({ weight: this.weight, bias: this.bias } = convParameters(
      'Conv2d',
      (name, p) => this.registerParameter(name, p),
      [outChannels, inChannels / groups, kH, kW],
      outChannels,
      options.bias,
    ));
    this.options = { stride: options.stride, padding: options.padding, dilation: options.dilation, groups };
  }

  forward(x: Tensor): Tensor {
    const channelDim = x.ndim === 3 ? 0 : 1;
    if ((x.ndim !== 3 && x.ndim !== 4) || x.shape[channelDim] !== this.inChannels) {
      throw new ShapeError(
        `Conv2d(${this.inChannels}, ${this.outChannels}): expected input [N, ${this.inChannels}, H, W], got ${fmtShape(x.shape)}. ` +
          'Images are NCHW: put the channels in dim 1.',
      );
    }
    return conv2d(x, this.weight, this.bias, this.options);
  }

  override extraRepr(): string {
    const o = this.options;
    const extras = [
      o.stride !== undefined && o.stride !== 1 ? `stride=${JSON.stringify(o.stride)}` : '',
      o.padding !== undefined && o.padding !== 0 ? `padding=${JSON.stringify(o.padding)}` : '',
      o.dilation !== undefined && o.dilation !== 1 ? `dilation=${JSON.stringify(o.dilation)}` : '',
      o.groups !== 1 ? `groups=${o.groups}` : '',
      this.bias ? '' : 'bias=false',
    ].filter(Boolean);
    return [
      `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize.join(', ')}]`,
      ...extras,
    ].join(', ');
  }
}

/**
 * `ConvTranspose2d(inChannels, outChannels, kernelSize, { stride, padding, outputPadding, dilation, groups, bias })`:
 * the transposed convolution (a learned upsampling), as PyTorch's nn.ConvTranspose2d.
 * Shapes: x [N, inChannels, H, W] → [N, outChannels, Ho, Wo] with
 * Ho = (H - 1)·stride - 2·padding + dilation·(kH - 1) + outputPadding + 1;
 * weight [inChannels, outChannels / groups, kH, kW] ~ U(-1/√fanIn, 1/√fanIn), fanIn = outChannels / groups · kH · kW.
 *
 * ```ts
 * const up = new ConvTranspose2d(16, 8, 2, { stride: 2 });
 * up.forward(randn([1, 16, 7, 7])).shape; // [1, 8, 14, 14]
 * ```
 */
export class ConvTranspose2d extends Module {
  /** W [inChannels, outChannels/groups, kH, kW] ~ U(-1/√fanIn, 1/√fanIn). */
  readonly weight: Parameter;
  /** b [outChannels] ~ U(-1/√fanIn, 1/√fanIn) (null with bias: false). */
  readonly bias: Parameter | null;
  /** The kernel size [kH, kW]. */
  readonly kernelSize: [number, number];
  private readonly options: ConvTranspose2dOptions;

  constructor(
    /** Input channels (dim 1 of x). */
    readonly inChannels: number,
    /** Output channels (dim 1 of y). */
    readonly outChannels: number,
    kernelSize: number | readonly [number, number],
    options: ConvTranspose2dOptions & { bias?: boolean } = {},
  ) {
    super();
    checkOptions('ConvTranspose2d', options, [
      'stride',
      'padding',
      'outputPadding',
      'dilation',
      'groups',
      'bias',
    ]);
    const groups = options.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1 || inChannels % groups || outChannels % groups) {
      throw new ValueError(
        `ConvTranspose2d: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${groups}).`,
      );
    }
    this.kernelSize = pair('ConvTranspose2d', kernelSize);
    const [kH, kW] = this.kernelSize;
    ({ weight: this.weight, bias: this.bias } = convParameters(
      'ConvTranspose2d',
      (name, p) => this.registerParameter(name, p),
      [inChannels, outChannels / groups, kH, kW],
      outChannels,
      options.bias,
    ));
    this.options = {
      stride: options.stride,
      padding: options.padding,
      outputPadding: options.outputPadding,
      dilation: options.dilation,
      groups,
    };
  }

  forward(x: Tensor): Tensor {
    const channelDim = x.ndim === 3 ? 0 : 1;
    if ((x.ndim !== 3 && x.ndim !== 4) || x.shape[channelDim] !== this.inChannels) {
      throw new ShapeError(
        `ConvTranspose2d(${this.inChannels}, ${this.outChannels}): expected input [N, ${this.inChannels}, H, W], got ${fmtShape(x.shape)}.`,
      );
    }
    return convTranspose2d(x, this.weight, this.bias, this.options);
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize.join(', ')}]`;
  }
}
