/**
 * More normalisation layers, as PyTorch's:
 *   GroupNorm(numGroups, numChannels): each group of channels of each sample standardised, then a
 *     per-channel γ, β. Input [N, C, ...].
 *   InstanceNorm1d / InstanceNorm2d(numFeatures): each channel of each sample standardised over its
 *     spatial dims; optional per-channel γ, β (`affine`, off by default) and running statistics
 *     (`trackRunningStats`, off by default) used in eval. Input [N, C, L] / [N, C, H, W].
 *   RMSNorm(normalizedShape): x/√(mean(x²) + ε)·γ over the last dims.
 */
import {
  checkOptions,
  fmtShape,
  groupNorm,
  instanceNorm,
  ones,
  rmsNorm,
  ShapeError,
  type Tensor,
  ValueError,
  zeros,
} from '@nnet/tensor';
import { checkPositiveInt as positive } from './args.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/**
 * Group normalisation over [N, C, ...]: `new GroupNorm(4, 32)` standardises 4 groups of 8 channels per
 * sample, then applies the per-channel weight [C] and bias [C]. Output shape = input shape.
 *
 * ```ts
 * const gn = new GroupNorm(4, 32);
 * gn.forward(randn([2, 32, 5, 5])).shape; // [2, 32, 5, 5]
 * ```
 */
export class GroupNorm extends Module {
  /** The per-channel scale [C], ones at start (null when affine is false). */
  readonly weight: Parameter | null;
  /** The per-channel shift [C], zeros at start (null when affine is false). */
  readonly bias: Parameter | null;
  /** Added to the variance before the square root (default 1e-5). */
  readonly eps: number;

  constructor(
    /** The number of channel groups; must divide numChannels. */
    readonly numGroups: number,
    /** C, the number of channels (dim 1 of the input). */
    readonly numChannels: number,
    options: { eps?: number; affine?: boolean } = {},
  ) {
    super();
    checkOptions('GroupNorm', options, ['eps', 'affine']);
    positive('GroupNorm', 'numGroups', numGroups);
    positive('GroupNorm', 'numChannels', numChannels);
    if (numChannels % numGroups !== 0) {
      throw new ValueError(
        `GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups}).`,
      );
    }
    this.eps = options.eps ?? 1e-5;
    const affine = options.affine ?? true;
    this.weight = this.registerParameter('weight', affine ? new Parameter(ones([numChannels])) : null);
    this.bias = this.registerParameter('bias', affine ? new Parameter(zeros([numChannels])) : null);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new ShapeError(
        `GroupNorm(${this.numGroups}, ${this.numChannels}): expected [N, ${this.numChannels}, ...], got ${fmtShape(x.shape)}.`,
      );
    }
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}`;
  }
}

/**
 * Options of InstanceNorm1d/2d: eps (default 1e-5), momentum (default 0.1), affine (default
 * false), trackRunningStats (default false), as PyTorch's.
 */
export interface InstanceNormLayerOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of the new statistic in the running averages (default 0.1). */
  momentum?: number;
  /** Learn a per-channel weight and bias (default false). */
  affine?: boolean;
  /** Keep running mean/var buffers and use them in eval mode (default false). */
  trackRunningStats?: boolean;
}

abstract class InstanceNormBase extends Module {
  /** The per-channel scale [C], ones at start (null when affine is false). */
  readonly weight: Parameter | null;
  /** The per-channel shift [C], zeros at start (null when affine is false). */
  readonly bias: Parameter | null;
  /** The buffer `runningMean` [C] (null without trackRunningStats). */
  readonly runningMean: Tensor | null;
  /** The buffer `runningVar` [C] (null without trackRunningStats). */
  readonly runningVar: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  readonly eps: number;
  /** Weight of the new statistic in the running averages (default 0.1). */
  readonly momentum: number;

  constructor(
    /** C, the number of channels (dim 1 of the input). */
    readonly numFeatures: number,
    private readonly rank: number,
    options: InstanceNormLayerOptions,
  ) {
    super();
    checkOptions(this.constructor.name, options, ['eps', 'momentum', 'affine', 'trackRunningStats']);
    positive(this.constructor.name, 'numFeatures', numFeatures);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    const affine = options.affine ?? false;
    this.weight = this.registerParameter('weight', affine ? new Parameter(ones([numFeatures])) : null);
    this.bias = this.registerParameter('bias', affine ? new Parameter(zeros([numFeatures])) : null);
    const track = options.trackRunningStats ?? false;
    this.runningMean = track ? this.registerBuffer('runningMean', zeros([numFeatures])) : null;
    this.runningVar = track ? this.registerBuffer('runningVar', ones([numFeatures])) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== this.rank || x.shape[1] !== this.numFeatures) {
      throw new ShapeError(
        `${this.constructor.name}(${this.numFeatures}): expected a ${this.rank}-d input with ${this.numFeatures} channels in dim 1, got ${fmtShape(x.shape)}.`,
      );
    }
    return instanceNorm(x, {
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      weight: this.weight,
      bias: this.bias,
      useInputStats: this.training || !this.runningMean,
      momentum: this.momentum,
      eps: this.eps,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}`;
  }
}

/**
 * Instance normalisation of [N, C, L] → [N, C, L], each channel of each sample over L.
 *
 * ```ts
 * const norm = new InstanceNorm1d(16, { affine: true });
 * norm.forward(randn([4, 16, 50])).shape; // [4, 16, 50]
 * ```
 */
export class InstanceNorm1d extends InstanceNormBase {
  constructor(numFeatures: number, options: InstanceNormLayerOptions = {}) {
    super(numFeatures, 3, options);
  }
}

/**
 * Instance normalisation of [N, C, H, W] → [N, C, H, W], each channel of each sample over H·W.
 *
 * ```ts
 * const norm = new InstanceNorm2d(3, { trackRunningStats: true });
 * norm.forward(randn([2, 3, 8, 8])).shape; // [2, 3, 8, 8]
 * ```
 */
export class InstanceNorm2d extends InstanceNormBase {
  constructor(numFeatures: number, options: InstanceNormLayerOptions = {}) {
    super(numFeatures, 4, options);
  }
}

/**
 * RMS normalisation over the last dims, x [..., *normalizedShape] → same shape; weight [*normalizedShape].
 *
 * ```ts
 * const norm = new RMSNorm(512);
 * norm.forward(randn([2, 10, 512])).shape; // [2, 10, 512]
 * ```
 */
export class RMSNorm extends Module {
  /** The trailing dims normalised over, e.g. [512]. */
  readonly normalizedShape: number[];
  /** The elementwise scale [...normalizedShape], ones at start (null without elementwiseAffine). */
  readonly weight: Parameter | null;
  /** Added to mean(x²) before the square root (undefined: rmsNorm's default, float32 machine epsilon). */
  readonly eps: number | undefined;

  constructor(
    normalizedShape: number | readonly number[],
    options: { eps?: number; elementwiseAffine?: boolean } = {},
  ) {
    super();
    checkOptions('RMSNorm', options, ['eps', 'elementwiseAffine']);
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    for (const d of this.normalizedShape) positive('RMSNorm', 'normalizedShape', d);
    this.eps = options.eps;
    const affine = options.elementwiseAffine ?? true;
    this.weight = this.registerParameter('weight', affine ? new Parameter(ones(this.normalizedShape)) : null);
  }

  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.normalizedShape, { weight: this.weight, eps: this.eps });
  }

  override extraRepr(): string {
    return `${fmtShape(this.normalizedShape)}${this.eps === undefined ? '' : `, eps=${this.eps}`}`;
  }
}
