/**
 * The fused softmax cross-entropy over class indices: one optional kernel forward
 * (`crossEntropy`) and one backward (`crossEntropyBackward`), with the per-row logsumexp saved
 * between them, instead of logSoftmax, gather and their gradients. References:
 * reference/cross_entropy*.ts.
 */
import { record } from '../autograd.js';
import type { CrossEntropyParams } from '../backend.js';
import { getDebug } from '../debug.js';
import { checkOptions, DTypeError, IndexError, ShapeError, ValueError } from '../errors.js';
import { optionalKernel } from '../reference/index.js';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendFor, checkTensor, runKernel, runKernelOutputs } from './kernel.js';

const OP = 'softmaxCrossEntropy';

/** Options of `softmaxCrossEntropy`. */
export interface SoftmaxCrossEntropyOptions {
  /** Rows whose target equals this get loss 0 and gradient 0 (default −100, PyTorch's ignore_index). */
  ignoreIndex?: number;
}

/** Throws an IndexError for a target outside [0, C) other than ignoreIndex (where reads are synchronous). */
function checkTargets(target: Tensor, C: number, ignoreIndex: number): void {
  const backend = backendFor(OP, [target]);
  if (!getDebug().checkIndices || !backend.readSync || target.size === 0) return;
  const values = target.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== ignoreIndex && (v < 0 || v >= C)) {
      throw new IndexError(
        `${OP}: target[${i}] = ${v} is out of range for ${C} classes; targets must be integers in ` +
          `[0, ${C - 1}] or ignoreIndex (${ignoreIndex}).`,
      );
    }
  }
}

/**
 * Per-row softmax cross-entropy from logits and class indices, fused (PyTorch's
 * `F.cross_entropy(logits, target, reduction='none', ignore_index=...)` for [N, C] logits):
 *   loss[n] = log Σ_c exp(logits[n, c]) − logits[n, target[n]],  0 where target[n] = ignoreIndex
 *   ∂/∂logits[n, c] = g[n]·(softmax(logits)[n, c] − [c = target[n]]),  0 on ignored rows
 *
 * logits [N, C] float32 (C >= 1), target [N] int32 in [0, C) or ignoreIndex → loss [N] float32.
 *
 * ```ts
 * const loss = softmaxCrossEntropy(tensor([[2, 0, 1]]), tensor([0], { dtype: 'int32' }));
 * // [0.4076] = log(e² + 1 + e) − 2
 * ```
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  target: Tensor,
  options: SoftmaxCrossEntropyOptions = {},
): Tensor {
  checkTensor(OP, logits, 'logits');
  checkTensor(OP, target, 'target');
  checkOptions(OP, options, ['ignoreIndex']);
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
  checkTargets(target, C, ignoreIndex);
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
  const y = record(OP, [logits], loss, [logits, target, lse], (g, [sx, st, slse]) => [
    runKernel(`${OP} backward`, [sx, st, slse, g], [N, C], 'float32', ([x, t, s, d], out, b) =>
      optionalKernel(b, 'crossEntropyBackward')(x, t, s, d, params, out),
    ),
  ]);
  lse.dispose();
  return y;
}
