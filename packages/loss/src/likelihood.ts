/**
 * Negative log-likelihood losses of distributions, as PyTorch's:
 *   poissonNll(input, target):       e^input - target·input (logInput, the default) or
 *                                    input - target·log(input + eps); `full` adds Stirling's term
 *                                    target·log target - target + ½log(2π·target) where target > 1
 *   gaussianNll(input, target, var): ½(log max(var, eps) + (input - target)²/max(var, eps)),
 *                                    `full` adds ½log(2π); the clamp passes var's gradient through
 * Gradients by composition.
 */
import {
  checkOptions,
  checkTensor,
  fmtShape,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
  where,
  withOp,
} from '@nnet/tensor';
import { lossModule } from './loss_module.js';
import { checkReduction, type Reduction, reduce } from './mse.js';

/**
 * Options of poissonNll: logInput (default true), full (Stirling's term), eps (added before
 * the log when logInput is false; default 1e-8), reduction.
 */
export interface PoissonNllOptions {
  /** input is the log of the rate (default true). */
  logInput?: boolean;
  /** Add Stirling's approximation of log(target!). */
  full?: boolean;
  /** Added to input before the log when logInput is false, avoiding log 0 (default 1e-8). */
  eps?: number;
  /** 'mean' (default): the average over elements; 'sum'; 'none': the per-element loss [*]. */
  reduction?: Reduction;
}

/**
 * Poisson negative log-likelihood of a rate (or log-rate) `input` for counts `target`, PyTorch's
 * F.poisson_nll_loss: input and target broadcast to [*]; a scalar, or [*] with 'none'.
 *
 * ```ts
 * const logRate = tensor([0, 0]);
 * const counts = tensor([1, 3]);
 * poissonNll(logRate, counts).item(); // 1 ([N] each)
 * ```
 */
export function poissonNll(input: Tensor, target: Tensor, options: PoissonNllOptions = {}): Tensor {
  checkOptions('poissonNll', options, ['logInput', 'full', 'eps', 'reduction']);
  const reduction = checkReduction('poissonNll', options.reduction ?? 'mean');
  checkTensor('poissonNll', input, 'input');
  checkTensor('poissonNll', target, 'target');
  const eps = options.eps ?? 1e-8;
  // input and target broadcast, as PyTorch's; a clash is reported as poissonNll's.
  return withOp('poissonNll', () =>
    tidy(() => {
      let loss =
        (options.logInput ?? true)
          ? input.exp().sub(target.mul(input))
          : input.sub(target.mul(input.add(eps).log()));
      if (options.full) {
        const stirling = target
          .xlogy(target)
          .sub(target)
          .add(
            target
              .mul(2 * Math.PI)
              .log()
              .mul(0.5),
          );
        loss = loss.add(where(target.gt(1), stirling, 0));
      }
      return reduce(loss, reduction);
    }),
  );
}

/**
 * Options of gaussianNll: full (adds ½log 2π), eps (variance floor, default 1e-6), reduction.
 */
export interface GaussianNllOptions {
  /** Add the constant ½·log 2π to each element's loss (default false). */
  full?: boolean;
  /** Variances below eps are clamped to eps for stability (default 1e-6). */
  eps?: number;
  /** 'mean' (default): the average over elements; 'sum'; 'none': the per-element loss [*]. */
  reduction?: Reduction;
}

/**
 * Gaussian negative log-likelihood of `target` under N(input, var). `var` has input's shape, or it
 * with the last dim 1 or dropped (one variance per row: homoscedastic). Returns a scalar, or [*] with
 * reduction 'none'; ℓ = ½(log var + (input - target)² / var).
 *
 * ```ts
 * gaussianNll(zeros([2, 3]), ones([2, 3]), ones([2, 1])).item(); // 0.5
 * ```
 */
export function gaussianNll(
  input: Tensor,
  target: Tensor,
  variance: Tensor,
  options: GaussianNllOptions = {},
): Tensor {
  checkOptions('gaussianNll', options, ['full', 'eps', 'reduction']);
  const reduction = checkReduction('gaussianNll', options.reduction ?? 'mean');
  checkTensor('gaussianNll', input, 'input');
  checkTensor('gaussianNll', target, 'target');
  checkTensor('gaussianNll', variance, 'var');
  const eps = options.eps ?? 1e-6;
  if (typeof eps !== 'number' || !(eps >= 0))
    throw new ValueError(
      `gaussianNll: eps must be a number >= 0 (the variance's floor), got ${String(eps)}.`,
    );
  let v = variance;
  const same = (a: readonly number[], b: readonly number[]) =>
    a.length === b.length && a.every((d, i) => d === b[i]);
  if (!same(v.shape, input.shape)) {
    if (same([...v.shape, 1], input.shape) || same(v.shape, input.shape.slice(0, -1))) {
      v = variance.unsqueeze(-1);
    } else if (!(same(v.shape.slice(0, -1), input.shape.slice(0, -1)) && v.shape[v.ndim - 1] === 1)) {
      throw new ShapeError(
        `gaussianNll: var ${fmtShape(variance.shape)} must have the input's shape ${fmtShape(input.shape)}, or it with the last dim 1 or dropped.`,
      );
    }
  }
  const out = withOp('gaussianNll', () =>
    tidy(() => {
      // max(var, eps) in value, identity in gradient (PyTorch clamps under no_grad).
      const clamped = v.add(v.clamp(eps).sub(v).detach());
      let loss = clamped.log().add(input.sub(target).square().div(clamped)).mul(0.5);
      if (options.full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
      return reduce(loss, reduction);
    }),
  );
  if (v !== variance) v.dispose();
  return out;
}

/**
 * `new PoissonNLLLoss({ logInput, full }).forward(input, target)`: see poissonNll.
 *
 * `poissonNll(input, target, this.options)`: (log-)rates and counts broadcast to [*] → a scalar, or [*] with 'none'.
 *
 * ```ts
 * const logRate = tensor([0, 0]);
 * const counts = tensor([1, 3]);
 * new PoissonNLLLoss().forward(logRate, counts).item(); // 1 ([N] each → scalar)
 * ```
 */
export class PoissonNLLLoss extends lossModule(poissonNll) {}

/**
 * `new GaussianNLLLoss({ full, eps }).forward(mean, target, variance)`: see gaussianNll.
 *
 * `gaussianNll(input, target, variance, this.options)`: means and targets [*], variance [*] (or with
 * the last dim 1 or dropped) → a scalar, or [*] with 'none'.
 *
 * ```ts
 * const mean = zeros([2, 3]);
 * const y = ones([2, 3]);
 * const variance = ones([2, 1]);
 * new GaussianNLLLoss().forward(mean, y, variance).item(); // 0.5 ([N, D], [N, D], [N, 1] → scalar)
 * ```
 */
export class GaussianNLLLoss extends lossModule(gaussianNll) {}
