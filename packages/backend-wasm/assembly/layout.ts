// Layout kernels on 32-bit elements: materialising strided views, and PyTorch's gather /
// scatter_add addressing.

import { Limit } from '../src/codes';
import { lastOf, odometer, sizeOfShape, zeroWords } from './iterate';

/**
 * Materialises a strided view of 4-byte elements: the block `p` is
 * [rank, shape[rank], strides[rank], offset].
 */
export function copyStrided32(src: usize, out: usize, p: usize): void {
  const rank = load<i32>(p);
  const shape = p + 4;
  const strides = shape + (<usize>rank << 2);
  const offset = load<i32>(strides + (<usize>rank << 2));
  const n = sizeOfShape(shape, rank);
  if (n == 0) return;
  if (rank == 0) {
    store<u32>(out, load<u32>(src + (<usize>offset << 2)));
    return;
  }
  const inner = lastOf(shape, rank, 1);
  const is = lastOf(strides, rank, 0);
  const idx = memory.data(Limit.rank << 2);
  zeroWords(idx, Limit.rank);
  let base = offset;
  for (let start = 0; start < n; start += inner) {
    const po = out + (<usize>start << 2);
    if (is == 1) {
      memory.copy(po, src + (<usize>base << 2), <usize>inner << 2);
    } else {
      for (let i = 0; i < inner; i++) store<u32>(po + (<usize>i << 2), load<u32>(src + (<usize>(base + i * is) << 2)));
    }
    base = odometer(idx, rank - 2, shape, strides, -1, base);
  }
}

/**
 * Walks the positions of an index tensor (block [rank, axis, axisLen, indexShape...,
 * targetStrides...]) where the target's coordinate along `axis` is the index value: PyTorch's
 * gather / scatter_add addressing. mode 0: out[p] = x[t] (32-bit copy); 1: x[t] += src[p]
 * (float32); 2: x[t] += src[p] (int32). An index outside [0, axisLen) never touches x: gather
 * writes 0, scatter-add drops the contribution.
 */
@inline function alongIndex(mode: i32, x: usize, index: usize, other: usize, p: usize): void {
  const rank = load<i32>(p);
  const axis = load<i32>(p, 4);
  const len = <u32>load<i32>(p, 8);
  const shape = p + 12;
  const ts = shape + (<usize>rank << 2);
  const n = sizeOfShape(shape, rank);
  const idx = memory.data(Limit.rank << 2);
  zeroWords(idx, Limit.rank);
  const axisStride = rank > 0 ? load<i32>(ts + (<usize>axis << 2)) : 1;
  let base = 0;
  for (let q = 0; q < n; q++) {
    const i = load<i32>(index + (<usize>q << 2));
    const here = other + (<usize>q << 2);
    // One unsigned compare rejects negative indices too.
    if (<u32>i < len) {
      const at = x + (<usize>(base + i * axisStride) << 2);
      if (mode == 0) store<i32>(here, load<i32>(at));
      else if (mode == 1) store<f32>(at, load<f32>(at) + load<f32>(here));
      else store<i32>(at, load<i32>(at) + load<i32>(here));
    } else if (mode == 0) store<i32>(here, 0);
    base = odometer(idx, rank - 1, shape, ts, axis, base);
  }
}

/** PyTorch gather on 32-bit data: out[p] = x[target(p)], 0 for an out-of-range index. */
export function gather32(x: usize, index: usize, out: usize, p: usize): void {
  alongIndex(0, x, index, out, p);
}

/** PyTorch scatter_add_ in place: out[target(p)] += src[p]; isInt: int32 data, else float32. */
export function scatterAdd32(isInt: i32, out: usize, index: usize, src: usize, p: usize): void {
  alongIndex(isInt ? 2 : 1, out, index, src, p);
}
