/** softmax / logSoftmax along one axis: shift by the max, exponentiate, normalise. */
import type { TensorInfo } from '@nnet/tensor';
import { sizeOf } from '@nnet/tensor';
import type { CpuHandle } from '../handle.js';

/**
 * A tensor argument of the kernels: a CPU storage (one typed array) with its shape and strides.
 * @inline
 */
type T = TensorInfo<CpuHandle>;

function run(x: T, axis: number, out: T, logarithm: boolean): void {
  const a = x.handle.data;
  const o = out.handle.data;
  const outer = sizeOf(x.shape.slice(0, axis));
  const len = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      const base = p * len * inner + q;
      let m = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < len; i++) {
        const v = a[base + i * inner];
        if (v > m || v !== v) m = v;
      }
      // An all −∞ row shifts by 0 (its result is NaN, as PyTorch's); a +∞ entry makes the row NaN.
      if (m === Number.NEGATIVE_INFINITY) m = 0;
      let s = 0;
      for (let i = 0; i < len; i++) s += Math.exp(a[base + i * inner] - m);
      if (logarithm) {
        const ls = Math.log(s);
        for (let i = 0; i < len; i++) o[base + i * inner] = a[base + i * inner] - m - ls;
      } else {
        for (let i = 0; i < len; i++) o[base + i * inner] = Math.exp(a[base + i * inner] - m) / s;
      }
    }
  }
}

export function softmax(x: T, axis: number, out: T): void {
  run(x, axis, out, false);
}

export function logSoftmax(x: T, axis: number, out: T): void {
  run(x, axis, out, true);
}
