/**
 * Cross-entropy from logits, like PyTorch's `cross_entropy`:
 *   class-index targets:  ℓₙ = -log softmax(xₙ)[yₙ]
 *   probability targets:  ℓₙ = -Σ_c yₙc · log softmax(xₙ)_c
 * computed through logSoftmax, so logits of any magnitude give finite values and gradients.
 *
 * Shapes: logits [N, C] (or [N, C, d₁, ...]); target int32 [N] (or [N, d₁, ...]) with values in
 * [0, C), or float32 probabilities with the logits' shape. 'mean' averages over every ℓ.
 */
import {
  DTypeError,
  fmtShape,
  gather,
  IndexError,
  logSoftmax,
  ShapeError,
  type Tensor,
  tidy,
} from '@nnet/tensor';
import { checkReduction, type Reduction, reduce } from './mse.js';

export function crossEntropy(
  logits: Tensor,
  target: Tensor,
  options: { reduction?: Reduction } = {},
): Tensor {
  const reduction = checkReduction('crossEntropy', options.reduction ?? 'mean');
  logits._check('crossEntropy');
  target._check('crossEntropy');
  if (logits.dtype !== 'float32')
    throw new DTypeError(`crossEntropy: logits must be float32, got ${logits.dtype}.`);
  if (logits.ndim < 2) {
    throw new ShapeError(
      `crossEntropy: logits must be [N, C] (or [N, C, ...]), got ${fmtShape(logits.shape)}; add a batch dim with unsqueeze(0).`,
    );
  }
  const C = logits.shape[1];
  if (target.dtype === 'int32') {
    const want = [logits.shape[0], ...logits.shape.slice(2)];
    if (target.ndim !== want.length || target.shape.some((d, i) => d !== want[i])) {
      throw new ShapeError(
        `crossEntropy: class-index target ${fmtShape(target.shape)} must have shape ${fmtShape(want)} for logits ` +
          `${fmtShape(logits.shape)} (one class index per sample).`,
      );
    }
    const values = target.dataSync();
    for (let i = 0; i < values.length; i++) {
      if (values[i] < 0 || values[i] >= C) {
        throw new IndexError(
          `crossEntropy: target class ${values[i]} is out of range for ${C} classes; classes are 0..${C - 1}.`,
        );
      }
    }
    return tidy(() => {
      const picked = gather(logSoftmax(logits, 1), 1, target.unsqueeze(1));
      return reduce(picked.squeeze(1).neg(), reduction);
    });
  }
  if (target.dtype !== 'float32') {
    throw new DTypeError(
      `crossEntropy: target must be int32 class indices or float32 probabilities, got ${target.dtype}.`,
    );
  }
  if (target.ndim !== logits.ndim || target.shape.some((d, i) => d !== logits.shape[i])) {
    throw new ShapeError(
      `crossEntropy: probability target ${fmtShape(target.shape)} must have the logits' shape ${fmtShape(logits.shape)}.`,
    );
  }
  return tidy(() => reduce(logSoftmax(logits, 1).mul(target).sum(1).neg(), reduction));
}

/** `crossEntropy` as an object with `forward(logits, target)`. */
export class CrossEntropyLoss {
  readonly reduction: Reduction;
  constructor(options: { reduction?: Reduction } = {}) {
    this.reduction = checkReduction('CrossEntropyLoss', options.reduction ?? 'mean');
  }
  forward(logits: Tensor, target: Tensor): Tensor {
    return crossEntropy(logits, target, { reduction: this.reduction });
  }
}
