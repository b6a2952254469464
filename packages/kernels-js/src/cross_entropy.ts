/** Fused softmax cross-entropy over class indices (`OptionalKernels.crossEntropy`) and its gradient. */
import type { CrossEntropyParams } from '@nnet/tensor';
import type { Dense as T } from './handle.js';

/**
 * Softmax cross-entropy forward over logits [N, C] (float32) and target int32 [N]
 * (`OptionalKernels.crossEntropy`), per row in float64:
 *   logsumexp[n] = m + log Σ_c exp(logits[n, c] − m), m the row's max (NaN if any is NaN)
 *   loss[n] = logsumexp[n] − logits[n, target[n]], or 0 when target[n] = ignoreIndex
 * A row of all −Infinity gives NaN (m − m is NaN), as PyTorch. Targets are validated by the caller.
 *
 * @example
 * ```ts
 * const logits: Dense = { handle: { data: new Float32Array([0, 0]) }, dtype: 'float32', shape: [1, 2] };
 * const target: Dense = { handle: { data: new Int32Array([1]) }, dtype: 'int32', shape: [1] };
 * const loss: Dense = { handle: { data: new Float32Array([0]) }, dtype: 'float32', shape: [1] };
 * const lse: Dense = { handle: { data: new Float32Array([0]) }, dtype: 'float32', shape: [1] };
 * crossEntropy(logits, target, { ignoreIndex: -100 }, loss, lse);
 * [loss.handle.data[0], lse.handle.data[0]]; // [0.6931472, 0.6931472]: ln 2 each
 * ```
 */
export function crossEntropy(logits: T, target: T, params: CrossEntropyParams, loss: T, logsumexp: T): void {
  const [N, C] = logits.shape;
  const x = logits.handle.data;
  const t = target.handle.data;
  const l = loss.handle.data;
  const lse = logsumexp.handle.data;
  for (let n = 0; n < N; n++) {
    const base = n * C;
    let m = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < C; c++) {
      const v = x[base + c];
      if (v > m || v !== v) m = v;
      if (m !== m) break;
    }
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(x[base + c] - m);
    const z = m + Math.log(s);
    lse[n] = z;
    l[n] = t[n] === params.ignoreIndex ? 0 : z - x[base + t[n]];
  }
}

/**
 * Its gradient (`OptionalKernels.crossEntropyBackward`): dlogits [N, C], written in full, is
 *   dloss[n] · (exp(logits[n, c] − logsumexp[n]) − [c = target[n]]), 0 on rows whose target is ignoreIndex.
 *
 * @example
 * ```ts
 * const logits: Dense = { handle: { data: new Float32Array([0, 0]) }, dtype: 'float32', shape: [1, 2] };
 * const target: Dense = { handle: { data: new Int32Array([1]) }, dtype: 'int32', shape: [1] };
 * const lse: Dense = { handle: { data: new Float32Array([Math.LN2]) }, dtype: 'float32', shape: [1] };
 * const dloss: Dense = { handle: { data: new Float32Array([1]) }, dtype: 'float32', shape: [1] };
 * const dlogits: Dense = { handle: { data: new Float32Array([0, 0]) }, dtype: 'float32', shape: [1, 2] };
 * crossEntropyBackward(logits, target, lse, dloss, { ignoreIndex: -100 }, dlogits);
 * dlogits.handle.data; // Float32Array [0.5, -0.5]
 * ```
 */
export function crossEntropyBackward(
  logits: T,
  target: T,
  logsumexp: T,
  dloss: T,
  params: CrossEntropyParams,
  dlogits: T,
): void {
  const [N, C] = logits.shape;
  const x = logits.handle.data;
  const t = target.handle.data;
  const lse = logsumexp.handle.data;
  const g = dloss.handle.data;
  const d = dlogits.handle.data;
  for (let n = 0; n < N; n++) {
    const base = n * C;
    const tn = t[n];
    if (tn === params.ignoreIndex) {
      d.fill(0, base, base + C);
      continue;
    }
    const gn = g[n];
    const z = lse[n];
    for (let c = 0; c < C; c++) d[base + c] = gn * Math.exp(x[base + c] - z);
    d[base + tn] = gn * (Math.exp(x[base + tn] - z) - 1);
  }
}
