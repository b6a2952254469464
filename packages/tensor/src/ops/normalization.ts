/**
 * Functional normalisation: `layerNorm`, `batchNorm`, `groupNorm`, `instanceNorm`, `rmsNorm`,
 * composed from reductions and elementwise ops (gradients by composition). The layers of
 * `@nnet/layers` hold the parameters and running statistics; these are the computations.
 */
import { noGrad } from '../autograd.js';
import { checkOptions, DTypeError, ShapeError, ValueError, withOp } from '../errors.js';
import { tidy } from '../scope.js';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from './binary.js';
import { checkNumber, checkTensor } from './kernel.js';
import { mean } from './reduce.js';
import { rsqrt } from './unary.js';
import { reshape } from './views.js';

function requireFloat(op: string, x: Tensor): void {
  checkTensor(op, x);
  if (x.dtype !== 'float32') throw new DTypeError(`${op}: expects float32 input, got ${x.dtype}.`);
}

function checkParam(op: string, name: string, t: Tensor | null | undefined, shape: readonly number[]): void {
  if (!t) return;
  checkTensor(op, t, 't');
  if (t.ndim !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
    throw new ShapeError(`${op}: ${name} must have shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}.`);
  }
}

/** (x - mean)/√(var + eps) over `dims` (biased variance), unrecorded pieces freed. */
function standardize(x: Tensor, dims: number[], eps: number): Tensor {
  const m = mean(x, dims, true);
  const centered = sub(x, m);
  const v = mean(mul(centered, centered), dims, true);
  return mul(centered, rsqrt(add(v, eps)));
}

/** Options of `layerNorm`. */
export interface LayerNormOptions {
  /** Elementwise scale of shape `normalizedShape` (default none: 1). */
  weight?: Tensor | null;
  /** Elementwise shift of shape `normalizedShape` (default none: 0). */
  bias?: Tensor | null;
  /** Added to the variance before the square root; default 1e-5. */
  eps?: number;
}

/**
 * Layer normalisation over the last dims given by `normalizedShape`:
 * (x - μ)/√(σ² + eps)·weight + bias, σ² biased.
 *
 * ```ts
 * const x = randn([2, 5, 8]);
 * const [weight, bias] = [ones([8]), zeros([8])];
 * layerNorm(x, [x.shape[x.ndim - 1]], { weight, bias })
 * ```
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  options: LayerNormOptions = {},
): Tensor {
  return withOp('layerNorm', () => {
    requireFloat('layerNorm', x);
    checkOptions('layerNorm', options, ['weight', 'bias', 'eps']);
    const k = normalizedShape.length;
    if (k === 0 || x.ndim < k || x.shape.slice(x.ndim - k).some((d, i) => d !== normalizedShape[i])) {
      throw new ShapeError(
        `layerNorm: the input's last dims must equal normalizedShape ${fmtShape(normalizedShape)}, got input ${fmtShape(x.shape)}; pass normalizedShape = the input's trailing dims (e.g. [${x.shape[x.ndim - 1] ?? 1}]).`,
      );
    }
    checkParam('layerNorm', 'weight', options.weight, normalizedShape);
    checkParam('layerNorm', 'bias', options.bias, normalizedShape);
    const eps = options.eps === undefined ? 1e-5 : checkNumber('layerNorm', 'eps', options.eps);
    return tidy(() => {
      let y = standardize(
        x,
        Array.from({ length: k }, (_, i) => x.ndim - k + i),
        eps,
      );
      if (options.weight) y = mul(y, options.weight);
      if (options.bias) y = add(y, options.bias);
      return y;
    });
  });
}

/** Options of `rmsNorm`. */
export interface RMSNormOptions {
  /** Elementwise scale of shape `normalizedShape` (default none: 1). */
  weight?: Tensor | null;
  /** Added to the mean square; default 1.1920929e-7 (float32's machine epsilon, as PyTorch). */
  eps?: number;
}

/**
 * RMS normalisation over the last dims: x/√(mean(x²) + eps)·weight (no centring, no bias).
 *
 * Shapes: x [..., *normalizedShape], weight normalizedShape → x's shape.
 *
 * ```ts
 * const x = randn([2, 8]);
 * const weight = ones([8]);
 * rmsNorm(tensor([[1, 1], [3, 3]]), [2])   // [2, 2] → [[1, 1], [1, 1]]
 * rmsNorm(x, [x.shape[x.ndim - 1]], { weight })
 * ```
 */
