/**
 * Gradient clipping, in place on each parameter's `.grad` (like torch.nn.utils):
 *   clipGradNorm: if the total norm ‖g‖ₚ over all gradients exceeds maxNorm, scale every
 *                 gradient by maxNorm / (‖g‖ₚ + 1e-6); returns the total norm before clipping.
 *   clipGradValue: clamp every gradient element into [-clipValue, clipValue].
 */
import { describeValue, noGrad, Tensor, tidy, ValueError } from '@nnet/tensor';

/** Throws a ValueError unless `params` is a list of tensors (model.parameters()). */
function checkParams(op: string, params: unknown): void {
  if (!Array.isArray(params) || !params.every((p) => p instanceof Tensor)) {
    throw new ValueError(
      `${op}: params must be a list of parameters (model.parameters()), got ${describeValue(params)}.`,
    );
  }
}

export function clipGradNorm(params: readonly Tensor[], maxNorm: number, normType = 2): number {
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0))
    throw new ValueError(`clipGradNorm: maxNorm must be a number >= 0, got ${describeValue(maxNorm)}.`);
  checkParams('clipGradNorm', params);
  if (!(normType > 0))
    throw new ValueError(`clipGradNorm: normType must be > 0 (or Infinity), got ${normType}.`);
  const grads = params.map((p) => p.grad).filter((g): g is Tensor => g !== null && !g.isDisposed);
  if (grads.length === 0) return 0;
  return noGrad(() =>
    tidy(() => {
      let total: number;
      if (normType === Number.POSITIVE_INFINITY) {
        total = Math.max(...grads.map((g) => g.abs().max().item()));
      } else {
        const sum = grads.reduce((acc, g) => acc + g.abs().pow(normType).sum().item(), 0);
        total = sum ** (1 / normType);
      }
      const coef = maxNorm / (total + 1e-6);
      if (coef < 1) for (const g of grads) g.assign(g.mul(coef));
      return total;
    }),
  );
}

export function clipGradValue(params: readonly Tensor[], clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0))
    throw new ValueError(`clipGradValue: clipValue must be a number >= 0, got ${describeValue(clipValue)}.`);
  checkParams('clipGradValue', params);
  noGrad(() =>
    tidy(() => {
      for (const p of params)
        if (p.grad && !p.grad.isDisposed) p.grad.assign(p.grad.clamp(-clipValue, clipValue));
    }),
  );
}
