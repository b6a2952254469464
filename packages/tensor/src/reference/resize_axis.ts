/**
 * Reference decomposition of the optional kernel `resizeAxis` (see `OptionalKernels.resizeAxis`):
 * the source positions of PyTorch's index rules computed on the host, then one `indexSelect`
 * (nearest) or two and a blend (linear) along the axis.
 */
import type { ResizeAxisParams, TensorInfo } from '../backend.js';
import { add, mul } from '../ops/binary.js';
import { fromTypedArray } from '../ops/creation.js';
import { indexSelect } from '../ops/indexing.js';
import type { Tensor } from '../tensor.js';
import { borrow, runReference, writeTo } from './borrow.js';

/** The source rows of one resize: i0, i1 (int32) and λ per output position (nearest: i0 only). */
export interface ResizeTable {
  /** Per output position, the lower (or, for nearest, the only) source index ⌊src⌋. */
  readonly i0: Int32Array;
  /** Per output position, the upper source index min(i0 + 1, in − 1) (nearest: equal to i0). */
  readonly i1: Int32Array;
  /** Per output position, the weight λ = src − i0 of x[i1] (out = (1 − λ)·x[i0] + λ·x[i1]). */
  readonly lambda: Float32Array;
}

/**
 * Nearest's source row for output position `i`: min(⌊i·scale⌋, in − 1) with the product taken in
 * float32 (scale rounded to float32, then the product), as PyTorch does; exact arithmetic differs at
 * some sizes (in = 2, out = 82, i = 41: PyTorch and this give 0, exact 41·2/82 gives 1).
 *
 * ```ts
 * nearestSource(41, 2 / 82, 2)   // 0
 * ```
 */
export function nearestSource(i: number, scale: number, inSize: number): number {
  return Math.min(Math.floor(Math.fround(i * Math.fround(scale))), inSize - 1);
}

/**
 * The index rule of `ResizeAxisParams` for an axis of `inSize` resized to `outSize`:
 *   nearest: i0 = min(⌊fround(i·fround(scale))⌋, in − 1), λ = 0 (float32 arithmetic, as PyTorch)
 *   linear:  src = i·(in − 1)/(out − 1) with alignCorners, else max((i + ½)·scale − ½, 0);
 *            i0 = ⌊src⌋, i1 = min(i0 + 1, in − 1), λ = src − i0
 *
 * ```ts
 * resizeTable(2, 4, { axis: 0, mode: 'nearest', alignCorners: false, scale: 0.5 }).i0 // [0, 0, 1, 1]
 * ```
 */
export function resizeTable(inSize: number, outSize: number, p: ResizeAxisParams): ResizeTable {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const lambda = new Float32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    if (p.mode === 'nearest') {
      i0[i] = i1[i] = nearestSource(i, p.scale, inSize);
      continue;
    }
    const src = p.alignCorners
      ? outSize > 1
        ? (i * (inSize - 1)) / (outSize - 1)
        : 0
      : Math.max((i + 0.5) * p.scale - 0.5, 0);
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[i] = lo;
    i1[i] = Math.min(lo + 1, inSize - 1);
    lambda[i] = src - lo;
  }
  return { i0, i1, lambda };
}

/** A [1, ..., n, ..., 1] view of per-position weights along `axis` of a rank-`rank` tensor. */
export function alongAxis(values: Float32Array, axis: number, rank: number): Tensor {
  const shape = Array.from({ length: rank }, (_, j) => (j === axis ? values.length : 1));
  return fromTypedArray(values, shape, 'float32');
}

/** resizeAxis by decomposition: out = (1 − λ)·x[i0] + λ·x[i1] along params.axis. */
export function resizeAxisReference(x: TensorInfo, params: ResizeAxisParams, out: TensorInfo): void {
  runReference(() => {
    const { axis } = params;
    const o = out.shape[axis];
    const t = resizeTable(x.shape[axis], o, params);
    const xt = borrow(x);
    const a = indexSelect(xt, axis, fromTypedArray(t.i0, [o], 'int32'));
    if (params.mode === 'nearest') {
      writeTo(out, a);
      return;
    }
    const b = indexSelect(xt, axis, fromTypedArray(t.i1, [o], 'int32'));
    const rank = x.shape.length;
    const wa = alongAxis(
      t.lambda.map((l) => 1 - l),
      axis,
      rank,
    );
    writeTo(out, add(mul(a, wa), mul(b, alongAxis(t.lambda, axis, rank))));
  });
}
