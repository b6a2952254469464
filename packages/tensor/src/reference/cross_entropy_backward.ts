/**
 * Reference decomposition of the optional kernel `crossEntropyBackward` (see
 * `OptionalKernels.crossEntropyBackward`): softmax from the saved logsumexp minus the one-hot
 * target, scaled by each row's incoming gradient, 0 on ignored rows.
 */
import type { CrossEntropyParams, TensorInfo } from '../backend.js';
import { mul, sub, where } from '../ops/binary.js';
import { eq } from '../ops/compare.js';
import { arange } from '../ops/creation.js';
import { cast, exp } from '../ops/unary.js';
import { unsqueeze } from '../ops/views.js';
import { borrow, runReference, writeTo } from './borrow.js';

/** crossEntropyBackward by decomposition: dlogits = dloss·(exp(logits − lse) − onehot(target)). */
export function crossEntropyBackwardReference(
  logits: TensorInfo,
  target: TensorInfo,
  logsumexp: TensorInfo,
  dloss: TensorInfo,
  params: CrossEntropyParams,
  dlogits: TensorInfo,
): void {
  runReference(() => {
    const x = borrow(logits);
    const t = unsqueeze(borrow(target), 1);
    const p = exp(sub(x, unsqueeze(borrow(logsumexp), 1)));
    const onehot = cast(eq(arange(0, x.shape[1], 1, { dtype: 'int32' }), t), 'float32');
    const g = mul(unsqueeze(borrow(dloss), 1), sub(p, onehot));
    writeTo(dlogits, where(eq(t, params.ignoreIndex), 0, g));
  });
}
