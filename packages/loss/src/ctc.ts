/**
 * Connectionist temporal classification loss, as PyTorch's F.ctc_loss: the negative log of the
 * total probability of every alignment of the target under the per-step class log-probabilities.
 * The forward (α) recursion runs over time on the extended label sequence (blanks between and
 * around the labels) with tensor ops, so its gradient comes by composition. Log-probabilities of
 * impossible paths are held at -1e30 rather than -∞ so no 0·∞ reaches the gradient; a loss at that
 * level means no alignment exists and is reported as +∞ (or 0 with `zeroInfinity`).
 */
import {
  cat,
  checkOptions,
  checkTensor,
  DTypeError,
  describeValue,
  fmtShape,
  full,
  gather,
  ShapeError,
  type Tensor,
  tensor,
  tidy,
  ValueError,
  where,
} from '@nnet/tensor';
import { lossModule } from './loss_module.js';
import { checkReduction, type Reduction } from './mse.js';

const NEG = -1e30;

/**
 * Options of ctc: blank (the blank class id, default 0), reduction ('mean' divides each
 * sample's loss by its target length, then averages; 'sum'; 'none' gives [N]), zeroInfinity
 * (impossible alignments give 0 instead of Infinity).
 */
export interface CTCOptions {
  /** The blank class (default 0). */
  blank?: number;
  /** 'mean' (default: each loss divided by its target length, then averaged), 'sum' or 'none'. */
  reduction?: Reduction;
  /** Report impossible alignments as 0 (with zero gradient) instead of +∞. */
  zeroInfinity?: boolean;
}

/** log(eᵃ + eᵇ + eᶜ) with finite stand-ins for -∞ (gradients stay finite). */
function logSumExp3(a: Tensor, b: Tensor, c: Tensor): Tensor {
  const m = a.maximum(b).maximum(c).detach();
  return a.sub(m).exp().add(b.sub(m).exp()).add(c.sub(m).exp()).log().add(m);
}

/**
 * CTC loss of log-probabilities [T, N, C] (log-softmax over C) for int32 targets, either padded
 * [N, S] or concatenated 1-D, with the per-sample `inputLengths` (<= T) and `targetLengths`.
 *
 * ```ts
 * const logits = randn([50, 2, 20]); // [T, N, C], class 0 the blank
 * const targets = randint(1, 20, [2, 10]); // [N, S]
 * ctc(logits.logSoftmax(2), targets, [50, 48], [10, 7]).shape; // []
 * ```
 */