export function rmsNorm(x: Tensor, normalizedShape: readonly number[], options: RMSNormOptions = {}): Tensor {
  return withOp('rmsNorm', () => {
    requireFloat('rmsNorm', x);
    checkOptions('rmsNorm', options, ['weight', 'eps']);
    const k = normalizedShape.length;
    if (k === 0 || x.ndim < k || x.shape.slice(x.ndim - k).some((d, i) => d !== normalizedShape[i])) {
      throw new ShapeError(
        `rmsNorm: the input's last dims must equal normalizedShape ${fmtShape(normalizedShape)}, got input ${fmtShape(x.shape)}; pass normalizedShape = the input's trailing dims (e.g. [${x.shape[x.ndim - 1] ?? 1}]).`,
      );
    }
    checkParam('rmsNorm', 'weight', options.weight, normalizedShape);
    const eps =
      options.eps === undefined ? 1.1920928955078125e-7 : checkNumber('rmsNorm', 'eps', options.eps);
    return tidy(() => {
      const dims = Array.from({ length: k }, (_, i) => x.ndim - k + i);
      const y = mul(x, rsqrt(add(mean(mul(x, x), dims, true), eps)));
      return options.weight ? mul(y, options.weight) : y;
    });
  });
}

/** Options of `batchNorm`. */
export interface BatchNormFnOptions {
  /** Running mean [C]: used when not training, updated in place when training (required unless training). */
  runningMean?: Tensor | null;
  /** Running (unbiased) variance [C]: used when not training, updated in place when training. */
  runningVar?: Tensor | null;
  /** Per-channel scale [C] (default none: 1). */
  weight?: Tensor | null;
  /** Per-channel shift [C] (default none: 0). */
  bias?: Tensor | null;
  /** Batch statistics (and running-stat updates) when true; the running statistics when false. */
  training?: boolean;
  /** Running-stat update weight: running = (1 − momentum)·running + momentum·batch; default 0.1. */
  momentum?: number;
  /** Added to the variance before the square root; default 1e-5. */
  eps?: number;
}

/** [1, C, 1, ...] for broadcasting a per-channel vector against x. */
function channelView(x: Tensor): number[] {
  return [1, x.shape[1], ...new Array<number>(x.ndim - 2).fill(1)];
}

/**
 * Batch normalisation of x [N, C, ...] per channel (dim 1). In training the batch statistics are
 * used (variance biased) and, when given, `runningMean`/`runningVar` are updated in place by
 * `momentum` (the running variance unbiased); otherwise the running statistics are used.
 * Throws ValueError when not training and a running statistic is missing.
 *
 * Shapes: x [N, C, ...], runningMean/runningVar/weight/bias [C] → x's shape.
 *
 * ```ts
 * const x = randn([4, 2, 5]); // [N, C, L]
 * const [runningMean, runningVar, weight, bias] = [zeros([2]), ones([2]), ones([2]), zeros([2])];
 * batchNorm(tensor([[[1], [2]], [[3], [6]]]), { training: true })
 *   // [2, 2, 1] → [[[-1], [-1]], [[1], [1]]] (≈, eps 1e-5)
 * batchNorm(x, { runningMean, runningVar, weight, bias })   // eval: the running statistics
 * ```
 */
export function batchNorm(x: Tensor, options: BatchNormFnOptions = {}): Tensor {
  requireFloat('batchNorm', x);
  checkOptions('batchNorm', options, [
    'runningMean',
    'runningVar',
    'weight',
    'bias',
    'training',
    'momentum',
    'eps',
  ]);
  if (x.ndim < 2) throw new ShapeError(`batchNorm: input must be [N, C, ...], got ${fmtShape(x.shape)}.`);
  const C = x.shape[1];
  for (const name of ['runningMean', 'runningVar', 'weight', 'bias'] as const) {
    checkParam('batchNorm', name, options[name], [C]);
  }
  const training = options.training ?? false;
  const { runningMean, runningVar } = options;
  if (!training && (!runningMean || !runningVar)) {
    throw new ValueError('batchNorm: without training: true, runningMean and runningVar are required.');
  }
  const eps = options.eps ?? 1e-5;
  const momentum = options.momentum ?? 0.1;
  const view = channelView(x);
  const dims = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
  return tidy(() => {
    let y: Tensor;
    if (training) {
      const n = x.size / Math.max(C, 1);
      if (n <= 1) {
        throw new ValueError(
          `batchNorm: training needs more than 1 value per channel, got input ${fmtShape(x.shape)}.`,
        );
      }
      const m = mean(x, dims, true);
      const centered = sub(x, m);
      const v = mean(mul(centered, centered), dims, true);
      y = mul(centered, rsqrt(add(v, eps)));
      if (runningMean && runningVar) {
        noGrad(() => {
          runningMean.assign(add(mul(runningMean, 1 - momentum), mul(reshape(m, [C]), momentum)));
          runningVar.assign(
            add(mul(runningVar, 1 - momentum), mul(reshape(v, [C]), (momentum * n) / (n - 1))),
          );
        });
      }
    } else {
      y = div(sub(x, reshape(runningMean!, view)), add(reshape(runningVar!, view), eps).sqrt());
    }
    if (options.weight) y = mul(y, reshape(options.weight, view));
    if (options.bias) y = add(y, reshape(options.bias, view));
    return y;
  });
}

