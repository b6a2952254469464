/**
 * Cross-entropy from logits and negative log-likelihood from log-probabilities, like PyTorch's
 * `cross_entropy` and `nll_loss`:
 *   class-index targets:  ℓₙ = -w[yₙ]·logpₙ[yₙ]   (0 where yₙ = ignoreIndex)
 *   probability targets:  ℓₙ = -Σ_c w_c·t_nc·logp_nc
 *   label smoothing ε:    ℓₙ = (1 - ε)·ℓₙ + (ε/C)·(-Σ_c w_c·logp_nc)
 *   'mean' divides by Σₙ w[yₙ] over non-ignored samples (index targets) or by N (probabilities).
 * logp = logSoftmax(logits), so logits of any magnitude give finite values and gradients.
 *
 * Shapes: logits [N, C] (or [N, C, d₁, ...]); target int32 [N] (or [N, d₁, ...]) in [0, C), or
 * float32 probabilities with the logits' shape; weight [C].
 *
 * Nothing here reads tensor values back to the host, so a loss never waits for the device: a class
 * index outside [0, C) is reported by `gather` (an IndexError on backends that read synchronously).
 */
import {
  checkTensor,
  DTypeError,
  fmtShape,
  gather,
  IndexError,
  logSoftmax,
  ShapeError,
  softmaxCrossEntropy,
  type Tensor,
  tidy,
  ValueError,
  where,
  withOp,
} from '@nnet/tensor';
import { lossModule } from './loss_module.js';
import { checkReduction, type Reduction } from './mse.js';

/**
 * Options of nll: reduction ('mean' weighted by the targets' class weights, 'sum', 'none'),
 * weight [C] per class, ignoreIndex (targets equal to it contribute nothing; default -100).
 */
export interface NLLOptions {
  /** 'mean' (default): weighted by the targets' class weights; 'sum'; 'none': the loss per sample [N, ...]. */
  reduction?: Reduction;
  /** Per-class weights [C]. */
  weight?: Tensor;
  /** Samples with this target contribute nothing (default -100, as in PyTorch). */
  ignoreIndex?: number;
}

/**
 * Options of crossEntropy: NLLOptions plus labelSmoothing ε in [0, 1].
 */
export interface CrossEntropyOptions extends NLLOptions {
  /** ε in [0, 1]: mixes the target with the uniform distribution. */
  labelSmoothing?: number;
}

function classWeights(op: string, weight: Tensor | undefined, C: number, rank: number): Tensor | null {
  if (!weight) return null;
  checkTensor(op, weight, 'weight');
  if (weight.ndim !== 1 || weight.shape[0] !== C) {
    throw new ShapeError(
      `${op}: weight must have shape [${C}] (one per class), got ${fmtShape(weight.shape)}.`,
    );
  }
  // [C] → [1, C, 1, ...] to broadcast against [N, C, d...].
  return weight.reshape([1, C, ...new Array<number>(rank - 2).fill(1)]);
}

/** gather(logp, 1, classes), with gather's out-of-range IndexError restated for the loss `op`. */
function classGather(op: string, logp: Tensor, classes: Tensor, C: number): Tensor {
  try {
    return gather(logp, 1, classes);
  } catch (err) {
    if (!(err instanceof IndexError)) throw err;
    throw new IndexError(
      `${op}: a target class is out of range for ${C} classes; classes are 0..${C - 1}, so targets must be ` +
        `integers in [0, ${C - 1}] (or ignoreIndex). ${err.message}`,
    );
  }
}

