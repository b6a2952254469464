/** Fused optimizer updates, in place (formulas in the contract's doc comments). */
import type { AdamUpdateParams, SGDUpdateParams } from '@nnet/tensor';
import { adamBiasCorrections, sizeOf } from '@nnet/tensor';
import type { Dense as T } from './handle.js';

/**
 * One SGD step in place on float32 arrays of one size (`OptionalKernels.sgdUpdate`); `momentumBuf`
 * is null when momentum is 0.
 *
 * @example
 * ```ts
 * const param: Dense = { handle: { data: new Float32Array([1, 2]) }, dtype: 'float32', shape: [2] };
 * const grad: Dense = { handle: { data: new Float32Array([0.5, -1]) }, dtype: 'float32', shape: [2] };
 * sgdUpdate(param, grad, null, { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, first: true });
 * param.handle.data; // Float32Array [0.95, 2.1]
 * ```
 */
export function sgdUpdate(param: T, grad: T, momentumBuf: T | null, o: SGDUpdateParams): void {
  const p = param.handle.data;
  const g = grad.handle.data;
  const b = momentumBuf ? momentumBuf.handle.data : null;
  const n = sizeOf(param.shape);
  for (let i = 0; i < n; i++) {
    let d = g[i] + o.weightDecay * p[i];
    if (b) {
      b[i] = o.first ? d : o.momentum * b[i] + (1 - o.dampening) * d;
      d = o.nesterov ? d + o.momentum * b[i] : b[i];
    }
    p[i] = p[i] - o.lr * d;
  }
}

/**
 * One Adam/AdamW step in place (`OptionalKernels.adamUpdate`); `maxExpAvgSq` is null without amsgrad.
 *
 * @example
 * ```ts
 * const f32 = (v: number[]): Dense => ({ handle: { data: new Float32Array(v) }, dtype: 'float32', shape: [v.length] });
 * const [param, grad, m, v] = [f32([1, 2]), f32([0.5, -1]), f32([0, 0]), f32([0, 0])];
 * const o = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, step: 1 };
 * adamUpdate(param, grad, m, v, null, o);
 * param.handle.data; // Float32Array [0.9, 2.1]: the first step moves each by lr
 * m.handle.data; // Float32Array [0.05, -0.1]
 * ```
 */
export function adamUpdate(
  param: T,
  grad: T,
  expAvg: T,
  expAvgSq: T,
  maxExpAvgSq: T | null,
  o: AdamUpdateParams,
): void {
  const p = param.handle.data;
  const g = grad.handle.data;
  const m = expAvg.handle.data;
  const v = expAvgSq.handle.data;
  const vm = maxExpAvgSq ? maxExpAvgSq.handle.data : null;
  const n = sizeOf(param.shape);
  const { bc1, sqrtBc2 } = adamBiasCorrections(o);
  for (let i = 0; i < n; i++) {
    let gi = g[i];
    if (o.weightDecay !== 0) {
      if (o.decoupled) p[i] = p[i] * (1 - o.lr * o.weightDecay);
      else gi += o.weightDecay * p[i];
    }
    m[i] = o.beta1 * m[i] + (1 - o.beta1) * gi;
    v[i] = o.beta2 * v[i] + (1 - o.beta2) * gi * gi;
    let vi = v[i];
    if (vm) {
      vm[i] = Math.max(vm[i], vi);
      vi = vm[i];
    }
    p[i] = p[i] - (o.lr / bc1) * (m[i] / (Math.sqrt(vi) / sqrtBc2 + o.eps));
  }
}
