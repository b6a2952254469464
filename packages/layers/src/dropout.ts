/**
 * `Dropout(p)`: in training, zeroes each element with probability p and scales the rest by
 * 1/(1 - p) so the expected value is unchanged; in eval() it is the identity. The mask comes from
 * the library's seeded generator, so a seed gives the same masks on every backend.
 */
import { defaultGenerator, type Generator, rand, type Tensor, tidy, ValueError } from '@nnet/tensor';
import { Module } from './module.js';

/**
 * Zeroes each element with probability p (default 0.5) in training and scales the rest by
 * 1/(1 - p), from the seeded generator; the identity in eval mode: x [*] → [*].
 *
 * ```ts
 * const model = new Sequential(new Linear(8, 8), new Dropout(0.1));
 * const drop = new Dropout(0.1);
 * model.eval(); // dropout off
 * model.forward(ones([2, 8])).shape; // [2, 8]
 * ```
 */
export class Dropout extends Module {
  constructor(
    /** Probability of zeroing an element, in [0, 1) (default 0.5). */
    readonly p = 0.5,
    private readonly generator: Generator = defaultGenerator,
  ) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p < 1))
      throw new ValueError(`Dropout: p must be in [0, 1), got ${p}.`);
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x.reshape(x.shape);
    return tidy(() => {
      const keep = rand(x.shape as number[], { generator: this.generator }).ge(this.p);
      return x.mul(keep).mul(1 / (1 - this.p));
    });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
