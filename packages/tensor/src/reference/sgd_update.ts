/**
 * Reference decomposition of the optional kernel `sgdUpdate` (see `OptionalKernels.sgdUpdate`):
 * PyTorch's SGD step in tensor ops, written back in place.
 */
import type { SGDUpdateParams, TensorInfo } from '../backend.js';
import { borrow, runReference } from './borrow.js';

/** sgdUpdate by decomposition: d = g + λp; buf = μ·buf + (1 − τ)·d; d = d + μ·buf or buf; p −= lr·d. */
export function sgdUpdateReference(
  param: TensorInfo,
  grad: TensorInfo,
  momentumBuf: TensorInfo | null,
  params: SGDUpdateParams,
): void {
  runReference(() => {
    const p = borrow(param);
    const g = borrow(grad);
    let d = params.weightDecay !== 0 ? g.add(p, params.weightDecay) : g;
    if (momentumBuf) {
      const buf = borrow(momentumBuf);
      buf.assign(params.first ? d : buf.mul(params.momentum).add(d, 1 - params.dampening));
      d = params.nesterov ? d.add(buf, params.momentum) : buf;
    }
    p.assign(p.sub(d, params.lr));
  });
}
