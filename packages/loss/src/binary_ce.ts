/**
 * Binary cross-entropy, elementwise over input and target of one shape:
 *   BCE (probabilities p):      -w·(t·log p + (1 - t)·log(1 - p)), each log clamped at -100 like PyTorch
 *   BCEWithLogits (logits x):   -w·(pw·t·log σ(x) + (1 - t)·log(1 - σ(x))), computed as
 *                               (1 - t)·x + (1 + (pw - 1)·t)·(log(1 + e^(-|x|)) + max(-x, 0))
 *                               which stays finite for any x (pw = posWeight, per class).
 */
import { fmtShape, ShapeError, type Tensor, tidy } from '@nnet/tensor';
import { checkReduction, type Reduction, reduce } from './mse.js';

interface BCEOptions {
  reduction?: Reduction;
  /** Rescales each element's loss (broadcast against the input). */
  weight?: Tensor;
}

function check(op: string, input: Tensor, target: Tensor): void {
  input._check(op);
  target._check(op);
  if (input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(
      `${op}: input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape.`,
    );
  }
}

export function bce(input: Tensor, target: Tensor, options: BCEOptions = {}): Tensor {
  const reduction = checkReduction('bce', options.reduction ?? 'mean');
  check('bce', input, target);
  return tidy(() => {
    const logP = input.log().clamp(-100);
    const log1mP = input.neg().add(1).log().clamp(-100);
    let loss = target.mul(logP).add(target.neg().add(1).mul(log1mP)).neg();
    if (options.weight) loss = loss.mul(options.weight);
    return reduce(loss, reduction);
  });
}

export function bceWithLogits(
  input: Tensor,
  target: Tensor,
  options: BCEOptions & { posWeight?: Tensor } = {},
): Tensor {
  const reduction = checkReduction('bceWithLogits', options.reduction ?? 'mean');
  check('bceWithLogits', input, target);
  return tidy(() => {
    // log(1 + e^(-|x|)) + max(-x, 0) = -log σ(x), without overflow.
    const negLogSigmoid = input.abs().neg().exp().log1p().add(input.neg().relu());
    const scale = options.posWeight ? options.posWeight.sub(1).mul(target).add(1) : null;
    let loss = target
      .neg()
      .add(1)
      .mul(input)
      .add(scale ? scale.mul(negLogSigmoid) : negLogSigmoid);
    if (options.weight) loss = loss.mul(options.weight);
    return reduce(loss, reduction);
  });
}

export class BCELoss {
  constructor(readonly options: BCEOptions = {}) {}
  forward(input: Tensor, target: Tensor): Tensor {
    return bce(input, target, this.options);
  }
}

export class BCEWithLogitsLoss {
  constructor(readonly options: BCEOptions & { posWeight?: Tensor } = {}) {}
  forward(input: Tensor, target: Tensor): Tensor {
    return bceWithLogits(input, target, this.options);
  }
}
