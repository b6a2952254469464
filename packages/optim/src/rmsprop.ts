/**
 * RMSprop and Adagrad with PyTorch's exact update rules.
 *   RMSprop: g = g + λ·p;  v = α·v + (1 - α)·g²;  centered: ḡ = α·ḡ + (1 - α)·g, v̂ = v - ḡ², else v̂ = v
 *            momentum μ > 0: b = μ·b + g / (√v̂ + ε), p = p - lr·b;  else p = p - lr·g / (√v̂ + ε)
 *   Adagrad: g = g + λ·p;  clr = lr / (1 + (t - 1)·decay);  s = s + g²;  p = p - clr·g / (√s + ε)
 */
import type { Tensor } from '@nnet/tensor';
import { checkNonNegative, checkOptionTypes, Optimizer, type ParamsArg } from './optimizer.js';

/**
 * RMSprop's options: lr, alpha (the square average's decay), eps, weightDecay, momentum,
 * centered.
 */
export interface RMSpropOptions {
  /** Learning rate, >= 0 (default 0.01). */
  lr: number;
  /** Decay α of the running average of g², >= 0 (default 0.99). */
  alpha: number;
  /** ε added to √v̂ for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty λ added to the gradient as λ·p, >= 0 (default 0). */
  weightDecay: number;
  /** Momentum factor μ, >= 0 (default 0: no momentum buffer). */
  momentum: number;
  /** Normalise by the variance estimate v - ḡ² instead of v (default false). */
  centered: boolean;
}

/**
 * RMSprop (torch.optim.RMSprop). Defaults lr 0.01, alpha 0.99, eps 1e-8. Updates each
 * parameter p [*] in place from p.grad [*].
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const opt = new RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9 });
 * opt.paramGroups[0].options.alpha; // 0.99
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsArg<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    const defaults = { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false };
    checkOptionTypes('RMSprop', options, defaults);
    super(params, { ...defaults, ...options });
  }

  protected validate(o: RMSpropOptions): void {
    checkNonNegative('RMSprop', o, ['lr', 'alpha', 'eps', 'weightDecay', 'momentum']);
  }

  protected stepParameter(
    p: Tensor,
    grad: Tensor,
    state: Record<string, Tensor | number>,
    o: RMSpropOptions,
  ): void {
    p.assign(this.next(p, grad, state, o));
  }

  /** The parameter's new value. */
  private next(p: Tensor, grad: Tensor, state: Record<string, Tensor | number>, o: RMSpropOptions): Tensor {
    const g = o.weightDecay !== 0 ? grad.add(p, o.weightDecay) : grad;
    const prev = state.squareAvg as Tensor | undefined;
    const g2 = g.mul(g);
    const v = this.setState(
      state,
      'squareAvg',
      prev ? prev.mul(o.alpha).add(g2, 1 - o.alpha) : g2.mul(1 - o.alpha),
    );
    let avg = v;
    if (o.centered) {
      const prevG = state.gradAvg as Tensor | undefined;
      const gAvg = this.setState(
        state,
        'gradAvg',
        prevG ? prevG.mul(o.alpha).add(g, 1 - o.alpha) : g.mul(1 - o.alpha),
      );
      avg = v.sub(gAvg.mul(gAvg));
    }
    const denom = avg.sqrt().add(o.eps);
    if (o.momentum > 0) {
      const prevB = state.momentumBuffer as Tensor | undefined;
      const step = g.div(denom);
      const buf = this.setState(state, 'momentumBuffer', prevB ? prevB.mul(o.momentum).add(step) : step);
      return p.sub(buf, o.lr);
    }
    return p.sub(g.div(denom), o.lr);
  }
}

/**
 * Adagrad's options: lr, lrDecay, weightDecay, initialAccumulatorValue, eps.
 */
export interface AdagradOptions {
  /** Learning rate, >= 0 (default 0.01). */
  lr: number;
  /** Learning-rate decay: step t uses lr / (1 + (t - 1)·lrDecay) (default 0). */
  lrDecay: number;
  /** L2 penalty λ added to the gradient as λ·p, >= 0 (default 0). */
  weightDecay: number;
  /** Starting value of the sum of squared gradients s (default 0). */
  initialAccumulatorValue: number;
  /** ε added to √s for numerical stability (default 1e-10). */
  eps: number;
}

/**
 * Adagrad (torch.optim.Adagrad). Defaults lr 0.01, eps 1e-10. Updates each parameter p [*]
 * in place from p.grad [*].
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const opt = new Adagrad(model.parameters(), { lr: 0.1 });
 * opt.paramGroups[0].options.eps; // 1e-10
 * ```
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsArg<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    const defaults = { lr: 0.01, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 };
    checkOptionTypes('Adagrad', options, defaults);
    super(params, { ...defaults, ...options });
  }

  protected validate(o: AdagradOptions): void {
    checkNonNegative('Adagrad', o, ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps']);
  }

  protected stepParameter(
    p: Tensor,
    grad: Tensor,
    state: Record<string, Tensor | number>,
    o: AdagradOptions,
  ): void {
    p.assign(this.next(p, grad, state, o));
  }

  /** The parameter's new value. */
  private next(p: Tensor, grad: Tensor, state: Record<string, Tensor | number>, o: AdagradOptions): Tensor {
    const step = ((state.step as number | undefined) ?? 0) + 1;
    state.step = step;
    const g = o.weightDecay !== 0 ? grad.add(p, o.weightDecay) : grad;
    const clr = o.lr / (1 + (step - 1) * o.lrDecay);
    const prev = state.sum as Tensor | undefined;
    const sum = this.setState(state, 'sum', (prev ?? p.mul(0).add(o.initialAccumulatorValue)).add(g.mul(g)));
    return p.sub(g.div(sum.sqrt().add(o.eps)), clr);
  }
}
