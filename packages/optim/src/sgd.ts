/**
 * Stochastic gradient descent with PyTorch's exact update rule (torch.optim.SGD):
 *   d = g + λ·p                                   (weight decay λ)
 *   buf = d on the first step, else μ·buf + (1 - τ)·d   (momentum μ, dampening τ)
 *   d = d + μ·buf (Nesterov) or d = buf          (when μ ≠ 0)
 *   p = p - lr·d
 */
import { sgdStep, type Tensor, ValueError, zerosLike } from '@nnet/tensor';
import { checkOptionTypes, Optimizer, type ParamsArg } from './optimizer.js';

/**
 * SGD's options: lr, momentum (μ), dampening (τ), nesterov, weightDecay (λ).
 */
export interface SGDOptions {
  /** Learning rate, >= 0 (default 0.01). */
  lr: number;
  /** Momentum factor μ, >= 0 (default 0: plain SGD). */
  momentum: number;
  /** Dampening τ of the momentum buffer's new term (default 0). */
  dampening: number;
  /** Use Nesterov momentum: d = d + μ·buf (default false; needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** L2 penalty λ added to the gradient as λ·p, >= 0 (default 0). */
  weightDecay: number;
}

/**
 * Stochastic gradient descent (torch.optim.SGD). Defaults lr 0.01, no momentum. Updates each
 * parameter p [*] in place from p.grad [*].
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const loss = model.forward(randn([8, 4])).pow(2).mean();
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * loss.backward(); opt.step(); opt.zeroGrad();
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsArg<SGDOptions>, options: Partial<SGDOptions> = {}) {
    const defaults = { lr: 0.01, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 };
    checkOptionTypes('SGD', options, defaults);
    super(params, { ...defaults, ...options });
  }

  protected validate(o: SGDOptions): void {
    if (!(o.lr >= 0)) throw new ValueError(`SGD: invalid learning rate ${o.lr}; it must be >= 0.`);
    if (!(o.momentum >= 0)) throw new ValueError(`SGD: invalid momentum ${o.momentum}; it must be >= 0.`);
    if (!(o.weightDecay >= 0))
      throw new ValueError(`SGD: invalid weightDecay ${o.weightDecay}; it must be >= 0.`);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new ValueError('SGD: Nesterov momentum requires a momentum > 0 and zero dampening.');
    }
  }

  protected stepParameter(
    p: Tensor,
    grad: Tensor,
    state: Record<string, Tensor | number>,
    o: SGDOptions,
  ): void {
    let buf: Tensor | null = null;
    let first = false;
    if (o.momentum !== 0) {
      buf = (state.momentumBuffer as Tensor | undefined) ?? null;
      if (!buf) {
        buf = this.setState(state, 'momentumBuffer', zerosLike(p));
        first = true;
      }
    }
    // The backend's fused kernel when it has one; the same arithmetic in tensor ops otherwise.
    // Fields spelled out rather than spread from o: this runs for every parameter at every step.
    sgdStep(p, grad, buf, {
      lr: o.lr,
      momentum: o.momentum,
      dampening: o.dampening,
      nesterov: o.nesterov,
      weightDecay: o.weightDecay,
      first,
    });
  }
}
