/**
 * Reference decomposition of the optional kernel `adamUpdate` (see `OptionalKernels.adamUpdate`):
 * PyTorch's Adam/AdamW step in tensor ops, written back in place.
 */
import type { AdamUpdateParams, TensorInfo } from '../backend.js';
import { adamBiasCorrections } from '../backend_params.js';
import { borrow, runReference } from './borrow.js';

/**
 * adamUpdate by decomposition: m = β₁m + (1 − β₁)g, v = β₂v + (1 − β₂)g², v̂ = max(v̂, v) with
 * amsgrad, p −= lr/(1 − β₁ᵗ) · m / (√v̂/√(1 − β₂ᵗ) + ε); AdamW decays p by lr·λ first.
 */
export function adamUpdateReference(
  param: TensorInfo,
  grad: TensorInfo,
  expAvg: TensorInfo,
  expAvgSq: TensorInfo,
  maxExpAvgSq: TensorInfo | null,
  params: AdamUpdateParams,
): void {
  runReference(() => {
    const { lr, beta1, beta2, eps, weightDecay } = params;
    const p = borrow(param);
    const m = borrow(expAvg);
    const v2 = borrow(expAvgSq);
    let g = borrow(grad);
    if (weightDecay !== 0) {
      if (params.decoupled) p.assign(p.mul(1 - lr * weightDecay));
      else g = g.add(p, weightDecay);
    }
    m.assign(m.mul(beta1).add(g, 1 - beta1));
    v2.assign(v2.mul(beta2).add(g.mul(g), 1 - beta2));
    let v = v2;
    if (maxExpAvgSq) {
      const vmax = borrow(maxExpAvgSq);
      vmax.assign(vmax.maximum(v2));
      v = vmax;
    }
    const { bc1, sqrtBc2 } = adamBiasCorrections(params);
    const denom = v.sqrt().div(sqrtBc2).add(eps);
    p.assign(p.sub(m.div(denom), lr / bc1));
  });
}
