/**
 * Binary cross-entropy, elementwise over input and target of one shape:
 *   BCE (probabilities p):      -w·(t·log p + (1 - t)·log(1 - p)), each log clamped at -100 like PyTorch
 *   BCEWithLogits (logits x):   -w·(pw·t·log σ(x) + (1 - t)·log(1 - σ(x))), computed as
 *                               (1 - t)·x + (1 + (pw - 1)·t)·(log(1 + e^(-|x|)) + max(-x, 0))
 *                               which stays finite for any x (pw = posWeight, per class).
 */
import {
  checkTensor,
  customGrad,
  fmtShape,
  getBackend,
  getDebug,
  noGrad,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
} from '@nnet/tensor';
import { lossModule } from './loss_module.js';
import { checkReduction, type Reduction, reduce } from './mse.js';

/** Options of bce and bceWithLogits: reduction and an element weight. */
export interface BCEOptions {
  /** 'mean' (default): the average over elements; 'sum'; 'none': the per-element loss [*]. */
  reduction?: Reduction;
  /** Rescales each element's loss (broadcast against the input). */
  weight?: Tensor;
}

function check(op: string, input: Tensor, target: Tensor): void {
  checkTensor(op, input, 'input');
  checkTensor(op, target, 'target');
  if (input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(
      `${op}: input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape.`,
    );
  }
}

/**
 * Throws a ValueError when a probability is outside [0, 1] or NaN, as PyTorch does. The check
 * reads one number back (a synchronous read per loss call), so it runs only on backends that read
 * synchronously (cpu, wasm) and only while `getDebug().checkValues` is on (the default; a hot loop
 * switches it off with `setDebug({ checkValues: false })`). Skipped, nothing is read and such an
 * element's loss is NaN (the log of a negative number), never a finite value.
 */
function checkProbabilities(op: string, p: Tensor): void {
  if (!getDebug().checkValues || typeof getBackend().readSync !== 'function' || p.size === 0) return;
  const bad = noGrad(() => tidy(() => p.lt(0).logicalOr(p.gt(1)).logicalOr(p.isnan()).sum().item()));
  if (bad > 0) {
    throw new ValueError(
      `${op}: all elements of input should be between 0 and 1 (probabilities), but ${bad} are not. ` +
        'Apply sigmoid first, or use bceWithLogits on the raw scores (it is also more stable).',
    );
  }
}

/**
 * ℓ = -(t·max(log p, -100) + (1 - t)·max(log(1 - p), -100)), elementwise, with PyTorch's gradients
 *   ∂ℓ/∂p = (p - t) / max(p(1 - p), 1e-12)       (finite at p = 0 and p = 1)
 *   ∂ℓ/∂t = max(log(1 - p), -100) - max(log p, -100)
 */
const bceElementwise = customGrad(
  (p: Tensor, t: Tensor) => {
    const logP = p.log().clamp(-100);
    const log1mP = p.neg().add(1).log().clamp(-100);
    return { value: t.mul(logP).add(t.neg().add(1).mul(log1mP)).neg(), save: [p, t] };
  },
  (g, [p, t]) => [
    g.mul(p.sub(t)).div(p.mul(p.neg().add(1)).clamp(1e-12)),
    g.mul(p.neg().add(1).log().clamp(-100).sub(p.log().clamp(-100))),
  ],
  'bce',
);

/**
 * Binary cross-entropy between probabilities and targets of one shape, PyTorch's
 * `binary_cross_entropy`: ℓ = -w·(t·log p + (1 - t)·log(1 - p)), each log clamped at -100.
 * input p [*] in [0, 1], target t [*] (same shape), weight broadcast against them; returns a
 * scalar (reduction 'mean' or 'sum') or [*] ('none'). The gradient is finite at p = 0 and 1.
 *
 * Probabilities outside [0, 1] (or NaN) throw a ValueError, as in PyTorch, on backends that read
 * synchronously (cpu, wasm); the check reads one number per call and `setDebug({ checkValues:
 * false })` switches it off. Where it is skipped (off, or a GPU backend) such an element's loss is NaN.
 * For raw scores use `bceWithLogits`, which is also more stable.
 *
 * ```ts
 * const model = new Linear(3, 1);
 * const x = randn([4, 3]);
 * const y = tensor([[0], [1], [1], [0]]);
 * const loss = bce(model.forward(x).sigmoid(), y); // x [N, F], y [N, 1] of 0/1
 * loss.shape; // []
 * ```
 */
export function bce(input: Tensor, target: Tensor, options: BCEOptions = {}): Tensor {
  const reduction = checkReduction('bce', options.reduction ?? 'mean');
  check('bce', input, target);
  if (options.weight !== undefined) checkTensor('bce', options.weight, 'weight');
  checkProbabilities('bce', input);
  return tidy(() => {
    let loss = bceElementwise(input, target);
    if (options.weight) loss = loss.mul(options.weight);
    return reduce(loss, reduction);
  });
}

/**
 * Binary cross-entropy on logits, PyTorch's `binary_cross_entropy_with_logits`:
 * ℓ = -w·(pw·t·log σ(x) + (1 - t)·log(1 - σ(x))), computed without overflow for any x.
 * input x [*] (raw scores), target t [*] (same shape), weight broadcast against them, posWeight
 * [C] per class (the last dim); returns a scalar ('mean', 'sum') or [*] ('none').
 *
 * ```ts
 * const logits = tensor([[0], [0]]);
 * const y = tensor([[1], [0]]);
 * bceWithLogits(logits, y, { posWeight: tensor([3]) }).item(); // 1.3862944 (2 ln 2) (logits, y [N, 1])
 * ```
 */
export function bceWithLogits(
  input: Tensor,
  target: Tensor,
  options: BCEOptions & {
    /** Weight [C] of the positive term per class (the last dim), e.g. negatives/positives. */
    posWeight?: Tensor;
  } = {},
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

/**
 * `bce` as a module with fixed options.
 *
 * ```ts
 * const probs = tensor([0.9, 0.2]);
 * const targets = tensor([1, 0]);
 * const lossFn = new BCELoss({ reduction: 'sum' });
 * lossFn.forward(probs, targets).item(); // 0.3285041 ([N] each → scalar)
 * ```
 *
 * `bce(input, target, this.options)`: probabilities [*] in [0, 1] and targets [*] → a scalar, or [*] with 'none'.
 *
 * ```ts
 * const lossFn = new BCELoss();
 * lossFn.forward(tensor([0.9, 0.2]), tensor([1, 0])).item(); // 0.164252
 * ```
 */
export class BCELoss extends lossModule(bce) {}

/**
 * `bceWithLogits` as a module with fixed options.
 *
 * ```ts
 * const logits = tensor([[0], [2]]);
 * const targets = tensor([[1], [1]]);
 * const lossFn = new BCEWithLogitsLoss({ posWeight: tensor([2]) });
 * lossFn.forward(logits, targets).item(); // 0.8200752 ([N, 1] each → scalar)
 * ```
 *
 * `bceWithLogits(input, target, this.options)`: raw scores [*] and 0/1 targets [*] → a scalar, or [*] with 'none'.
 *
 * ```ts
 * const lossFn = new BCEWithLogitsLoss();
 * lossFn.forward(randn([4, 1]), tensor([[1], [0], [0], [1]])).shape; // [] ([N, 1] each → scalar)
 * ```
 */
export class BCEWithLogitsLoss extends lossModule(bceWithLogits) {}
