/** Resize along one axis (`OptionalKernels.resizeAxis`) and its adjoint. */
import type { ResizeAxisParams } from '@nnet/tensor';
import { resizeTable, sizeOf } from '@nnet/tensor';
import type { Dense as T } from './handle.js';

/** x's shape around `axis`: outer (dims before), the axis' size and inner (dims after). */
function around(shape: readonly number[], axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

/**
 * Resizes float32 x along params.axis into out (same rank, only that dim differs)
 * (`OptionalKernels.resizeAxis`): out[..., i, ...] = (1 − λ)·x[..., i0, ...] + λ·x[..., i1, ...]
 * ('nearest': x[..., i0, ...]).
 *
 * @example
 * ```ts
 * const x: Dense = { handle: { data: new Float32Array([1, 3]) }, dtype: 'float32', shape: [2] };
 * const out: Dense = { handle: { data: new Float32Array([0, 0, 0]) }, dtype: 'float32', shape: [3] };
 * resizeAxis(x, { axis: 0, mode: 'linear', alignCorners: true, scale: 2 / 3 }, out);
 * out.handle.data; // Float32Array [1, 2, 3]
 * ```
 */
export function resizeAxis(x: T, params: ResizeAxisParams, out: T): void {
  const [outer, inSize, inner] = around(x.shape, params.axis);
  const outSize = out.shape[params.axis];
  if (outer * outSize * inner === 0) return;
  const a = x.handle.data;
  const o = out.handle.data;
  const { i0, i1, lambda } = resizeTable(inSize, outSize, params);
  const nearest = params.mode === 'nearest';
  for (let po = 0; po < outer; po++) {
    const xb = po * inSize * inner;
    const ob = po * outSize * inner;
    for (let i = 0; i < outSize; i++) {
      const s0 = xb + i0[i] * inner;
      const d = ob + i * inner;
      if (nearest) {
        for (let q = 0; q < inner; q++) o[d + q] = a[s0 + q];
      } else {
        const s1 = xb + i1[i] * inner;
        const l = lambda[i];
        const k = 1 - l;
        for (let q = 0; q < inner; q++) o[d + q] = k * a[s0 + q] + l * a[s1 + q];
      }
    }
  }
}

/**
 * The adjoint of `resizeAxis` (`OptionalKernels.resizeAxisBackward`): dx (x's shape, written in
 * full, 0 where nothing maps) gets dx[..., i0, ...] += (1 − λ)·dy[..., i, ...] and
 * dx[..., i1, ...] += λ·dy[..., i, ...].
 *
 * @example
 * ```ts
 * const dy: Dense = { handle: { data: new Float32Array([1, 1, 1, 1]) }, dtype: 'float32', shape: [4] };
 * const dx: Dense = { handle: { data: new Float32Array([0, 0]) }, dtype: 'float32', shape: [2] };
 * resizeAxisBackward(dy, { axis: 0, mode: 'nearest', alignCorners: false, scale: 0.5 }, dx);
 * dx.handle.data; // Float32Array [2, 2]
 * ```
 */
export function resizeAxisBackward(dy: T, params: ResizeAxisParams, dx: T): void {
  const [outer, inSize, inner] = around(dx.shape, params.axis);
  const outSize = dy.shape[params.axis];
  const d = dx.handle.data;
  const g = dy.handle.data;
  d.fill(0, 0, outer * inSize * inner);
  if (outer * outSize * inner === 0) return;
  const { i0, i1, lambda } = resizeTable(inSize, outSize, params);
  const nearest = params.mode === 'nearest';
  for (let po = 0; po < outer; po++) {
    const xb = po * inSize * inner;
    const ob = po * outSize * inner;
    for (let i = 0; i < outSize; i++) {
      const s0 = xb + i0[i] * inner;
      const gi = ob + i * inner;
      if (nearest) {
        for (let q = 0; q < inner; q++) d[s0 + q] += g[gi + q];
      } else {
        const s1 = xb + i1[i] * inner;
        const l = lambda[i];
        const k = 1 - l;
        for (let q = 0; q < inner; q++) {
          d[s0 + q] += k * g[gi + q];
          d[s1 + q] += l * g[gi + q];
        }
      }
    }
  }
}
