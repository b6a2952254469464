/** Shared index helpers for broadcasting and strided kernels. */
import { contiguousStrides, sizeOf } from '@nnet/tensor';

/**
 * For each element of a dense tensor of `outShape` (row-major), the offset of the element it
 * reads from a dense input of `inShape` (same rank, each dim equal or 1: broadcasting).
 */
export function broadcastOffsets(outShape: readonly number[], inShape: readonly number[]): Int32Array {
  const n = sizeOf(outShape);
  const rank = outShape.length;
  const inStrides = contiguousStrides(inShape).map((s, d) => (inShape[d] === 1 ? 0 : s));
  const offsets = new Int32Array(n);
  if (rank === 0) return offsets;
  const inner = outShape[rank - 1];
  const innerStride = inStrides[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let base = 0;
  for (let p = 0; p < n; p += inner) {
    for (let i = 0; i < inner; i++) offsets[p + i] = base + i * innerStride;
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      base += inStrides[d];
      if (idx[d] < outShape[d]) break;
      base -= idx[d] * inStrides[d];
      idx[d] = 0;
    }
  }
  return offsets;
}

export function isScalarShape(shape: readonly number[]): boolean {
  return sizeOf(shape) === 1;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
