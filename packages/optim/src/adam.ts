/**
 * Adam and AdamW with PyTorch's exact update rules (torch.optim.Adam / AdamW), step t from 1:
 *   Adam:  g = g + λ·p                 (weight decay λ, added to the gradient)
 *   AdamW: p = p·(1 - lr·λ)            (decoupled weight decay)
 *   m = β₁·m + (1 - β₁)·g,   v = β₂·v + (1 - β₂)·g²
 *   v̂ = max(v̂, v) with amsgrad, else v
 *   p = p - (lr / (1 - β₁ᵗ)) · m / (√v̂ / √(1 - β₂ᵗ) + ε)
 */
import { adamStep, type Tensor, ValueError, zerosLike } from '@nnet/tensor';
import { checkOptionTypes, Optimizer, type ParamsArg } from './optimizer.js';

/**
 * Adam's and AdamW's options (PyTorch's names in camelCase): lr, betas (β₁, β₂), eps,
 * weightDecay (λ), amsgrad.
 */
export interface AdamOptions {
  /** Learning rate, >= 0 (default 1e-3). */
  lr: number;
  /** Decay rates (β₁, β₂) of the first and second moment averages, each in [0, 1) (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** ε added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Weight decay λ, >= 0: added to the gradient in Adam (default 0), decoupled in AdamW (default 1e-2). */
  weightDecay: number;
  /** Use the AMSGrad variant: divide by the running maximum of v (default false). */
  amsgrad: boolean;
}

class AdamBase extends Optimizer<AdamOptions> {
  constructor(
    params: ParamsArg<AdamOptions>,
    options: Partial<AdamOptions>,
    defaults: AdamOptions,
    private readonly decoupled: boolean,
  ) {
    checkOptionTypes(new.target.name, options, defaults);
    super(params, { ...defaults, ...options });
  }

  protected validate(o: AdamOptions): void {
    const name = this.constructor.name;
    if (!(o.lr >= 0)) throw new ValueError(`${name}: invalid learning rate ${o.lr}; it must be >= 0.`);
    if (!(o.eps >= 0)) throw new ValueError(`${name}: invalid eps ${o.eps}; it must be >= 0.`);
    if (!Array.isArray(o.betas) || o.betas.length !== 2) {
      throw new ValueError(
        `${name}: invalid betas ${JSON.stringify(o.betas)}; give a pair [beta1, beta2], each in [0, 1).`,
      );
    }
    for (const b of o.betas) {
      if (!(b >= 0 && b < 1))
        throw new ValueError(`${name}: invalid betas ${JSON.stringify(o.betas)}; each must be in [0, 1).`);
    }
    if (!(o.weightDecay >= 0))
      throw new ValueError(`${name}: invalid weightDecay ${o.weightDecay}; it must be >= 0.`);
  }

  protected override requiredStateKeys(o: AdamOptions): readonly string[] {
    return o.amsgrad ? ['step', 'expAvg', 'expAvgSq', 'maxExpAvgSq'] : ['step', 'expAvg', 'expAvgSq'];
  }

  protected stepParameter(
    p: Tensor,
    grad: Tensor,
    state: Record<string, Tensor | number>,
    o: AdamOptions,
  ): void {
    const step = ((state.step as number | undefined) ?? 0) + 1;
    state.step = step;
    const buffer = (key: string) =>
      (state[key] as Tensor | undefined) ?? this.setState(state, key, zerosLike(p));
    const m = buffer('expAvg');
    const v = buffer('expAvgSq');
    const vMax = o.amsgrad ? buffer('maxExpAvgSq') : null;
    adamStep(p, grad, m, v, vMax, {
      lr: o.lr,
      beta1: o.betas[0],
      beta2: o.betas[1],
      eps: o.eps,
      weightDecay: o.weightDecay,
      decoupled: this.decoupled,
      amsgrad: o.amsgrad,
      step,
    });
  }
}

/**
 * Adam (torch.optim.Adam): weight decay added to the gradient. Defaults lr 1e-3, betas
 * [0.9, 0.999], eps 1e-8, weightDecay 0. Updates each parameter p [*] in place from p.grad [*].
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const loss = model.forward(randn([8, 4])).pow(2).mean();
 * const opt = new Adam(model.parameters(), { lr: 3e-4 });
 * loss.backward(); opt.step(); opt.zeroGrad();
 * ```
 */
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

/**
 * AdamW (torch.optim.AdamW): decoupled weight decay p = p·(1 - lr·λ), default λ 1e-2;
 * otherwise as Adam.
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const opt = new AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0.1 });
 * opt.paramGroups[0].options.weightDecay; // 0.1
 * ```
 */
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
