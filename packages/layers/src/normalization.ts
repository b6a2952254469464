/**
 * Normalisation layers, as PyTorch's.
 *   BatchNorm1d / BatchNorm2d: y = (x - μ) / √(σ² + ε) · γ + β per channel (dim 1), with μ, σ² the
 *     batch statistics in training (σ² biased) and the running ones in eval; the running mean and
 *     the unbiased running variance move by `momentum` each training step, and the step count
 *     `num_batches_tracked` (int32; PyTorch's int64) grows by one. State-dict names are PyTorch's:
 *     weight, bias, running_mean, running_var, num_batches_tracked.
 *     Shapes: BatchNorm1d [N, C] or [N, C, L]; BatchNorm2d [N, C, H, W].
 *   LayerNorm(normalizedShape): the same over the last dims of each sample (σ² biased), with an
 *     elementwise γ, β of that shape.
 */
import {
  checkOptions,
  fmtShape,
  noGrad,
  ones,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
  withOp,
  zeros,
} from '@nnet/tensor';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/**
 * Options of BatchNorm1d/2d: eps (default 1e-5), momentum (default 0.1), affine (learnt weight
 * and bias, default true), trackRunningStats (default true).
 */
export interface BatchNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of the new batch statistic in the running averages (default 0.1). */
  momentum?: number;
  /** Learn a per-channel weight and bias (default true). */
  affine?: boolean;
  /** Keep running mean/var buffers and use them in eval mode (default true). */
  trackRunningStats?: boolean;
}

abstract class BatchNormBase extends Module {
  /** The per-channel scale γ [C], ones at start (null when affine is false). */
  readonly weight: Parameter | null;
  /** The per-channel shift β [C], zeros at start (null when affine is false). */
  readonly bias: Parameter | null;
  /** The buffer `running_mean` [C] (null without running statistics). */
  readonly runningMean: Tensor | null;
  /** The buffer `running_var` [C], the unbiased estimate (null without running statistics). */
  readonly runningVar: Tensor | null;
  /** The buffer `num_batches_tracked`, an int32 0-d count of training batches (PyTorch's int64). */
  readonly numBatchesTracked: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  readonly eps: number;
  /** Weight of the new batch statistic in the running averages (default 0.1). */
  readonly momentum: number;

