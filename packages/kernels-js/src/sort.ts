/** Stable row sort (`OptionalKernels.sortRows`) by an index merge sort on typed arrays. */
import type { TypedArray } from '@nnet/tensor';
import type { Dense as T } from './handle.js';

/** Runs shorter than this are insertion-sorted before the merge passes. */
const RUN = 16;

/**
 * Sorts the positions p[lo..hi) of one row (values a[base + p[i]], no NaN among them) by value,
 * ascending or descending, keeping equal values in their order: insertion-sorted runs of RUN,
 * then bottom-up merges between p and the scratch s that take from the right run only when its
 * value sorts strictly first.
 */
function mergeSortPositions(
  a: TypedArray,
  base: number,
  p: Int32Array,
  s: Int32Array,
  lo: number,
  hi: number,
  descending: boolean,
): void {
  for (let start = lo; start < hi; start += RUN) {
    const end = Math.min(start + RUN, hi);
    for (let i = start + 1; i < end; i++) {
      const pi = p[i];
      const v = a[base + pi];
      let j = i - 1;
      while (j >= start && (descending ? v > a[base + p[j]] : v < a[base + p[j]])) {
        p[j + 1] = p[j];
        j--;
      }
      p[j + 1] = pi;
    }
  }
  let src = p;
  let dst = s;
  for (let width = RUN; width < hi - lo; width *= 2) {
    for (let left = lo; left < hi; left += 2 * width) {
      const mid = Math.min(left + width, hi);
      const right = Math.min(left + 2 * width, hi);
      let i = left;
      let j = mid;
      let k = left;
      while (i < mid && j < right) {
        const vi = a[base + src[i]];
        const vj = a[base + src[j]];
        if (descending ? vj > vi : vj < vi) dst[k++] = src[j++];
        else dst[k++] = src[i++];
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < right) dst[k++] = src[j++];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== p) p.set(src.subarray(lo, hi), lo);
}

/**
 * Sorts each row of x [R, n] (float32 or int32) ascending, or descending when `descending`
 * (`OptionalKernels.sortRows`): stable (equal values keep their order), NaN the largest value
 * (last ascending, first descending, NaNs in their order). Writes values [R, n] (x's dtype) and
 * indices int32 [R, n], each element's position in its row.
 *
 * @example
 * ```ts
 * const x: Dense = { handle: { data: new Float32Array([3, Number.NaN, 1, 3]) }, dtype: 'float32', shape: [1, 4] };
 * const values: Dense = { handle: { data: new Float32Array([0, 0, 0, 0]) }, dtype: 'float32', shape: [1, 4] };
 * const indices: Dense = { handle: { data: new Int32Array([0, 0, 0, 0]) }, dtype: 'int32', shape: [1, 4] };
 * sortRows(x, false, values, indices);
 * values.handle.data; // Float32Array [1, 3, 3, NaN]
 * indices.handle.data; // Int32Array [2, 0, 3, 1]
 * ```
 */
export function sortRows(x: T, descending: boolean, values: T, indices: T): void {
  const [R, n] = x.shape;
  if (R * n === 0) return;
  const a = x.handle.data;
  const v = values.handle.data;
  const ix = indices.handle.data;
  const p = new Int32Array(n);
  const s = new Int32Array(n);
  for (let r = 0; r < R; r++) {
    const base = r * n;
    let nans = 0;
    for (let i = 0; i < n; i++) if (a[base + i] !== a[base + i]) nans++;
    // The numbers go to [lo, hi), the NaNs in their order before (descending) or after them.
    const lo = descending ? nans : 0;
    const hi = lo + n - nans;
    let num = lo;
    let nan = descending ? 0 : hi;
    for (let i = 0; i < n; i++) {
      if (a[base + i] !== a[base + i]) p[nan++] = i;
      else p[num++] = i;
    }
    mergeSortPositions(a, base, p, s, lo, hi, descending);
    for (let i = 0; i < n; i++) {
      ix[base + i] = p[i];
      v[base + i] = a[base + p[i]];
    }
  }
}
