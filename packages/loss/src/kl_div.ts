/**
 * Kullback–Leibler divergence with PyTorch's argument order: `input` holds log-probabilities,
 * `target` probabilities (or log-probabilities with `logTarget`):
 *   ℓ = t·(log t - input), taken as 0 where t = 0.
 * reduction 'batchmean' divides the sum by the batch size (the mathematically correct KL).
 */
import { checkTensor, fmtShape, ShapeError, type Tensor, tidy, ValueError, where } from '@nnet/tensor';
import { lossModule } from './loss_module.js';
import { reduce } from './mse.js';

/**
 * klDiv's reductions: PyTorch's 'mean' (over elements), 'sum', 'none', and 'batchmean' (the sum
 * divided by the batch size, the true KL divergence per sample).
 */
export type KLReduction = 'mean' | 'sum' | 'none' | 'batchmean';

/**
 * Kullback–Leibler divergence, PyTorch's F.kl_div: input log-probabilities [*], target
 * probabilities [*] (log-probabilities with `logTarget`) of the same shape; ℓ = t·(log t - input).
 * Returns a scalar, or [*] with reduction 'none'.
 *
 * ```ts
 * const student = randn([4, 10]);
 * const teacher = randn([4, 10]);
 * const loss = klDiv(student.logSoftmax(1), teacher.softmax(1), { reduction: 'batchmean' });
 * loss.shape; // []
 * ```
 */
export function klDiv(
  input: Tensor,
  target: Tensor,
  options: {
    /** 'mean' (default, over elements), 'sum', 'none' ([*]) or 'batchmean' (the sum / batch size: the true KL). */
    reduction?: KLReduction;
    /** The target holds log-probabilities instead of probabilities (default false). */
    logTarget?: boolean;
  } = {},
): Tensor {
  const reduction = options.reduction ?? 'mean';
  if (!['mean', 'sum', 'none', 'batchmean'].includes(reduction)) {
    throw new ValueError(
      `klDiv: reduction must be 'mean', 'sum', 'none' or 'batchmean', got '${reduction}'.`,
    );
  }
  checkTensor('klDiv', input, 'input');
  checkTensor('klDiv', target, 'target');
  if (input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(
      `klDiv: input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape.`,
    );
  }
  return tidy(() => {
    const loss = options.logTarget
      ? target.exp().mul(target.sub(input))
      : where(target.gt(0), target.mul(target.log().sub(input)), 0);
    if (reduction === 'batchmean') return loss.sum().div(input.ndim > 0 ? input.shape[0] : 1);
    return reduce(loss, reduction);
  });
}

/**
 * `klDiv` as an object with `forward(input, target)`.
 *
 * ```ts
 * const logP = tensor([[0.25, 0.75]]).log();
 * const q = tensor([[0.25, 0.75]]);
 * new KLDivLoss({ reduction: 'batchmean' }).forward(logP, q).item(); // 0 (the same distribution) ([N, C] each)
 * ```
 *
 * `klDiv(input, target, this.options)`: log-probabilities and (log-)probabilities of one shape [*] → a scalar, or [*] with 'none'.
 *
 * ```ts
 * const lossFn = new KLDivLoss({ reduction: 'batchmean' });
 * const [student, teacher] = [randn([4, 10]), randn([4, 10])];
 * lossFn.forward(student.logSoftmax(1), teacher.softmax(1)).shape; // [] ([N, C] each → scalar)
 * ```
 */
export class KLDivLoss extends lossModule(klDiv) {}
