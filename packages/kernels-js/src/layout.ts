/** Layout kernels on typed arrays: copyStrided, reductions, arg-reductions, gather and scatterAdd. */
import type { ArgReduceOp, ReduceOp, StridedInfo } from '@nnet/tensor';
import { alongOffsets, contiguousStrides, sizeOf } from '@nnet/tensor';
import type { ArrayHandle, Dense as T } from './handle.js';

/**
 * Materialises a strided view (`RequiredKernels.copyStrided`): out[i...] = x[offset + Σ i_k·stride_k];
 * the innermost dim is a tight loop.
 *
 * @example
 * ```ts
 * const data = new Float32Array([1, 2, 3, 4, 5, 6]); // [2, 3], row-major
 * const xT = { handle: { data }, dtype: 'float32' as const, shape: [3, 2], strides: [1, 3], offset: 0 };
 * const out: Dense = { handle: { data: new Float32Array([0, 0, 0, 0, 0, 0]) }, dtype: 'float32', shape: [3, 2] };
 * copyStrided(xT, out); // a transpose
 * out.handle.data; // Float32Array [1, 4, 2, 5, 3, 6]
 * ```
 */
export function copyStrided(x: StridedInfo<ArrayHandle>, out: T): void {
  const src = x.handle.data;
  const dst = out.handle.data;
  const n = sizeOf(out.shape);
  const rank = x.shape.length;
  if (rank === 0) {
    dst[0] = src[x.offset];
    return;
  }
  const inner = x.shape[rank - 1];
  const innerStride = x.strides[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let base = x.offset;
  for (let p = 0; p < n; p += inner) {
    if (innerStride === 1) {
      for (let i = 0; i < inner; i++) dst[p + i] = src[base + i];
    } else {
      for (let i = 0; i < inner; i++) dst[p + i] = src[base + i * innerStride];
    }
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      base += x.strides[d];
      if (idx[d] < x.shape[d]) break;
      base -= idx[d] * x.strides[d];
      idx[d] = 0;
    }
  }
}

/**
 * Reduces over sorted `axes` (`RequiredKernels.reduce`); out has x's shape with those axes set to 1.
 * Walks x once, accumulating into out's matching element.
 *
 * @example
 * ```ts
 * const x: Dense = { handle: { data: new Float32Array([1, 2, 3, 4, 5, 6]) }, dtype: 'float32', shape: [2, 3] };
 * const out: Dense = { handle: { data: new Float32Array([0, 0]) }, dtype: 'float32', shape: [2, 1] };
 * reduce('sum', x, [1], out); // row sums
 * out.handle.data; // Float32Array [6, 15]
 * ```
 */
export function reduce(op: ReduceOp, x: T, axes: readonly number[], out: T): void {
  const o = out.handle.data;
  const a = x.handle.data;
  const nOut = sizeOf(out.shape);
  const init =
    op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  o.fill(init, 0, nOut);
  const n = sizeOf(x.shape);
  if (n === 0) return;
  const rank = x.shape.length;
  // Fast path: reducing the trailing dims (rows of length `inner`).
  const trailing = axes.length > 0 && axes.every((ax, i) => ax === rank - axes.length + i);
  if (trailing) {
    const inner = n / nOut;
    for (let r = 0; r < nOut; r++) {
      let acc = init;
      const base = r * inner;
      if (op === 'sum') for (let i = 0; i < inner; i++) acc += a[base + i];
      else if (op === 'prod') for (let i = 0; i < inner; i++) acc *= a[base + i];
      else if (op === 'max') {
        for (let i = 0; i < inner; i++) {
          const v = a[base + i];
          if (v > acc || v !== v) acc = v;
          if (acc !== acc) break;
        }
      } else {
        for (let i = 0; i < inner; i++) {
          const v = a[base + i];
          if (v < acc || v !== v) acc = v;
          if (acc !== acc) break;
        }
      }
      o[r] = acc;
    }
    return;
  }
  // int32 outputs cannot hold the ±Infinity start of max/min: accumulate in doubles, then store.
  const acc: Float32Array | Int32Array | Uint8Array | Float64Array =
    out.dtype === 'float32' ? o : new Float64Array(nOut).fill(init);
  const outStrides = contiguousStrides(out.shape).map((s, d) =>
    out.shape[d] === 1 && axes.includes(d) ? 0 : s,
  );
  const idx = new Array<number>(rank).fill(0);
  let j = 0;
  for (let p = 0; p < n; p++) {
    const v = a[p];
    if (op === 'sum') acc[j] += v;
    else if (op === 'prod') acc[j] *= v;
    else if (op === 'max') {
      if (v > acc[j] || v !== v) acc[j] = v;
    } else if (v < acc[j] || v !== v) acc[j] = v;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      j += outStrides[d];
      if (idx[d] < x.shape[d]) break;
      j -= idx[d] * outStrides[d];
      idx[d] = 0;
    }
  }
  if (acc !== o) for (let k = 0; k < nOut; k++) o[k] = acc[k];
}

