/**
 * Gradient clipping, in place on each parameter's `.grad` (like torch.nn.utils):
 *   clipGradNorm: if the total norm ‖g‖ₚ over all gradients exceeds maxNorm, scale every
 *                 gradient by maxNorm / (‖g‖ₚ + 1e-6); returns the total norm before clipping.
 *   clipGradValue: clamp every gradient element into [-clipValue, clipValue].
 * Both stay on the device: nothing is read back, so a training step never waits for a read.
 */
import { describeValue, noGrad, Tensor, tensor, tidy, ValueError } from '@nnet/tensor';

/** Throws a ValueError unless `params` is a list of tensors (model.parameters()). */
function checkParams(op: string, params: unknown): void {
  if (!Array.isArray(params) || !params.every((p) => p instanceof Tensor)) {
    throw new ValueError(
      `${op}: params must be a list of parameters (model.parameters()), got ${describeValue(params)}.`,
    );
  }
}

/**
 * Scales the gradients of `params` so their total p-norm is at most `maxNorm` and returns that
 * norm before clipping as a 0-d float32 tensor (PyTorch's `clip_grad_norm_` returns a tensor too):
 * the scale min(1, maxNorm / (‖g‖ₚ + 1e-6)) is computed on the device, so nothing is read back.
 * Read the norm with `await norm.data()` when you want to log it; dispose it (or run the step in
 * `tidy`) when you do not.
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const loss = model.forward(randn([8, 4])).pow(2).mean();
 * const optimizer = new SGD(model.parameters(), { lr: 0.1 });
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0); // Tensor [], the norm before clipping
 * optimizer.step();
 * norm.shape; // []
 * ```
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number, normType = 2): Tensor {
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0))
    throw new ValueError(`clipGradNorm: maxNorm must be a number >= 0, got ${describeValue(maxNorm)}.`);
  checkParams('clipGradNorm', params);
  if (!(normType > 0))
    throw new ValueError(`clipGradNorm: normType must be > 0 (or Infinity), got ${normType}.`);
  const grads = params.map((p) => p.grad).filter((g): g is Tensor => g !== null && !g.isDisposed);
  if (grads.length === 0) return tensor(0);
  return noGrad(() =>
    tidy(() => {
      let total: Tensor;
      if (normType === Number.POSITIVE_INFINITY) {
        total = grads.map((g) => g.abs().max()).reduce((a, b) => a.maximum(b));
      } else {
        total = grads
          .map((g) => g.abs().pow(normType).sum())
          .reduce((a, b) => a.add(b))
          .pow(1 / normType);
      }
      // coef = min(1, maxNorm / (total + 1e-6)): multiplying by 1 leaves a gradient unchanged.
      const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1);
      for (const g of grads) g.assign(g.mul(coef));
      return total;
    }),
  );
}

/**
 * Clamps every gradient element into [-clipValue, clipValue] in place (torch.nn.utils.
 * clip_grad_value_); parameters without a gradient are skipped. params: tensors of any shape.
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const loss = model.forward(randn([8, 4])).pow(2).mean();
 * const opt = new SGD(model.parameters(), { lr: 0.1 });
 * loss.backward();
 * clipGradValue(model.parameters(), 1.0);
 * opt.step();
 * ```
 */
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
