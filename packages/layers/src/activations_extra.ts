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
import { checkNumberArg } from './args.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/**
 * x·σ(x) (swish), elementwise: x [*] → [*].
 *
 *   const act = new SiLU();
 */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/**
 * x for x > 0, α(eˣ - 1) otherwise (α default 1), elementwise: x [*] → [*].
 *
 *   const act = new ELU(0.5);
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
 *   const act = new SELU();
 */
export class SELU extends Module {
  forward(x: Tensor): Tensor {
    return selu(x);
  }
}

/**
 * x·tanh(softplus(x)), elementwise: x [*] → [*].
 *
 *   const act = new Mish();
 */
export class Mish extends Module {
  forward(x: Tensor): Tensor {
    return mish(x);
  }
}

/**
 * x clamped into [minVal, maxVal] (default [-1, 1]), elementwise: x [*] → [*].
 *
 *   const act = new Hardtanh(-2, 2);
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
 *   const act = new ReLU6();
 */
export class ReLU6 extends Module {
  forward(x: Tensor): Tensor {
    return relu6(x);
  }
}

/**
 * x·relu6(x + 3)/6, elementwise: x [*] → [*].
 *
 *   const act = new Hardswish();
 */
export class Hardswish extends Module {
  forward(x: Tensor): Tensor {
    return hardswish(x);
  }
}

/**
 * relu6(x + 3)/6, elementwise: x [*] → [*].
 *
 *   const act = new Hardsigmoid();
 */
export class Hardsigmoid extends Module {
  forward(x: Tensor): Tensor {
    return hardsigmoid(x);
  }
}

/**
 * x / (1 + |x|), elementwise: x [*] → [*].
 *
 *   const act = new Softsign();
 */
export class Softsign extends Module {
  forward(x: Tensor): Tensor {
    return softsign(x);
  }
}

/**
 * log σ(x), computed stably, elementwise: x [*] → [*].
 *
 *   const act = new LogSigmoid();
 */
export class LogSigmoid extends Module {
  forward(x: Tensor): Tensor {
    return logsigmoid(x);
  }
}

/**
 * a·σ(b) for the two halves a, b of `dim` (default -1): x [..., 2H, ...] → [..., H, ...].
 *
 *   const y = new GLU().forward(x); // [N, 8] → [N, 4]
 */
export class GLU extends Module {
  /**
   * The dim split in two halves (default -1); its size must be even.
   * @param dim The dim split in two halves (default -1); its size must be even.
   */
  constructor(readonly dim = -1) {
    super();
    checkNumberArg('GLU', 'dim', dim, true);
  }
  forward(x: Tensor): Tensor {
    return glu(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * `PReLU(numParameters = 1, init = 0.25)`: x for x > 0, a·x otherwise, with a learnt slope a (one,
 * or one per channel: dim 1 of the input), as PyTorch's nn.PReLU.
 *
 *   const act = new PReLU(16);   // per-channel slopes for [N, 16, H, W] input
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
