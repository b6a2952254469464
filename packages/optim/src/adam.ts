/**
 * Adam and AdamW with PyTorch's exact update rules (torch.optim.Adam / AdamW), step t from 1:
 *   Adam:  g = g + λ·p                 (weight decay λ, added to the gradient)
 *   AdamW: p = p·(1 - lr·λ)            (decoupled weight decay)
 *   m = β₁·m + (1 - β₁)·g,   v = β₂·v + (1 - β₂)·g²
 *   v̂ = max(v̂, v) with amsgrad, else v
 *   p = p - (lr / (1 - β₁ᵗ)) · m / (√v̂ / √(1 - β₂ᵗ) + ε)
 */
import { type Tensor, ValueError } from '@nnet/tensor';
import { Optimizer, type ParamsArg } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
}

class AdamBase extends Optimizer<AdamOptions> {
  constructor(
    params: ParamsArg<AdamOptions>,
    options: Partial<AdamOptions>,
    defaults: AdamOptions,
    private readonly decoupled: boolean,
  ) {
    super(params, { ...defaults, ...options });
  }

  protected validate(o: AdamOptions): void {
    const name = this.constructor.name;
    if (!(o.lr >= 0)) throw new ValueError(`${name}: invalid learning rate ${o.lr}; it must be >= 0.`);
    if (!(o.eps >= 0)) throw new ValueError(`${name}: invalid eps ${o.eps}; it must be >= 0.`);
    for (const b of o.betas) {
      if (!(b >= 0 && b < 1))
        throw new ValueError(`${name}: invalid betas ${JSON.stringify(o.betas)}; each must be in [0, 1).`);
    }
    if (!(o.weightDecay >= 0))
      throw new ValueError(`${name}: invalid weightDecay ${o.weightDecay}; it must be >= 0.`);
  }

  protected update(p: Tensor, grad: Tensor, state: Record<string, Tensor | number>, o: AdamOptions): Tensor {
    const [b1, b2] = o.betas;
    const step = ((state.step as number | undefined) ?? 0) + 1;
    state.step = step;
    let param = p;
    let g = grad;
    if (o.weightDecay !== 0) {
      if (this.decoupled) param = p.mul(1 - o.lr * o.weightDecay);
      else g = grad.add(p, o.weightDecay);
    }
    const prevM = state.expAvg as Tensor | undefined;
    const prevV = state.expAvgSq as Tensor | undefined;
    const m = this.setState(state, 'expAvg', prevM ? prevM.mul(b1).add(g, 1 - b1) : g.mul(1 - b1));
    const g2 = g.mul(g);
    const v = this.setState(state, 'expAvgSq', prevV ? prevV.mul(b2).add(g2, 1 - b2) : g2.mul(1 - b2));
    let vHat = v;
    if (o.amsgrad) {
      const prevMax = state.maxExpAvgSq as Tensor | undefined;
      vHat = this.setState(state, 'maxExpAvgSq', prevMax ? prevMax.maximum(v) : v.clone());
    }
    const bc1 = 1 - b1 ** step;
    const bc2 = 1 - b2 ** step;
    const denom = vHat.sqrt().div(Math.sqrt(bc2)).add(o.eps);
    return param.sub(m.div(denom), o.lr / bc1);
  }
}

export class Adam extends AdamBase {
  constructor(params: ParamsArg<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(
      params,
      options,
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false },
      false,
    );
  }
}

export class AdamW extends AdamBase {
  constructor(params: ParamsArg<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(
      params,
      options,
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false },
      true,
    );
  }
}