/** The loss from log-probabilities `logp` [N, C, ...]; `op` names the public function in errors. */
function fromLogProbs(op: string, logp: Tensor, target: Tensor, options: CrossEntropyOptions): Tensor {
  const reduction = checkReduction(op, options.reduction ?? 'mean');
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new ValueError(`${op}: labelSmoothing must be in [0, 1], got ${eps}.`);
  const C = logp.shape[1];
  const w = classWeights(op, options.weight, C, logp.ndim);
  if (target.dtype === 'int32') {
    const want = [logp.shape[0], ...logp.shape.slice(2)];
    if (target.ndim !== want.length || target.shape.some((d, i) => d !== want[i])) {
      throw new ShapeError(
        `${op}: class-index target ${fmtShape(target.shape)} must have shape ${fmtShape(want)} for input ` +
          `${fmtShape(logp.shape)} (one class index per sample).`,
      );
    }
    const ignore = options.ignoreIndex ?? -100;
    // No read of the targets here: gather checks the class indices where the backend reads
    // synchronously (an IndexError, renamed below for this op) and defines out-of-range otherwise.
    const valid = target.ne(ignore);
    const safe = where(valid, target, 0).unsqueeze(1);
    const picked = classGather(op, logp, safe, C).squeeze(1);
    const validF = valid.to('float32');
    const wn = w
      ? gather(w.expand(logp.shape as number[]), 1, safe)
          .squeeze(1)
          .mul(validF)
      : validF;
    let loss = picked.mul(wn).neg();
    if (eps > 0) {
      const smooth = (w ? logp.mul(w) : logp).sum(1).neg().mul(validF);
      loss = loss.mul(1 - eps).add(smooth.mul(eps / C));
    }
    if (reduction === 'none') return loss;
    return reduction === 'sum' ? loss.sum() : loss.sum().div(wn.sum());
  }
  if (target.dtype !== 'float32') {
    throw new DTypeError(
      `${op}: target must be int32 class indices or float32 probabilities, got ${target.dtype}.`,
    );
  }
  if (target.ndim !== logp.ndim || target.shape.some((d, i) => d !== logp.shape[i])) {
    throw new ShapeError(
      `${op}: probability target ${fmtShape(target.shape)} must have the input's shape ${fmtShape(logp.shape)}.`,
    );
  }
  const t = eps > 0 ? target.mul(1 - eps).add(eps / C) : target;
  const loss = (w ? logp.mul(w) : logp).mul(t).sum(1).neg();
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? loss.sum() : loss.sum().div(loss.size);
}

function checkLogits(op: string, x: Tensor): void {
  checkTensor(op, x, 'input');
  if (x.dtype !== 'float32') throw new DTypeError(`${op}: input must be float32, got ${x.dtype}.`);
  if (x.ndim < 2) {
    throw new ShapeError(
      `${op}: input must be [N, C] (or [N, C, ...]), got ${fmtShape(x.shape)}; add a batch dim with unsqueeze(0).`,
    );
  }
}

/**
 * Cross-entropy of logits against class indices or class probabilities, PyTorch's
 * F.cross_entropy = nll(logSoftmax(logits, 1), target). logits [N, C] (or [N, C, d1, ...]);
 * target int32 [N] (or [N, d1, ...]) of class indices, or float [N, C, ...] of probabilities;
 * returns a scalar ('mean', 'sum') or [N, ...] ('none').
 *
 * ```ts
 * const model = new Linear(20, 10);
 * const x = randn([4, 20]);
 * const labels = tensor([1, 0, 9, 3], { dtype: 'int32' });
 * const loss = crossEntropy(model.forward(x), labels); // logits [N, 10], labels int32 [N]
 * loss.shape; // []
 * ```
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  checkLogits('crossEntropy', logits);
  checkTensor('crossEntropy', target, 'target');
  const plain =
    logits.ndim === 2 &&
    target.dtype === 'int32' &&
    options.weight === undefined &&
    (options.labelSmoothing ?? 0) === 0;
  if (plain) return fused(logits, target, options);
  return tidy(() => fromLogProbs('crossEntropy', logSoftmax(logits, 1), target, options));
}

/**
 * The plain case — logits [N, C], class indices [N], no weight, no label smoothing — on the fused
 * softmaxCrossEntropy (one kernel forward, one backward, no logSoftmax and gather), which also
 * reduces: 'mean' divides by the rows whose target is not ignoreIndex (NaN when none is, as
 * PyTorch).
 */
