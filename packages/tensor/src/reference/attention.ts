/**
 * Reference decomposition of the optional kernel `attention` (see `OptionalKernels.attention`):
 * the scores materialised, s = scale·q·kᵀ + mask (−∞ above the diagonal when causal), then
 * lse = logsumexp(s) and out = exp(s − lse)·v.
 */
import type { AttentionParams, TensorInfo } from '../backend.js';
import { add, mul, sub, where } from '../ops/binary.js';
import { ones, scalar } from '../ops/creation.js';
import { tril } from '../ops/masking.js';
import { matmul } from '../ops/matmul.js';
import { logsumexp } from '../ops/reduce.js';
import { exp } from '../ops/unary.js';
import { reshape, transpose } from '../ops/views.js';
import { borrow, runReference, writeTo } from './borrow.js';

/**
 * attention by decomposition: out [B, L, Ev] = softmax(s)·v, logsumexp [B, L] of s's rows.
 *
 * Shapes: q [B, L, E], k [B, S, E], v [B, S, Ev], mask null or [1 or B, L, S] → out [B, L, Ev],
 * logsumexpOut [B, L] (written in place).
 *
 * ```ts
 * const backend = getBackend(); // after import '@nnet/backend-cpu'
 * const info = (data: number[], shape: number[]): TensorInfo => {
 *   const handle = backend.alloc('float32', data.length);
 *   backend.write(handle, new Float32Array(data));
 *   return { handle, dtype: 'float32', shape };
 * };
 * const q = info([1, 0, 0, 1], [1, 2, 2]); // B = 1, L = 2, E = 2
 * const k = info([1, 0, 0, 1], [1, 2, 2]); // S = 2
 * const v = info([1, 2, 3, 4], [1, 2, 2]); // Ev = 2
 * const out = info([0, 0, 0, 0], [1, 2, 2]);
 * const lse = info([0, 0], [1, 2]);
 * attentionReference(q, k, v, null, { scale: 1, causal: true }, out, lse);
 * await backend.read(out.handle, 'float32', 4)   // [1, 2, 2.462…, 3.462…]: row 0 sees key 0 only
 * ```
 */
export function attentionReference(
  q: TensorInfo,
  k: TensorInfo,
  v: TensorInfo,
  mask: TensorInfo | null,
  params: AttentionParams,
  out: TensorInfo,
  logsumexpOut: TensorInfo,
): void {
  runReference(() => {
    const [B, L] = q.shape;
    const S = k.shape[1];
    let s = mul(matmul(borrow(q), transpose(borrow(k), -1, -2)), params.scale);
    if (mask) s = add(s, borrow(mask));
    if (params.causal) {
      const keep = tril(ones([L, S], { dtype: 'bool' }));
      s = add(s, where(keep, scalar(0), scalar(Number.NEGATIVE_INFINITY)));
    }
    const lse = logsumexp(s, -1, true);
    writeTo(out, matmul(exp(sub(s, lse)), borrow(v)));
    writeTo(logsumexpOut, reshape(lse, [B, L]));
  });
}
