import { IndexError, ShapeError } from './errors.js';

/** A tensor shape: one size per dim, [] for a 0-d tensor (e.g. [2, 3]). */
export type Shape = readonly number[];

/**
 * Number of elements of a shape (1 for the 0-d shape `[]`).
 *
 * ```ts
 * sizeOf([2, 3])   // 6
 * sizeOf([])   // 1
 * ```
 */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Row-major strides of a dense tensor of this shape.
 *
 * ```ts
 * contiguousStrides([2, 3, 4])   // [12, 4, 1]
 * ```
 */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * True when two shapes have the same rank and sizes.
 *
 * ```ts
 * shapesEqual([2, 3], [2, 3])   // true
 * ```
 */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * `[2, 3]` -> `"[2, 3]"`, for error messages.
 *
 * ```ts
 * fmtShape([2, 3])   // '[2, 3]'
 * ```
 */
export function fmtShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/**
 * NumPy broadcasting of two or more shapes; throws a ShapeError naming the op otherwise.
 *
 * ```ts
 * broadcastShapes('add', [2, 1], [3])   // [2, 3]
 * broadcastShapes('add', [2], [3])   // throws ShapeError "add: shapes [2] and [3] cannot be broadcast together ..."
 * ```
 */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i];
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) {
        out[o] = d;
        continue;
      }
      throw new ShapeError(
        `${op}: shapes ${shapes.map(fmtShape).join(' and ')} cannot be broadcast together ` +
          `(dim ${i - s.length} is ${d} vs ${out[o]}). Each dim must match or be 1; ` +
          'reshape or unsqueeze one operand so the trailing dims line up.',
      );
    }
  }
  return out;
}

/**
 * Left-pads a shape with 1s to `rank`.
 *
 * ```ts
 * padShape([3], 3)   // [1, 1, 3]
 * ```
 */
export function padShape(shape: Shape, rank: number): number[] {
  const pad = rank - shape.length;
  const out = new Array<number>(Math.max(rank, shape.length));
  for (let i = 0; i < pad; i++) out[i] = 1;
  for (let i = 0; i < shape.length; i++) out[Math.max(pad, 0) + i] = shape[i];
  return out;
}

/**
 * Resolves a possibly negative dim against `ndim`; throws an IndexError naming the op otherwise.
 *
 * ```ts
 * normalizeDim('sum', -1, 3)   // 2
 * normalizeDim('sum', 3, 3)   // throws IndexError "sum: dim 3 is out of range for 3-d input; use a dim in [-3, 2]."
 * ```
 */
export function normalizeDim(op: string, dim: number, ndim: number, shape?: Shape): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    const where = shape ? ` of a tensor with shape ${fmtShape(shape)}` : '';
    throw new IndexError(
      `${op}: dim ${dim} is out of range for ${ndim}-d input${where}; use a dim in [${-n}, ${n - 1}].`,
    );
  }
  return dim < 0 ? dim + n : dim;
}

/**
 * Resolves `dim` (a number, a list, or undefined for all dims) into sorted distinct dims.
 *
 * ```ts
 * normalizeDims('sum', [-1, 0], [2, 3, 4])   // [0, 2]
 * normalizeDims('sum', undefined, [2, 3])   // [0, 1] (all dims)
 * ```
 */
export function normalizeDims(
  op: string,
  dim: number | readonly number[] | undefined,
  shape: Shape,
): number[] {
  const ndim = shape.length;
  if (dim === undefined) return Array.from({ length: ndim }, (_, i) => i);
  if (typeof dim !== 'number' && !Array.isArray(dim)) {
    throw new IndexError(
      `${op}: dim must be a number or a list of numbers, got ${typeof dim === 'string' ? JSON.stringify(dim) : String(dim)}; e.g. ${op}(x, 0) or ${op}(x, [0, 1]).`,
    );
  }
  const list = typeof dim === 'number' ? [dim] : dim;
  const dims = list.map((d) => normalizeDim(op, d, ndim, shape));
  const sorted = [...new Set(dims)].sort((a, b) => a - b);
  if (sorted.length !== dims.length) {
    throw new IndexError(`${op}: dim ${fmtShape(list)} repeats a dim; list each dim once.`);
  }
  return sorted;
}

/**
 * For each element of a dense tensor of `outShape` (row-major), the offset of the element it
 * reads from a dense input of `inShape` (same rank, each dim equal or 1: broadcasting).
 *
 * ```ts
 * broadcastOffsets([2, 3], [1, 3])   // Int32Array [0, 1, 2, 0, 1, 2]
 * broadcastOffsets([2, 3], [2, 1])   // Int32Array [0, 0, 0, 1, 1, 1]
 * ```
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

/**
 * For gather/scatter kernels: for each position p of a dense `shape` (an index tensor's), the
 * offset in a dense `targetShape` of the same position with its `axis` coordinate replaced by
 * index[p], or -1 where index[p] lies outside [0, targetShape[axis]) (so a bad index is never
 * dereferenced). `shape` and `targetShape` have one rank; a 0-d shape reads index[0] as the offset.
 *
 * ```ts
 * // gather along axis 1 of a [2, 3] source into a [2, 2] result, index [[2, 0], [1, 5]]:
 * alongOffsets([2, 2], 1, [2, 3], [2, 0, 1, 5])   // Int32Array [2, 0, 4, -1]
 * ```
 */
export function alongOffsets(
  shape: Shape,
  axis: number,
  targetShape: Shape,
  index: ArrayLike<number>,
): Int32Array {
  const n = sizeOf(shape);
  const rank = shape.length;
  const offsets = new Int32Array(n);
  const ts = contiguousStrides(targetShape);
  const len = rank === 0 ? 1 : targetShape[axis];
  const axisStride = rank === 0 ? 1 : ts[axis];
  const idx = new Array<number>(rank).fill(0);
  let base = 0; // offset in the target of the current position with the axis coordinate left out
  for (let p = 0; p < n; p++) {
    const i = index[p];
    offsets[p] = i >= 0 && i < len ? base + i * axisStride : -1;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      if (d !== axis) base += ts[d];
      if (idx[d] < shape[d]) break;
      if (d !== axis) base -= idx[d] * ts[d];
      idx[d] = 0;
    }
  }
  return offsets;
}

/**
 * For gather/scatter kernels: walks every position p of a dense `shape` and calls
 * fn(p, t) with t the offset in a dense `targetShape` of the same position, its `axis`
 * coordinate replaced by index[p] (t = -1 where index[p] lies outside [0, targetShape[axis]);
 * the offsets of `alongOffsets`).
 *
 * ```ts
 * // gather along axis 1 of a [2, 3] source into a [2, 2] result, index [[2, 0], [1, 1]]:
 * const src = [10, 11, 12, 20, 21, 22];
 * const out = [0, 0, 0, 0];
 * forEachAlong([2, 2], 1, [2, 3], [2, 0, 1, 1], (p, t) => {
 *   out[p] = src[t];
 * });
 * // (p, t) visited: (0, 2), (1, 0), (2, 4), (3, 4)
 * out   // [12, 10, 21, 21]
 * ```
 */
export function forEachAlong(
  shape: Shape,
  axis: number,
  targetShape: Shape,
  index: ArrayLike<number>,
  fn: (p: number, target: number) => void,
): void {
  const offsets = alongOffsets(shape, axis, targetShape, index);
  for (let p = 0; p < offsets.length; p++) fn(p, offsets[p]);
}
