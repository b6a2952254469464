/** Running sums along one axis (`OptionalKernels.cumsum`). */
import { sizeOf } from '@nnet/tensor';
import type { Dense as T } from './handle.js';

/**
 * Inclusive running sum along `axis` (`OptionalKernels.cumsum`), x and out float32 or int32 of one
 * shape: out[..., i, ...] = Σ_{j<=i} x[..., j, ...], or Σ_{j>=i} when `reverse`. Each step adds to
 * the previous output element as stored, so float32 accumulates in order in float32 (PyTorch's CPU
 * cumsum) and int32 wraps like int32 arithmetic.
 *
 * @example
 * ```ts
 * const x: Dense = { handle: { data: new Float32Array([1, 2, 3]) }, dtype: 'float32', shape: [3] };
 * const out: Dense = { handle: { data: new Float32Array([0, 0, 0]) }, dtype: 'float32', shape: [3] };
 * cumsum(x, 0, false, out);
 * out.handle.data; // Float32Array [1, 3, 6]
 * cumsum(x, 0, true, out);
 * out.handle.data; // Float32Array [6, 5, 3]
 * ```
 */
export function cumsum(x: T, axis: number, reverse: boolean, out: T): void {
  const a = x.handle.data;
  const o = out.handle.data;
  const n = sizeOf(x.shape);
  if (n === 0) return;
  if (x.shape.length === 0) {
    o[0] = a[0];
    return;
  }
  const len = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const block = len * inner;
  for (let base = 0; base < n; base += block) {
    if (reverse) {
      const last = base + block - inner;
      for (let q = 0; q < inner; q++) o[last + q] = a[last + q];
      for (let row = last - inner; row >= base; row -= inner)
        for (let q = 0; q < inner; q++) o[row + q] = o[row + inner + q] + a[row + q];
    } else {
      for (let q = 0; q < inner; q++) o[base + q] = a[base + q];
      for (let row = base + inner; row < base + block; row += inner)
        for (let q = 0; q < inner; q++) o[row + q] = o[row - inner + q] + a[row + q];
    }
  }
}
