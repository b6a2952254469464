/**
 * The fused softmax cross-entropy over class indices: one optional kernel forward
 * (`crossEntropy`) and one backward (`crossEntropyBackward`), with the per-row logsumexp saved
 * between them, instead of logSoftmax, gather and their gradients. References:
 * reference/cross_entropy*.ts.
 */
import { compute, record } from '../autograd.js';
import type { CrossEntropyParams } from '../backend.js';
import { getDebug } from '../debug.js';
import { checkOptions, DTypeError, IndexError, ShapeError, ValueError } from '../errors.js';
import { optionalKernel } from '../reference/index.js';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div } from './binary.js';
import { ne } from './compare.js';
import { full } from './creation.js';
import { backendFor, checkTensor, runKernel, runKernelOutputs } from './kernel.js';
import { sum } from './reduce.js';
import { cast } from './unary.js';
import { expand } from './views.js';

const OP = 'softmaxCrossEntropy';

/** Options of `softmaxCrossEntropy`. */
export interface SoftmaxCrossEntropyOptions {
  /** Rows whose target equals this get loss 0 and gradient 0 (default −100, PyTorch's ignore_index). */
  ignoreIndex?: number;
  /**
   * 'none' (default): the loss of each row [N]; 'sum': their sum (0-d); 'mean': their sum divided
   * by the number of rows whose target is not ignoreIndex (0-d; NaN when every row is ignored, as
   * PyTorch).
   */
  reduction?: 'none' | 'sum' | 'mean';
}

const REDUCTIONS = ['none', 'sum', 'mean'] as const;

/**
 * Throws an IndexError for a target outside [0, C) other than ignoreIndex (where reads are
 * synchronous). Returns the number of rows not ignored when it read the targets, else null.
 */
function checkTargets(target: Tensor, C: number, ignoreIndex: number): number | null {
  const backend = backendFor(OP, [target]);
  if (!getDebug().checkIndices || !backend.readSync || target.size === 0) return null;
  const values = target.dataSync();
  let kept = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === ignoreIndex) continue;
    if (v < 0 || v >= C) {
      throw new IndexError(
        `${OP}: target[${i}] = ${v} is out of range for ${C} classes; targets must be integers in ` +
          `[0, ${C - 1}] or ignoreIndex (${ignoreIndex}).`,
      );
    }
    kept++;
  }
  return kept;
}

/**
 * Per-row softmax cross-entropy from logits and class indices, fused (PyTorch's
 * `F.cross_entropy(logits, target, reduction='none', ignore_index=...)` for [N, C] logits):
 *   loss[n] = log Σ_c exp(logits[n, c]) − logits[n, target[n]],  0 where target[n] = ignoreIndex
 *   ∂/∂logits[n, c] = g[n]·(softmax(logits)[n, c] − [c = target[n]]),  0 on ignored rows
 *
 * With `reduction` 'sum' or 'mean' the rows are reduced inside the same op (one autograd node; the
 * gradient g/count reaches the backward kernel without an intermediate [N] gradient):
 *   sum = Σₙ loss[n],  mean = Σₙ loss[n] / #{n : target[n] ≠ ignoreIndex}
 *
 * logits [N, C] float32 (C >= 1), target [N] int32 in [0, C) or ignoreIndex → loss [N] float32
 * ('none', the default) or a 0-d float32 ('sum', 'mean').
 *
 * ```ts
 * const loss = softmaxCrossEntropy(tensor([[2, 0, 1]]), tensor([0], { dtype: 'int32' }));
 * // [0.4076] = log(e² + 1 + e) − 2
 * softmaxCrossEntropy(tensor([[2, 0, 1], [0, 0, 0]]), tensor([0, -100], { dtype: 'int32' }),
 *   { reduction: 'mean' });   // 0.4076 (0-d): the ignored row is not counted
 * ```
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  target: Tensor,
  options: SoftmaxCrossEntropyOptions = {},
): Tensor {
  checkTensor(OP, logits, 'logits');
  checkTensor(OP, target, 'target');
  checkOptions(OP, options, ['ignoreIndex', 'reduction']);
  if (logits.dtype !== 'float32')
    throw new DTypeError(`${OP}: logits must be float32, got ${logits.dtype}; use logits.to('float32').`);
  if (target.dtype !== 'int32')
    throw new DTypeError(
      `${OP}: target must be int32 class indices, got ${target.dtype}; use target.to('int32').`,
    );
  if (logits.ndim !== 2)
    throw new ShapeError(
      `${OP}: logits must be [N, C], got ${fmtShape(logits.shape)}; flatten extra dims first.`,
    );
  const [N, C] = logits.shape;
  if (C < 1) throw new ShapeError(`${OP}: logits ${fmtShape(logits.shape)} have no classes; C must be >= 1.`);
  if (target.ndim !== 1 || target.shape[0] !== N) {
    throw new ShapeError(
      `${OP}: target ${fmtShape(target.shape)} must have shape [${N}] (one class index per row of logits ${fmtShape(logits.shape)}).`,
    );
  }
  const ignoreIndex = options.ignoreIndex ?? -100;
  if (!Number.isInteger(ignoreIndex))
    throw new ValueError(`${OP}: ignoreIndex must be an integer, got ${String(ignoreIndex)}.`);
  const reduction = options.reduction ?? 'none';
  if (!REDUCTIONS.includes(reduction))
    throw new ValueError(
      `${OP}: reduction must be 'none', 'sum' or 'mean', got ${JSON.stringify(reduction)}.`,
    );
  const kept = checkTargets(target, C, ignoreIndex);
  const params: CrossEntropyParams = { ignoreIndex };
  const [loss, lse] = runKernelOutputs(
    OP,
    [logits, target],
    [
      [[N], 'float32'],
      [[N], 'float32'],
    ],
    ([x, t], [l, s], b) => optionalKernel(b, 'crossEntropy')(x, t, params, l, s),
  );
  const backwardKernel = (sx: Tensor, st: Tensor, slse: Tensor, d: Tensor): Tensor =>
    runKernel(`${OP} backward`, [sx, st, slse, d], [N, C], 'float32', ([x, t, s, dd], out, b) =>
      optionalKernel(b, 'crossEntropyBackward')(x, t, s, dd, params, out),
    );
  if (reduction === 'none') {
    const y = record(OP, [logits], loss, [logits, target, lse], (g, [sx, st, slse]) => [
      backwardKernel(sx, st, slse, g),
    ]);
    lse.dispose();
    return y;
  }
  if (reduction === 'sum') {
    // ∂/∂loss[n] = g: the 0-d gradient broadcast to [N] (a view the kernel call materialises).
    const rows = compute(() => sum(loss));
    loss.dispose();
    const y = record(OP, [logits], rows, [logits, target, lse], (g, [sx, st, slse]) => [
      backwardKernel(sx, st, slse, expand(g, [N])),
    ]);
    lse.dispose();
    return y;
  }
  // 'mean': the divisor of each row, [N], is the count of rows not ignored, from the targets read
  // above, else counted on the device. ∂/∂loss[n] = g / divisor[n].
  const [total, divisor] = compute((): [Tensor, Tensor] => {
    const rows = sum(loss);
    if (kept !== null) return [div(rows, kept), full([N], kept)];
    const count = cast(sum(ne(target, ignoreIndex)), 'float32');
    return [div(rows, count), expand(count, [N])];
  });
  loss.dispose();
  const y = record(OP, [logits], total, [logits, target, lse, divisor], (g, [sx, st, slse, sd]) => [
    backwardKernel(sx, st, slse, div(g, sd)),
  ]);
  lse.dispose();
  divisor.dispose();
  return y;
}
