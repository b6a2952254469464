// Reductions along one run of axes (x viewed as [outer, len, inner]), and arg-reductions.

import { ArgReduce, Reduce } from '../src/codes';

/** Reduces rows: x viewed as [outer, len, inner], out [outer, inner]; op a Reduce code. */
export function reduceF32(op: i32, x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  const init: f32 = op == Reduce.sum ? 0 : op == Reduce.prod ? 1 : op == Reduce.max ? -Infinity : Infinity;
  for (let p = 0; p < outer; p++) {
    const ob = out + (<usize>(p * inner) << 2);
    for (let q = 0; q < inner; q++) store<f32>(ob + (<usize>q << 2), init);
    for (let i = 0; i < len; i++) {
      const xb = x + (<usize>((p * len + i) * inner) << 2);
      if (op == 0) {
        let q = 0;
        for (; q + 4 <= inner; q += 4) {
          const off = <usize>q << 2;
          v128.store(ob + off, f32x4.add(v128.load(ob + off), v128.load(xb + off)));
        }
        for (; q < inner; q++) store<f32>(ob + (<usize>q << 2), load<f32>(ob + (<usize>q << 2)) + load<f32>(xb + (<usize>q << 2)));
      } else {
        for (let q = 0; q < inner; q++) {
          const at = ob + (<usize>q << 2);
          const acc = load<f32>(at);
          const v = load<f32>(xb + (<usize>q << 2));
          let r: f32;
          if (op == 3) r = acc * v;
          else if (acc != acc || v != v) r = NaN;
          else if (op == 1) r = v > acc ? v : acc;
          else r = v < acc ? v : acc;
          store<f32>(at, r);
        }
      }
    }
  }
}

/** Sums of contiguous rows: out[r] = Σ x[r·len .. r·len + len). */
export function rowSumF32(x: usize, out: usize, rows: i32, len: i32): void {
  for (let r = 0; r < rows; r++) {
    const xb = x + (<usize>(r * len) << 2);
    let acc = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= len; i += 4) acc = f32x4.add(acc, v128.load(xb + (<usize>i << 2)));
    let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; i < len; i++) s += load<f32>(xb + (<usize>i << 2));
    store<f32>(out + (<usize>r << 2), s);
  }
}

/** Index of the first max or min (an ArgReduce code) of x viewed as [outer, len, inner]; NaN wins. */
@inline function argReduce<T>(op: i32, x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const base = x + (<usize>(o * len * inner + q) << 2);
      let best = 0;
      let bv = load<T>(base);
      // bv == bv and v != v only matter for floats (a NaN wins and ends the search).
      for (let i = 1; i < len && bv == bv; i++) {
        const v = load<T>(base + (<usize>(i * inner) << 2));
        if (v != v || (op == ArgReduce.argmax ? v > bv : v < bv)) {
          bv = v;
          best = i;
        }
      }
      store<i32>(out + (<usize>(o * inner + q) << 2), best);
    }
  }
}

export function argReduceF32(op: i32, x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  argReduce<f32>(op, x, out, outer, len, inner);
}

export function argReduceI32(op: i32, x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  argReduce<i32>(op, x, out, outer, len, inner);
}

