// Stable sort of each row of x [R, n] (float32 or int32) as (value, index) pairs: insertion sort
// on runs of 16, then bottom-up merges between two buffers, O(n log n). NaN sorts as the largest
// value (last ascending, first descending); equal values (and NaNs) keep their order.

/** Run length the insertion sort leaves for the merges. */
const RUN: i32 = 16;

/** True when a must come before b (strictly), so a merge takes b from the right run only then. */
@inline function before<T>(a: T, b: T, descending: bool): bool {
  if (isFloat<T>()) {
    if (descending) return a > b || (a != a && b == b);
    return a < b || (a == a && b != b);
  }
  return descending ? a > b : a < b;
}

/** Merges runs [lo, mid) and [mid, hi) of (sv, si) into (dv, di). */
@inline function merge<T>(sv: usize, si: usize, dv: usize, di: usize, lo: i32, mid: i32, hi: i32, descending: bool): void {
  let i = lo, j = mid, k = lo;
  const size = <usize>sizeof<T>();
  while (i < mid && j < hi) {
    const a = load<T>(sv + <usize>i * size);
    const b = load<T>(sv + <usize>j * size);
    if (before<T>(b, a, descending)) {
      store<T>(dv + <usize>k * size, b);
      store<i32>(di + (<usize>k << 2), load<i32>(si + (<usize>j << 2)));
      j++;
    } else {
      store<T>(dv + <usize>k * size, a);
      store<i32>(di + (<usize>k << 2), load<i32>(si + (<usize>i << 2)));
      i++;
    }
    k++;
  }
  if (i < mid) {
    memory.copy(dv + <usize>k * size, sv + <usize>i * size, <usize>(mid - i) * size);
    memory.copy(di + (<usize>k << 2), si + (<usize>i << 2), <usize>(mid - i) << 2);
  } else if (j < hi) {
    memory.copy(dv + <usize>k * size, sv + <usize>j * size, <usize>(hi - j) * size);
    memory.copy(di + (<usize>k << 2), si + (<usize>j << 2), <usize>(hi - j) << 2);
  }
}

@inline function sortRows<T>(x: usize, R: i32, n: i32, descending: bool, values: usize, indices: usize, scratch: usize): void {
  const size = <usize>sizeof<T>();
  const tv = scratch;
  const ti = scratch + <usize>n * size;
  for (let r = 0; r < R; r++) {
    const xv = x + <usize>(r * n) * size;
    let av = values + <usize>(r * n) * size;
    let ai = indices + (<usize>(r * n) << 2);
    let bv = tv;
    let bi = ti;
    // Runs of RUN by insertion sort (stable: an element moves left past strictly later ones only).
    for (let lo = 0; lo < n; lo += RUN) {
      const hi = min(n, lo + RUN);
      for (let i = lo; i < hi; i++) {
        const v = load<T>(xv + <usize>i * size);
        let j = i;
        while (j > lo && before<T>(v, load<T>(av + <usize>(j - 1) * size), descending)) {
          store<T>(av + <usize>j * size, load<T>(av + <usize>(j - 1) * size));
          store<i32>(ai + (<usize>j << 2), load<i32>(ai + (<usize>(j - 1) << 2)));
          j--;
        }
        store<T>(av + <usize>j * size, v);
        store<i32>(ai + (<usize>j << 2), i);
      }
    }
    // Merge passes, alternating between the output row and the scratch.
    let inOut = true;
    for (let width = RUN; width < n; width <<= 1) {
      for (let lo = 0; lo < n; lo += 2 * width) {
        const mid = min(n, lo + width);
        const hi = min(n, lo + 2 * width);
        merge<T>(av, ai, bv, bi, lo, mid, hi, descending);
      }
      const sv = av, si = ai;
      av = bv;
      ai = bi;
      bv = sv;
      bi = si;
      inOut = !inOut;
    }
    if (!inOut) {
      // The sorted row ended in the scratch: copy it into the outputs.
      memory.copy(bv, av, <usize>n * size);
      memory.copy(bi, ai, <usize>n << 2);
    }
  }
}

/** Bytes of scratch sortRows needs for rows of n elements. */
export function sortScratchBytes(n: i32): i32 {
  return n * 8;
}

/** Sorts each row of x [R, n] (isInt: int32, else float32) into values and indices (int32) [R, n]. */
export function sortRows32(isInt: bool, x: usize, R: i32, n: i32, descending: bool, values: usize, indices: usize, scratch: usize): void {
  if (isInt) sortRows<i32>(x, R, n, descending, values, indices, scratch);
  else sortRows<f32>(x, R, n, descending, values, indices, scratch);
}