  constructor(
    /** C, the number of channels (dim 1 of the input). */
    readonly numFeatures: number,
    private readonly ranks: readonly number[],
    options: BatchNormOptions,
  ) {
    super();
    checkOptions(this.constructor.name, options, ['eps', 'momentum', 'affine', 'trackRunningStats']);
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) {
      throw new ValueError(
        `${this.constructor.name}: numFeatures must be a positive integer, got ${numFeatures}.`,
      );
    }
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    const affine = options.affine ?? true;
    this.weight = this.registerParameter('weight', affine ? new Parameter(ones([numFeatures])) : null);
    this.bias = this.registerParameter('bias', affine ? new Parameter(zeros([numFeatures])) : null);
    const track = options.trackRunningStats ?? true;
    // PyTorch's buffer names, so state dicts load both ways.
    this.runningMean = track ? this.registerBuffer('running_mean', zeros([numFeatures])) : null;
    this.runningVar = track ? this.registerBuffer('running_var', ones([numFeatures])) : null;
    this.numBatchesTracked = track
      ? this.registerBuffer('num_batches_tracked', zeros([], { dtype: 'int32' }))
      : null;
  }

  /** Like PyTorch, a state dict without `num_batches_tracked` (older files) loads strictly. */
  protected override optionalStateKeys(): string[] {
    return this.numBatchesTracked ? ['num_batches_tracked'] : [];
  }

  forward(x: Tensor): Tensor {
    if (!this.ranks.includes(x.ndim) || x.shape[1] !== this.numFeatures) {
      throw new ShapeError(
        `${this.constructor.name}(${this.numFeatures}): expected input of rank ${this.ranks.join(' or ')} with ` +
          `${this.numFeatures} channels in dim 1, got ${fmtShape(x.shape)}.`,
      );
    }
    const dims = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
    const view = [1, this.numFeatures, ...new Array<number>(x.ndim - 2).fill(1)];
    const useBatch = this.training || !this.runningMean;
    if (this.training && x.size / this.numFeatures <= 1) {
      throw new ValueError(
        `${this.constructor.name}(${this.numFeatures}): expected more than 1 value per channel when training, got input ${fmtShape(x.shape)}. ` +
          'Use a batch of at least 2 samples, or call eval() to normalise with the running statistics.',
      );
    }
    return tidy(() => {
      let mean: Tensor;
      let variance: Tensor;
      if (useBatch) {
        mean = x.mean(dims, true);
        variance = x.sub(mean).square().mean(dims, true);
        if (this.training && this.runningMean && this.runningVar && this.numBatchesTracked) {
          const n = x.size / this.numFeatures;
          noGrad(() => {
            this.numBatchesTracked!.assign(this.numBatchesTracked!.add(1));
            const m = this.momentum;
            this.runningMean!.assign(this.runningMean!.mul(1 - m).add(mean.reshape([this.numFeatures]), m));
            // The running variance is the unbiased estimate: σ²·n/(n - 1).
            const unbiased = variance.reshape([this.numFeatures]).mul(n / Math.max(n - 1, 1));
            this.runningVar!.assign(this.runningVar!.mul(1 - m).add(unbiased, m));
          });
        }
      } else {
        mean = this.runningMean!.reshape(view);
        variance = this.runningVar!.reshape(view);
      }
      let y = x.sub(mean).div(variance.add(this.eps).sqrt());
      if (this.weight && this.bias) y = y.mul(this.weight.reshape(view)).add(this.bias.reshape(view));
      return y;
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}`;
  }
}

/**
 * Batch normalisation over [N, C] or [N, C, L] per channel (PyTorch's nn.BatchNorm1d; see the
 * file's formula); output of the input's shape.
 *
 * ```ts
 * const bn = new BatchNorm1d(64); // [N, 64] → [N, 64]
 * ```
 */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, [2, 3], options);
  }
}

/**
 * Batch normalisation over [N, C, H, W] per channel (PyTorch's nn.BatchNorm2d); output of the
 * input's shape.
 *
 * ```ts
 * const bn = new BatchNorm2d(16); // [N, 16, H, W] → [N, 16, H, W]
 * ```
 */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, [4], options);
  }
}

/**
 * Layer normalisation over the trailing `normalizedShape` dims of each sample (PyTorch's
 * nn.LayerNorm), with elementwise weight and bias of that shape: x [*, ...normalizedShape] → same.
 *
 * ```ts
 * const ln = new LayerNorm(64); // [N, T, 64] → [N, T, 64]
 * ```
 */
export class LayerNorm extends Module {
  /** The trailing dims normalised over, e.g. [64]. */
  readonly normalizedShape: number[];
  /** The elementwise scale [...normalizedShape], ones at start (null without elementwiseAffine). */
  readonly weight: Parameter | null;
  /** The elementwise shift [...normalizedShape], zeros at start (null without elementwiseAffine). */
  readonly bias: Parameter | null;
  /** Added to the variance before the square root (default 1e-5). */
  readonly eps: number;

  constructor(
    normalizedShape: number | readonly number[],
    options: { eps?: number; elementwiseAffine?: boolean } = {},
  ) {
    super();
    checkOptions('LayerNorm', options, ['eps', 'elementwiseAffine']);
    this.normalizedShape =
      typeof normalizedShape === 'number'
        ? [normalizedShape]
        : Array.isArray(normalizedShape)
          ? [...normalizedShape]
          : [];
    if (
      this.normalizedShape.length === 0 ||
      this.normalizedShape.some((d) => !Number.isInteger(d) || d <= 0)
    ) {
      throw new ValueError(
        `LayerNorm: normalizedShape must be a positive integer or a list of them (the trailing dims to normalise), got ${JSON.stringify(normalizedShape) ?? String(normalizedShape)}.`,
      );
    }
    this.eps = options.eps ?? 1e-5;
    const affine = options.elementwiseAffine ?? true;
    this.weight = withOp('LayerNorm', () =>
      this.registerParameter('weight', affine ? new Parameter(ones(this.normalizedShape)) : null),
    );
    this.bias = withOp('LayerNorm', () =>
      this.registerParameter('bias', affine ? new Parameter(zeros(this.normalizedShape)) : null),
    );
  }

  forward(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    const tail = x.shape.slice(x.ndim - k);
    if (x.ndim < k || tail.some((d, i) => d !== this.normalizedShape[i])) {
      throw new ShapeError(
        `LayerNorm(${fmtShape(this.normalizedShape)}): the input's last dims must be ${fmtShape(this.normalizedShape)}, got ${fmtShape(x.shape)}.`,
      );
    }
    const dims = Array.from({ length: k }, (_, i) => x.ndim - k + i);
    return tidy(() => {
      const mean = x.mean(dims, true);
      const variance = x.sub(mean).square().mean(dims, true);
      let y = x.sub(mean).div(variance.add(this.eps).sqrt());
      if (this.weight && this.bias) y = y.mul(this.weight).add(this.bias);
      return y;
    });
  }

  override extraRepr(): string {
    return `${fmtShape(this.normalizedShape)}, eps=${this.eps}`;
  }
}
