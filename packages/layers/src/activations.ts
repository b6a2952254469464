/**
 * Activation layers: elementwise functions (shape in = shape out) and softmax along a dim. A layer
 * that is one function with no options is declared as `class X extends elementwise(fn) {}`, one that
 * runs along a dim as `class X extends alongDim(fn) {}`: the forward, the dim's check and the repr
 * are written once here.
 */
import { checkOptions, gelu, leakyRelu, logSoftmax, softmax, type Tensor } from '@nnet/tensor';
import { checkNumberArg } from './args.js';
import { Module } from './module.js';

/**
 * The base of the activation layers that apply one elementwise function without options (ReLU,
 * Sigmoid, Tanh, SiLU, Mish, ...): x [*] → [*].
 *
 * @example
 * ```ts
 * const acts: ElementwiseActivation[] = [new ReLU(), new SiLU()];
 * const y = acts[1].forward(randn([2, 3])); // [2, 3]
 * ```
 */
export abstract class ElementwiseActivation extends Module {
  /** @param op The elementwise function the layer applies. */
  protected constructor(private readonly op: (x: Tensor) => Tensor) {
    super();
  }
  /** Applies the function elementwise: x [*] → [*]. */
  forward(x: Tensor): Tensor {
    return this.op(x);
  }
}

/** The class of an activation that is `fn` applied to its input: `class X extends elementwise(fn) {}`. */
export function elementwise(fn: (x: Tensor) => Tensor): new () => ElementwiseActivation {
  return class extends ElementwiseActivation {
    constructor() {
      super(fn);
    }
  };
}

/**
 * The base of the activation layers that apply one function along a dim (default -1): Softmax,
 * LogSoftmax, GLU. The dim is checked (a finite integer) when the layer is made; the subclass's
 * name is the op named in the error.
 *
 * @example
 * ```ts
 * const act: DimActivation = new Softmax(1);
 * act.dim; // 1
 * act.forward(randn([2, 3])); // [2, 3], rows summing to 1
 * ```
 */
export abstract class DimActivation extends Module {
  /** The dim the function runs along (default -1). */
  readonly dim: number;
  /**
   * @param op The function the layer applies along `dim`.
   * @param dim The dim the function runs along (default -1).
   */
  protected constructor(
    private readonly op: (x: Tensor, dim: number) => Tensor,
    dim = -1,
  ) {
    super();
    checkNumberArg(this.constructor.name, 'dim', dim, true);
    this.dim = dim;
  }
  /** Applies the function along `dim`: the output's shape is the function's. */
  forward(x: Tensor): Tensor {
    return this.op(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** The class of an activation that is `fn(x, dim)`: `class X extends alongDim(fn) {}`. */
export function alongDim(fn: (x: Tensor, dim: number) => Tensor): new (dim?: number) => DimActivation {
  return class extends DimActivation {
    constructor(dim = -1) {
      super(fn, dim);
    }
  };
}

/**
 * tanh(x), elementwise: x [*] → [*].
 *
 * ```ts
 * const x = tensor([0, 1]);
 * const y = new Tanh().forward(x);
 * y.toArray(); // [0, 0.7615942]
 * ```
 */
export class Tanh extends elementwise((x) => x.tanh()) {}

/**
 * σ(x) = 1 / (1 + e⁻ˣ), elementwise: x [*] → [*].
 *
 * ```ts
 * const logits = tensor([0, 2]);
 * const p = new Sigmoid().forward(logits);
 * p.toArray(); // [0.5, 0.8807971]
 * ```
 */
export class Sigmoid extends elementwise((x) => x.sigmoid()) {}

/**
 * max(x, 0), elementwise: x [*] → [*].
 *
 * ```ts
 * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1));
 * ```
 */
export class ReLU extends elementwise((x) => x.relu()) {}

/**
 * x for x > 0, negativeSlope·x otherwise (default 0.01), elementwise: x [*] → [*].
 *
 * ```ts
 * const act = new LeakyReLU(0.2);
 * ```
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
 * ```ts
 * const act = new GELU({ approximate: 'tanh' });
 * ```
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
 * ```ts
 * const logits = tensor([[0, 0]]);
 * const probs = new Softmax(1).forward(logits); // [N, C]
 * probs.toArray(); // [[0.5, 0.5]]
 * ```
 */
export class Softmax extends alongDim(softmax) {}

/**
 * log softmax along `dim` (default -1), computed stably: x [*] → [*].
 *
 * ```ts
 * const logits = randn([4, 10]);
 * const logp = new LogSoftmax(1).forward(logits); // [N, C], for nll
 * logp.exp().sum(1).shape; // [4]
 * ```
 */
export class LogSoftmax extends alongDim(logSoftmax) {}

/**
 * Returns its input unchanged: x [*] → x. A placeholder where a layer is optional.
 *
 * ```ts
 * const useNorm = false;
 * const norm = useNorm ? new LayerNorm(64) : new Identity();
 * norm.forward(ones([2, 64])).shape; // [2, 64]
 * ```
 */
export class Identity extends elementwise((x) => x.reshape(x.shape)) {}