/** Options of `groupNorm`. */
export interface GroupNormOptions {
  /** Per-channel scale [C] (default none: 1). */
  weight?: Tensor | null;
  /** Per-channel shift [C] (default none: 0). */
  bias?: Tensor | null;
  /** Added to each group's variance before the square root; default 1e-5. */
  eps?: number;
}

/**
 * Group normalisation of x [N, C, ...]: channels split into `numGroups` groups, each group of
 * each sample standardised (variance biased), then the per-channel weight and bias.
 * Throws ValueError unless `numGroups` divides C.
 *
 * Shapes: x [N, C, ...], weight/bias [C] → x's shape.
 *
 * ```ts
 * groupNorm(tensor([[1, 3, 5, 7]]), 2)   // [1, 4] → [[-1, 1, -1, 1]] (≈, eps 1e-5)
 * ```
 */
export function groupNorm(x: Tensor, numGroups: number, options: GroupNormOptions = {}): Tensor {
  requireFloat('groupNorm', x);
  checkOptions('groupNorm', options, ['weight', 'bias', 'eps']);
  if (x.ndim < 2) throw new ShapeError(`groupNorm: input must be [N, C, ...], got ${fmtShape(x.shape)}.`);
  const [N, C] = x.shape;
  if (!Number.isInteger(numGroups) || numGroups <= 0 || C % numGroups !== 0) {
    throw new ValueError(
      `groupNorm: numGroups must be a positive divisor of the ${C} channels, got ${numGroups}.`,
    );
  }
  checkParam('groupNorm', 'weight', options.weight, [C]);
  checkParam('groupNorm', 'bias', options.bias, [C]);
  const eps = options.eps ?? 1e-5;
  return tidy(() => {
    const grouped = reshape(x, [N, numGroups, -1]);
    let y = reshape(standardize(grouped, [2], eps), x.shape);
    const view = channelView(x);
    if (options.weight) y = mul(y, reshape(options.weight, view));
    if (options.bias) y = add(y, reshape(options.bias, view));
    return y;
  });
}

/** Options of `instanceNorm`. */
export interface InstanceNormOptions extends BatchNormFnOptions {
  /** Use each instance's own statistics (default true); false uses the running ones. */
  useInputStats?: boolean;
}

/**
 * Instance normalisation of x [N, C, ...]: each channel of each sample standardised over its
 * spatial dims. With running statistics and `useInputStats`, they are updated from the
 * per-instance statistics averaged over the batch (PyTorch's rule).
 *
 * Shapes: x [N, C, ...spatial] (at least 3 dims), runningMean/runningVar/weight/bias [C] → x's shape.
 *
 * ```ts
 * instanceNorm(tensor([[[1, 3], [2, 6]]]))   // [1, 2, 2] → [[[-1, 1], [-1, 1]]] (≈, eps 1e-5)
 * ```
 */
export function instanceNorm(x: Tensor, options: InstanceNormOptions = {}): Tensor {
  requireFloat('instanceNorm', x);
  checkOptions('instanceNorm', options, [
    'runningMean',
    'runningVar',
    'weight',
    'bias',
    'useInputStats',
    'training',
    'momentum',
    'eps',
  ]);
  if (x.ndim < 3)
    throw new ShapeError(`instanceNorm: input must be [N, C, ...spatial], got ${fmtShape(x.shape)}.`);
  const [N, C] = x.shape;
  for (const name of ['runningMean', 'runningVar', 'weight', 'bias'] as const) {
    checkParam('instanceNorm', name, options[name], [C]);
  }
  const useInput = options.useInputStats ?? true;
  // Folding the batch into the channels turns instance norm into batch norm of [1, N·C, ...].
  return tidy(() => {
    const folded = reshape(x, [1, N * C, ...x.shape.slice(2)]);
    const rm = options.runningMean;
    const rv = options.runningVar;
    const repeatC = (t: Tensor | null | undefined) =>
      t ? reshape(t.unsqueeze(0).expand([N, C]).contiguous(), [N * C]) : null;
    const frm = repeatC(rm);
    const frv = repeatC(rv);
    const y = batchNorm(folded, {
      runningMean: frm,
      runningVar: frv,
      training: useInput,
      momentum: options.momentum,
      eps: options.eps,
    });
    if (useInput && rm && rv && frm && frv) {
      noGrad(() => {
        rm.assign(mean(reshape(frm, [N, C]), 0));
        rv.assign(mean(reshape(frv, [N, C]), 0));
      });
    }
    let out = reshape(y, x.shape);
    const view = channelView(x);
    if (options.weight) out = mul(out, reshape(options.weight, view));
    if (options.bias) out = add(out, reshape(options.bias, view));
    return out;
  });
}
