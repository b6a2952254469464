/**
 * Mean squared error: ℓᵢ = (inputᵢ - targetᵢ)², reduced by mean (default), sum, or not at all.
 * Shapes: input and target must have the same shape.
 */
import { checkTensor, DTypeError, fmtShape, ShapeError, type Tensor, tidy, ValueError } from '@nnet/tensor';

/**
 * How a loss reduces its elementwise values: 'mean' (default), 'sum', or 'none' (keep [*]).
 */
export type Reduction = 'mean' | 'sum' | 'none';

/**
 * Returns `r` as a Reduction, or throws a ValueError naming `op` and the accepted values.
 *
 *   const reduction = checkReduction('mse', options.reduction ?? 'mean');
 */
export function checkReduction(op: string, r: string): Reduction {
  if (r !== 'mean' && r !== 'sum' && r !== 'none') {
    throw new ValueError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${r}'.`);
  }
  return r;
}

/**
 * Reduces an elementwise loss [*]: mean or sum to a scalar [], or unchanged for 'none'.
 *
 *   return reduce(input.sub(target).square(), 'mean');
 */
export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? loss.sum() : loss.mean();
}

/**
 * Mean squared error, PyTorch's F.mse_loss: ℓᵢ = (inputᵢ - targetᵢ)², input and target of one
 * shape [*]; returns a scalar, or [*] with reduction 'none'.
 *
 * ```ts
 * const model = new Linear(3, 1);
 * const x = randn([4, 3]);
 * const y = randn([4, 1]);
 * const loss = mse(model.forward(x), y); // [N, 1] each → scalar
 * loss.shape; // []
 * ```
 */
export function mse(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  const reduction = checkReduction('mse', options.reduction ?? 'mean');
  checkTensor('mse', input, 'input');
  checkTensor('mse', target, 'target');
  if (input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(
      `mse: input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape; ` +
        'reshape the target (e.g. to one column with .reshape([-1, 1])) or one-hot encode it.',
    );
  }
  if (input.dtype !== 'float32') throw new DTypeError(`mse: input must be float32, got ${input.dtype}.`);
  return tidy(() => {
    const diff = input.sub(target.dtype === 'float32' ? target : target.to('float32'));
    return reduce(diff.mul(diff), reduction);
  });
}

/**
 * `mse` as an object with `forward(input, target)`: input and target [*] → scalar ([*] with 'none').
 *
 * ```ts
 * new MSELoss().forward(ones([4, 1]), zeros([4, 1])).item(); // 1
 * ```
 */
export class MSELoss {
  /** The reduction in use, checked at construction (default 'mean'). */
  readonly reduction: Reduction;
  constructor(options: { reduction?: Reduction } = {}) {
    this.reduction = checkReduction('MSELoss', options.reduction ?? 'mean');
  }
  /**
   * `mse(input, target, { reduction })`: one shape [*] each → a scalar, or [*] with 'none'.
   *
   *   new MSELoss().forward(tensor([1, 2]), tensor([0, 4])) // scalar 2.5
   */
  forward(input: Tensor, target: Tensor): Tensor {
    return mse(input, target, { reduction: this.reduction });
  }
}