function fused(logits: Tensor, target: Tensor, options: CrossEntropyOptions): Tensor {
  const reduction = checkReduction('crossEntropy', options.reduction ?? 'mean');
  const N = logits.shape[0];
  if (target.ndim !== 1 || target.shape[0] !== N) {
    throw new ShapeError(
      `crossEntropy: class-index target ${fmtShape(target.shape)} must have shape [${N}] for input ` +
        `${fmtShape(logits.shape)} (one class index per sample).`,
    );
  }
  const ignoreIndex = options.ignoreIndex ?? -100;
  return withOp('crossEntropy', () => softmaxCrossEntropy(logits, target, { ignoreIndex, reduction }));
}

/**
 * Negative log-likelihood from log-probabilities (e.g. the output of LogSoftmax), PyTorch's
 * F.nll_loss: logProbs [N, C] (or [N, C, d1, ...]), target int32 [N] (or [N, d1, ...]); returns a
 * scalar ('mean', 'sum') or [N, ...] ('none').
 *
 * ```ts
 * const logits = tensor([[0, 0], [0, 0]]);
 * const labels = tensor([0, 1], { dtype: 'int32' });
 * nll(logits.logSoftmax(1), labels).item(); // 0.6931472 (ln 2)
 * ```
 */
export function nll(logProbs: Tensor, target: Tensor, options: NLLOptions = {}): Tensor {
  checkLogits('nll', logProbs);
  checkTensor('nll', target, 'target');
  if (target.dtype !== 'int32')
    throw new DTypeError(`nll: target must be int32 class indices, got ${target.dtype}.`);
  return tidy(() => fromLogProbs('nll', logProbs, target, options));
}

/**
 * `crossEntropy` as an object with `forward(logits, target)`: logits [N, C], target int32 [N] → scalar.
 *
 * ```ts
 * const loss = new CrossEntropyLoss().forward(randn([4, 10]), tensor([1, 0, 9, 3], { dtype: 'int32' })); // shape []
 * ```
 */
export class CrossEntropyLoss {
  /** The reduction in use, checked at construction (default 'mean'). */
  readonly reduction: Reduction;
  constructor(
    /** The options passed to `crossEntropy` on every call (reduction, weight, ignoreIndex, labelSmoothing). */
    readonly options: CrossEntropyOptions = {},
  ) {
    this.reduction = checkReduction('CrossEntropyLoss', options.reduction ?? 'mean');
  }
  /**
   * `crossEntropy(logits, target, this.options)`: logits [N, C] (or [N, C, d1, ...]) and int32 class
   * indices [N] (or probabilities [N, C, ...]) → a scalar, or [N, ...] with 'none'.
   *
   *   new CrossEntropyLoss().forward(logits, labels) // [N, 10], int32 [N] → scalar
   */
  forward(logits: Tensor, target: Tensor): Tensor {
    return crossEntropy(logits, target, this.options);
  }
}

/**
 * `nll` as an object with `forward(logProbs, target)`.
 *
 * ```ts
 * const logProbs = tensor([[0, 0], [0, 0]]).logSoftmax(1);
 * const target = tensor([0, 1], { dtype: 'int32' });
 * const lossFn = new NLLLoss({ ignoreIndex: 0 });
 * lossFn.forward(logProbs, target).item(); // 0.6931472 (ln 2: row 0 is ignored; [N, C], int32 [N] → scalar)
 * ```
 *
 * `nll(logProbs, target, this.options)`: log-probabilities [N, C] (or [N, C, d1, ...]) and int32
 * class indices [N] (or [N, d1, ...]) → a scalar, or [N, ...] with 'none'.
 *
 * ```ts
 * const lossFn = new NLLLoss();
 * const logits = randn([4, 5]);
 * const labels = tensor([1, 0, 4, 3], { dtype: 'int32' });
 * lossFn.forward(logits.logSoftmax(1), labels).shape; // [] ([N, C], int32 [N] → scalar)
 * ```
 */
export class NLLLoss extends lossModule(nll) {}