/**
 * Index of the first max/min along `axis`, NaN wins (`RequiredKernels.argReduce`); out (int32) has
 * x's shape with `axis` set to 1.
 *
 * @example
 * ```ts
 * const x: Dense = { handle: { data: new Float32Array([1, 3, 2, 7, 7, 0]) }, dtype: 'float32', shape: [2, 3] };
 * const out: Dense = { handle: { data: new Int32Array([0, 0]) }, dtype: 'int32', shape: [2, 1] };
 * argReduce('argmax', x, 1, out);
 * out.handle.data; // Int32Array [1, 0]: the first max wins
 * ```
 */
export function argReduce(op: ArgReduceOp, x: T, axis: number, out: T): void {
  const a = x.handle.data;
  const o = out.handle.data;
  const outer = sizeOf(x.shape.slice(0, axis));
  const len = x.shape.length === 0 ? 1 : x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const isMax = op === 'argmax';
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      const base = p * len * inner + q;
      let best = 0;
      let bv = a[base];
      for (let i = 1; i < len && bv === bv; i++) {
        const v = a[base + i * inner];
        if (v !== v || (isMax ? v > bv : v < bv)) {
          bv = v;
          best = i;
        }
      }
      o[p * inner + q] = best;
    }
  }
}

/**
 * PyTorch `gather` (`RequiredKernels.gather`): out[p] = x[target(p)], or 0 (false) where the index
 * is outside [0, x.shape[axis]); out has index's shape.
 *
 * @example
 * ```ts
 * const x: Dense = { handle: { data: new Float32Array([1, 2, 3, 4, 5, 6]) }, dtype: 'float32', shape: [2, 3] };
 * const index: Dense = { handle: { data: new Int32Array([2, 0, 1, 1]) }, dtype: 'int32', shape: [2, 2] };
 * const out: Dense = { handle: { data: new Float32Array([0, 0, 0, 0]) }, dtype: 'float32', shape: [2, 2] };
 * gather(x, 1, index, out); // out[i, j] = x[i, index[i, j]]
 * out.handle.data; // Float32Array [3, 1, 5, 5]
 * ```
 */
export function gather(x: T, axis: number, index: T, out: T): void {
  const a = x.handle.data;
  const o = out.handle.data;
  const at = alongOffsets(index.shape, axis, x.shape, index.handle.data);
  for (let p = 0; p < at.length; p++) {
    const t = at[p];
    o[p] = t < 0 ? 0 : a[t];
  }
}

/**
 * PyTorch `scatter_add_` in place (`RequiredKernels.scatterAdd`): out[target(p)] += src[p]; a
 * contribution whose index is out of range is dropped; index and src have the same shape.
 *
 * @example
 * ```ts
 * const out: Dense = { handle: { data: new Float32Array([0, 0, 0, 0, 0, 0]) }, dtype: 'float32', shape: [2, 3] };
 * const index: Dense = { handle: { data: new Int32Array([0, 0, 2, 1]) }, dtype: 'int32', shape: [2, 2] };
 * const src: Dense = { handle: { data: new Float32Array([1, 2, 3, 4]) }, dtype: 'float32', shape: [2, 2] };
 * scatterAdd(out, 1, index, src); // out[i, index[i, j]] += src[i, j]
 * out.handle.data; // Float32Array [3, 0, 0, 0, 4, 3]
 * ```
 */
export function scatterAdd(out: T, axis: number, index: T, src: T): void {
  const o = out.handle.data;
  const s = src.handle.data;
  const at = alongOffsets(index.shape, axis, out.shape, index.handle.data);
  for (let p = 0; p < at.length; p++) {
    const t = at[p];
    if (t >= 0) o[t] += s[p];
  }
}
