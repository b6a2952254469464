/**
 * Regression losses on d = input - target (same shapes):
 *   L1:        |d|
 *   SmoothL1:  ½d²/β where |d| < β, else |d| - ½β          (β = 1 by default)
 *   Huber:     ½d² where |d| ≤ δ, else δ(|d| - ½δ)          (δ = 1 by default)
 */
import { checkTensor, fmtShape, ShapeError, type Tensor, tidy, ValueError, where } from '@nnet/tensor';
import { lossModule } from './loss_module.js';
import { checkReduction, type Reduction, reduce } from './mse.js';

function difference(op: string, input: Tensor, target: Tensor): Tensor {
  checkTensor(op, input, 'input');
  checkTensor(op, target, 'target');
  if (input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(
      `${op}: input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape.`,
    );
  }
  return input.sub(target);
}

/**
 * Mean absolute error, PyTorch's F.l1_loss: ℓᵢ = |inputᵢ - targetᵢ|, one shape [*]; a scalar,
 * or [*] with reduction 'none'.
 *
 * ```ts
 * const pred = tensor([1, 2]);
 * const y = tensor([0, 4]);
 * l1(pred, y).item(); // 1.5
 * ```
 */
export function l1(
  input: Tensor,
  target: Tensor,
  options: {
    /** 'mean' (default): the average over elements; 'sum'; 'none': the per-element loss [*]. */
    reduction?: Reduction;
  } = {},
): Tensor {
  const reduction = checkReduction('l1', options.reduction ?? 'mean');
  return tidy(() => reduce(difference('l1', input, target).abs(), reduction));
}

/**
 * Smooth L1, PyTorch's F.smooth_l1_loss: 0.5·d²/β where |d| < β, else |d| - 0.5·β (d = input -
 * target, β default 1; β = 0 is L1); one shape [*]; a scalar, or [*] with 'none'.
 *
 * ```ts
 * const boxes = tensor([[0, 0, 1, 1]]);
 * const targets = tensor([[0, 0.2, 1, 2]]);
 * smoothL1(boxes, targets, { beta: 0.5 }).item(); // 0.1975
 * ```
 */
export function smoothL1(
  input: Tensor,
  target: Tensor,
  options: {
    /** 'mean' (default): the average over elements; 'sum'; 'none': the per-element loss [*]. */
    reduction?: Reduction;
    /** Threshold β between the quadratic and linear parts, >= 0 (default 1; 0 is L1). */
    beta?: number;
  } = {},
): Tensor {
  const reduction = checkReduction('smoothL1', options.reduction ?? 'mean');
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new ValueError(`smoothL1: beta must be >= 0, got ${beta}.`);
  return tidy(() => {
    const d = difference('smoothL1', input, target);
    const a = d.abs();
    if (beta === 0) return reduce(a, reduction);
    return reduce(where(a.lt(beta), d.square().mul(0.5 / beta), a.sub(0.5 * beta)), reduction);
  });
}

/**
 * Huber loss, PyTorch's F.huber_loss: 0.5·d² where |d| <= δ, else δ·(|d| - 0.5·δ) (δ default 1);
 * one shape [*]; a scalar, or [*] with 'none'.
 *
 * ```ts
 * const pred = tensor([0, 0]);
 * const y = tensor([1, 5]);
 * huber(pred, y, { delta: 2 }).item(); // 4.25
 * ```
 */
export function huber(
  input: Tensor,
  target: Tensor,
  options: {
    /** 'mean' (default): the average over elements; 'sum'; 'none': the per-element loss [*]. */
    reduction?: Reduction;
    /** Threshold δ between the quadratic and linear parts, > 0 (default 1). */
    delta?: number;
  } = {},
): Tensor {
  const reduction = checkReduction('huber', options.reduction ?? 'mean');
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new ValueError(`huber: delta must be > 0, got ${delta}.`);
  return tidy(() => {
    const d = difference('huber', input, target);
    const a = d.abs();
    return reduce(where(a.le(delta), d.square().mul(0.5), a.sub(0.5 * delta).mul(delta)), reduction);
  });
}

/**
 * `l1` as an object with `forward(input, target)`.
 *
 * ```ts
 * const pred = randn([8, 3]);
 * const y = randn([8, 3]);
 * new L1Loss().forward(pred, y).shape; // [] ([*] each → scalar)
 * ```
 *
 * `l1(input, target, this.options)`: one shape [*] each → a scalar, or [*] with 'none'.
 *
 * ```ts
 * new L1Loss().forward(tensor([1, 2]), tensor([0, 4])) // scalar 1.5
 * ```
 */
export class L1Loss extends lossModule(l1) {}

/**
 * `smoothL1` as an object with `forward(input, target)`.
 *
 * ```ts
 * const pred = tensor([0, 0.2, 3]);
 * const y = tensor([0, 0, 0]);
 * new SmoothL1Loss({ beta: 0.5 }).forward(pred, y).item(); // 0.93
 * ```
 *
 * `smoothL1(input, target, this.options)`: one shape [*] each → a scalar, or [*] with 'none'.
 *
 * ```ts
 * const boxes = randn([5, 4]);
 * const targets = randn([5, 4]);
 * new SmoothL1Loss({ beta: 0.5 }).forward(boxes, targets).shape; // [] ([N, 4] each → scalar)
 * ```
 */
export class SmoothL1Loss extends lossModule(smoothL1) {}

/**
 * `huber` as an object with `forward(input, target)`.
 *
 * ```ts
 * const pred = tensor([0, 0]);
 * const y = tensor([1, 5]);
 * new HuberLoss({ delta: 2 }).forward(pred, y).item(); // 4.25
 * ```
 *
 * `huber(input, target, this.options)`: one shape [*] each → a scalar, or [*] with 'none'.
 *
 * ```ts
 * const pred = randn([6]);
 * const y = randn([6]);
 * new HuberLoss({ delta: 2 }).forward(pred, y).shape; // [] ([N] each → scalar)
 * ```
 */
export class HuberLoss extends lossModule(huber) {}