export function ctc(
  logProbs: Tensor,
  targets: Tensor,
  inputLengths: readonly number[],
  targetLengths: readonly number[],
  options: CTCOptions = {},
): Tensor {
  checkOptions('ctc', options, ['blank', 'reduction', 'zeroInfinity']);
  const reduction = checkReduction('ctc', options.reduction ?? 'mean');
  checkTensor('ctc', logProbs, 'logProbs');
  checkTensor('ctc', targets, 'targets');
  if (logProbs.ndim !== 3)
    throw new ShapeError(
      `ctc: logProbs must be [T, N, C] (time, batch, classes), got ${fmtShape(logProbs.shape)}; add the batch dim with unsqueeze(1).`,
    );
  if (targets.dtype !== 'int32')
    throw new DTypeError(
      `ctc: targets must be int32 class ids, got ${targets.dtype}; use targets.to('int32').`,
    );
  const [T, N, C] = logProbs.shape;
  const blank = options.blank ?? 0;
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) {
    throw new ValueError(
      `ctc: blank ${String(blank)} must be a class id in [0, ${C - 1}] (logProbs has ${C} classes).`,
    );
  }
  for (const [name, lengths] of [
    ['inputLengths', inputLengths],
    ['targetLengths', targetLengths],
  ] as const) {
    if (!Array.isArray(lengths) || lengths.length !== N) {
      throw new ShapeError(
        `ctc: ${name} must list one length per sample (${N}), got ${describeValue(lengths)}.`,
      );
    }
  }
  inputLengths.forEach((l, i) => {
    if (!Number.isInteger(l) || l < 1 || l > T)
      throw new ValueError(
        `ctc: inputLengths[${i}] = ${String(l)} must be an integer in [1, ${T}] (logProbs' T).`,
      );
  });
  targetLengths.forEach((l, i) => {
    if (!Number.isInteger(l) || l < 0)
      throw new ValueError(`ctc: targetLengths[${i}] = ${String(l)} must be an integer >= 0.`);
  });
  const S = Math.max(0, ...targetLengths);
  if (targets.ndim === 2) {
    if (targets.shape[0] !== N || targets.shape[1] < S) {
      throw new ShapeError(
        `ctc: padded targets must be [N, >= max(targetLengths)] = [${N}, >= ${S}], got ${fmtShape(targets.shape)}; pad each row to the longest target.`,
      );
    }
  } else if (targets.ndim !== 1 || targets.shape[0] !== targetLengths.reduce((a, b) => a + b, 0)) {
    throw new ShapeError(
      `ctc: targets must be [N, S] or 1-D with sum(targetLengths) = ${targetLengths.reduce((a, b) => a + b, 0)} elements, got ${fmtShape(targets.shape)}.`,
    );
  }
  const L = 2 * S + 1;
  return tidy(() => {
    // Label k of sample n, as a padded [N, max(S, 1)] tensor (padding reads label 0 of the row).
    const width = Math.max(S, 1);
    let padded: Tensor;
    if (targets.ndim === 2) {
      padded = S === 0 ? full([N, 1], blank, { dtype: 'int32' }) : targets.narrow(1, 0, S);
    } else {
      const idx: number[] = [];
      let start = 0;
      for (const len of targetLengths) {
        for (let k = 0; k < width; k++) idx.push(start + Math.min(k, Math.max(len - 1, 0)));
        start += len;
      }
      padded =
        targets.size === 0
          ? full([N, width], blank, { dtype: 'int32' })
          : targets.gather(0, tensor(idx, { dtype: 'int32' })).reshape([N, width]);
    }
    // Extended labels: blank at even positions, label (s - 1)/2 at odd ones.
    const labelAt = Array.from({ length: L }, (_, s) => Math.min(Math.max((s - 1) >> 1, 0), width - 1));
    const odd = tensor(Array.from({ length: L }, (_, s) => s % 2 === 1));
    const ext = where(
      odd,
      padded.gather(
        1,
        tensor(
          Array.from({ length: N }, () => labelAt),
          { dtype: 'int32' },
        ),
      ),
      full([], blank, { dtype: 'int32' }),
    );
    // A step may skip s - 2 at a label that differs from the label two back.
    const neg = (n: number) => full([N, n], NEG);
    /** x moved k positions right along the labels, filled with fill. */
    const shift = (x: Tensor, k: number, fill: Tensor) =>
      k >= L ? fill.narrow(1, 0, L) : cat([fill.narrow(1, 0, k), x.narrow(1, 0, L - k)], 1);
    const prev2 = shift(ext, 2, full([N, 2], -1, { dtype: 'int32' }));
    const skip = odd.logicalAnd(ext.ne(prev2));
    const emit = (t: number) => gather(logProbs.select(0, t), 1, ext);
    const start = tensor(Array.from({ length: L }, (_, s) => s < 2));
    let alpha = where(start, emit(0), NEG);
    const lastStep = tensor(inputLengths.map((l) => l - 1));
    let final = where(lastStep.eq(0).unsqueeze(1), alpha, NEG);
    for (let t = 1; t < T; t++) {
      const a1 = shift(alpha, 1, neg(2));
      const a2 = where(skip, shift(alpha, 2, neg(2)), NEG);
      alpha = logSumExp3(alpha, a1, a2).add(emit(t));
      final = where(lastStep.eq(t).unsqueeze(1), alpha, final);
    }
    // The path ends on the last label or the blank after it.
    const endMask = tensor(
      targetLengths.map((len) => Array.from({ length: L }, (_, s) => s === 2 * len || s === 2 * len - 1)),
    );
    const ends = where(endMask, final, NEG);
    const m = ends.max(1, true).detach();
    const logLik = ends.sub(m).exp().sum(1).log().add(m.squeeze(1));
    const impossible = logLik.lt(NEG / 2);
    let loss = where(impossible, options.zeroInfinity ? 0 : Number.POSITIVE_INFINITY, logLik.neg());
    if (reduction === 'none') return loss;
    if (reduction === 'sum') return loss.sum();
    loss = loss.div(tensor(targetLengths.map((l) => Math.max(l, 1))));
    return loss.mean();
  });
}

/**
 * `new CTCLoss({ blank, zeroInfinity }).forward(logProbs, targets, inputLengths, targetLengths)`: see ctc.
 *
 * `ctc(logProbs, targets, inputLengths, targetLengths, this.options)`: log-probabilities [T, N, C],
 * int32 targets [N, S] (or concatenated 1-D), N input and N target lengths → a scalar, or [N] with 'none'.
 *
 * ```ts
 * const logits = randn([50, 2, 20]); // [T, N, C], class 0 the blank
 * const targets = randint(1, 20, [2, 10]); // [N, S]
 * new CTCLoss().forward(logits.logSoftmax(2), targets, [50, 48], [10, 7]).shape; // []
 * ```
 */
export class CTCLoss extends lossModule(ctc) {}
