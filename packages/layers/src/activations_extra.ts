/**
 * More activation layers (shape in = shape out), thin modules over the @nnet/tensor functions,
 * and PReLU with its learnt slope.
 */
import {
  elu,
  fmtShape,
  full,
  glu,
  hardsigmoid,
  hardswish,
  hardtanh,
  logsigmoid,
  mish,
  prelu,
  relu6,
  ShapeError,
  selu,
  silu,
  softsign,
  type Tensor,
  ValueError,
} from '@nnet/tensor';
import { alongDim, elementwise } from './activations.js';
import { checkNumberArg } from './args.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/**
 * x·σ(x) (swish), elementwise: x [*] → [*].
 *
 * ```ts
 * const act = new SiLU();
 * ```
 */
export class SiLU extends elementwise(silu) {}

/**
 * x for x > 0, α(eˣ - 1) otherwise (α default 1), elementwise: x [*] → [*].
 *
 * ```ts
 * const act = new ELU(0.5);
 * ```
 */
export class ELU extends Module {
  /**
   * α, the scale of the negative branch (default 1).
   * @param alpha α, the scale of the negative branch (default 1).
   */
  constructor(readonly alpha = 1) {
    super();
    checkNumberArg('ELU', 'alpha', alpha);
  }
  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/**
 * scale·ELU(x, α) with the self-normalising constants, elementwise: x [*] → [*].
 *
 * ```ts
 * const act = new SELU();
 * ```
 */
export class SELU extends elementwise(selu) {}

/**
 * x·tanh(softplus(x)), elementwise: x [*] → [*].
 *
 * ```ts
 * const act = new Mish();
 * ```
 */
export class Mish extends elementwise(mish) {}

/**
 * x clamped into [minVal, maxVal] (default [-1, 1]), elementwise: x [*] → [*].
 *
 * ```ts
 * const act = new Hardtanh(-2, 2);
 * ```
 */
export class Hardtanh extends Module {
  constructor(
    /** Lower bound (default -1). */
    readonly minVal = -1,
    /** Upper bound (default 1). */
    readonly maxVal = 1,
  ) {
    super();
    checkNumberArg('Hardtanh', 'minVal', minVal);
    checkNumberArg('Hardtanh', 'maxVal', maxVal);
    if (!(minVal <= maxVal)) throw new ValueError(`Hardtanh: minVal ${minVal} must be <= maxVal ${maxVal}.`);
  }
  forward(x: Tensor): Tensor {
    return hardtanh(x, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `minVal=${this.minVal}, maxVal=${this.maxVal}`;
  }
}

/**
 * min(max(x, 0), 6), elementwise: x [*] → [*].
 *
 * ```ts
 * const act = new ReLU6();
 * ```
 */
export class ReLU6 extends elementwise(relu6) {}

/**
 * x·relu6(x + 3)/6, elementwise: x [*] → [*].
 *
 * ```ts
 * const act = new Hardswish();
 * ```
 */
export class Hardswish extends elementwise(hardswish) {}

/**
 * relu6(x + 3)/6, elementwise: x [*] → [*].
 *
 * ```ts
 * const act = new Hardsigmoid();
 * ```
 */
export class Hardsigmoid extends elementwise(hardsigmoid) {}

/**
 * x / (1 + |x|), elementwise: x [*] → [*].
 *
 * ```ts
 * const act = new Softsign();
 * ```
 */
export class Softsign extends elementwise(softsign) {}

/**
 * log σ(x), computed stably, elementwise: x [*] → [*].
 *
 * ```ts
 * const act = new LogSigmoid();
 * ```
 */
export class LogSigmoid extends elementwise(logsigmoid) {}

/**
 * a·σ(b) for the two halves a, b of `dim` (default -1): x [..., 2H, ...] → [..., H, ...].
 *
 * ```ts
 * const x = randn([3, 8]);
 * const y = new GLU().forward(x); // [N, 8] → [N, 4]
 * y.shape; // [3, 4]
 * ```
 */
export class GLU extends alongDim(glu) {}

/**
 * `PReLU(numParameters = 1, init = 0.25)`: x for x > 0, a·x otherwise, with a learnt slope a (one,
 * or one per channel: dim 1 of the input), as PyTorch's nn.PReLU.
 *
 * ```ts
 * const act = new PReLU(16);   // per-channel slopes for [N, 16, H, W] input
 * ```
 */
export class PReLU extends Module {
  /** The slopes a [slopes], init 0.25 each. */
  readonly weight: Parameter;
  /** The number of slopes (PyTorch's num_parameters). */
  readonly slopes: number;

  constructor(numParameters = 1, init = 0.25) {
    super();
    this.slopes = numParameters;
    if (!Number.isInteger(numParameters) || numParameters <= 0) {
      throw new ValueError(`PReLU: numParameters must be a positive integer, got ${numParameters}.`);
    }
    this.weight = this.registerParameter('weight', new Parameter(full([numParameters], init)))!;
  }

  forward(x: Tensor): Tensor {
    if (this.slopes > 1 && (x.ndim < 2 || x.shape[1] !== this.slopes)) {
      throw new ShapeError(
        `PReLU(${this.slopes}): expected ${this.slopes} channels in dim 1, got input ${fmtShape(x.shape)}.`,
      );
    }
    return prelu(x, this.weight);
  }

  override extraRepr(): string {
    return `numParameters=${this.slopes}`;
  }
}
