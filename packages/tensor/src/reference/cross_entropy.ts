/**
 * Reference decomposition of the optional kernel `crossEntropy` (see `OptionalKernels.crossEntropy`):
 * a stable logsumexp per row minus the target's logit, 0 on ignored rows.
 */
import type { CrossEntropyParams, TensorInfo } from '../backend.js';
import { add, sub, where } from '../ops/binary.js';
import { eq } from '../ops/compare.js';
import { gather } from '../ops/indexing.js';
import { max, sum } from '../ops/reduce.js';
import { exp, log } from '../ops/unary.js';
import { reshape, squeeze, unsqueeze } from '../ops/views.js';
import type { Tensor } from '../tensor.js';
import { borrow, runReference, writeTo } from './borrow.js';

/** Per row of x [N, C]: log Σ_c exp(x[n, c]) with the max subtracted first, as [N, 1]. */
export function rowLogsumexp(x: Tensor): Tensor {
  const m = max(x, 1, true);
  return add(m, log(sum(exp(sub(x, m)), 1, true)));
}

/** The targets as [N, 1] gather indices, ignored rows pointing at class 0. */
export function safeTargets(target: Tensor, ignoreIndex: number): Tensor {
  return unsqueeze(where(eq(target, ignoreIndex), 0, target), 1);
}

/** crossEntropy by decomposition: loss = logsumexp − logits[target] (0 where ignored). */
export function crossEntropyReference(
  logits: TensorInfo,
  target: TensorInfo,
  params: CrossEntropyParams,
  loss: TensorInfo,
  logsumexp: TensorInfo,
): void {
  runReference(() => {
    const x = borrow(logits);
    const t = borrow(target);
    const lse = rowLogsumexp(x);
    const picked = gather(x, 1, safeTargets(t, params.ignoreIndex));
    const rowLoss = squeeze(sub(lse, picked), 1);
    writeTo(loss, where(eq(t, params.ignoreIndex), 0, rowLoss));
    writeTo(logsumexp, reshape(lse, [x.shape[0]]));
  });
}
