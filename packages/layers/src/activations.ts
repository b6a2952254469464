/**
 * Activation layers: elementwise functions (shape in = shape out) and softmax along a dim.
 */
import { checkOptions, gelu, leakyRelu, logSoftmax, softmax, type Tensor } from '@nnet/tensor';
import { checkNumberArg } from './args.js';
import { Module } from './module.js';

/**
 * tanh(x), elementwise: x [*] → [*].
 *
 *   const y = new Tanh().forward(x);
 */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

/**
 * σ(x) = 1 / (1 + e⁻ˣ), elementwise: x [*] → [*].
 *
 *   const p = new Sigmoid().forward(logits);
 */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

/**
 * max(x, 0), elementwise: x [*] → [*].
 *
 *   const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1));
 */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

/**
 * x for x > 0, negativeSlope·x otherwise (default 0.01), elementwise: x [*] → [*].
 *
 *   const act = new LeakyReLU(0.2);
 */
export class LeakyReLU extends Module {
  /**
   * Slope for x ≤ 0 (default 0.01).
   * @param negativeSlope Slope for x ≤ 0 (default 0.01).
   */
  constructor(readonly negativeSlope = 0.01) {
    super();
    checkNumberArg('LeakyReLU', 'negativeSlope', negativeSlope);
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/**
 * x·Φ(x), or its tanh approximation with { approximate: 'tanh' }, elementwise: x [*] → [*].
 *
 *   const act = new GELU({ approximate: 'tanh' });
 */
export class GELU extends Module {
  /** 'none' (exact, erf; default) or 'tanh' (the approximation). */
  readonly approximate: 'none' | 'tanh';
  constructor(options: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    checkOptions('GELU', options, ['approximate']);
    this.approximate = options.approximate ?? 'none';
  }
  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return this.approximate === 'none' ? '' : `approximate='${this.approximate}'`;
  }
}

/**
 * exp(xᵢ) / Σⱼ exp(xⱼ) along `dim` (default -1): x [*] → [*], each slice along dim sums to 1.
 *
 *   const probs = new Softmax(1).forward(logits); // [N, C]
 */
export class Softmax extends Module {
  /**
   * The dim the softmax runs along (default -1).
   * @param dim The dim the softmax runs along (default -1).
   */
  constructor(readonly dim = -1) {
    super();
    checkNumberArg('Softmax', 'dim', dim, true);
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * log softmax along `dim` (default -1), computed stably: x [*] → [*].
 *
 *   const logp = new LogSoftmax(1).forward(logits); // [N, C], for nll
 */
export class LogSoftmax extends Module {
  /**
   * The dim the log softmax runs along (default -1).
   * @param dim The dim the log softmax runs along (default -1).
   */
  constructor(readonly dim = -1) {
    super();
    checkNumberArg('LogSoftmax', 'dim', dim, true);
  }
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * Returns its input unchanged: x [*] → x. A placeholder where a layer is optional.
 *
 *   const norm = useNorm ? new LayerNorm(64) : new Identity();
 */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x.reshape(x.shape);
  }
}
