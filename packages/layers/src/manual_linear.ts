/**
 * The textbook way of writing a layer (how backprop is usually first taught): its own forward and
 * its own backward, no autograd inside.
 * `customGrad` from @nnet/tensor turns the pair into one op that autograd calls, so a layer
 * written this way trains exactly like the autograd `Linear`.
 *
 *   forward:  y = x·Wᵀ + b
 *   backward: ∂L/∂x = g·W,  ∂L/∂W = gᵀ·x,  ∂L/∂b = Σₙ g
 */
import { customGrad, fmtShape, ShapeError, type Tensor } from '@nnet/tensor';
import { checkPositiveInt } from './args.js';
import { uniformParameter } from './linear.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

const linearByHand = customGrad(
  (x: Tensor, w: Tensor, b: Tensor) => ({ value: x.matmul(w.t()).add(b), save: [x, w] }),
  (g, [x, w]) => [g.matmul(w), g.t().matmul(x), g.sum(0)],
  'manualLinear',
);

/**
 * Linear with a hand-written gradient (customGrad), as a worked example of one:
 * x [N, inFeatures] → [N, outFeatures]; the same math as Linear.
 *
 * ```ts
 * const fc = new ManualLinear(4, 2);
 * ```
 */
export class ManualLinear extends Module {
  /** W [outFeatures, inFeatures], initialised as Linear's. */
  readonly weight: Parameter;
  /** b [outFeatures], initialised as Linear's. */
  readonly bias: Parameter;

  constructor(
    /** Input features (last dim of x). */
    readonly inFeatures: number,
    /** Output features (last dim of y). */
    readonly outFeatures: number,
  ) {
    super();
    checkPositiveInt('ManualLinear', 'inFeatures', inFeatures);
    checkPositiveInt('ManualLinear', 'outFeatures', outFeatures);
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.registerParameter('weight', uniformParameter([outFeatures, inFeatures], bound))!;
    this.bias = this.registerParameter('bias', uniformParameter([outFeatures], bound))!;
  }

  /** x [N, inFeatures] → [N, outFeatures] */
  forward(x: Tensor): Tensor {
    if (x.ndim !== 2 || x.shape[1] !== this.inFeatures) {
      throw new ShapeError(
        `ManualLinear(${this.inFeatures}, ${this.outFeatures}): input must be [N, ${this.inFeatures}], got ${fmtShape(x.shape)}.`,
      );
    }
    return linearByHand(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}`;
  }
}
