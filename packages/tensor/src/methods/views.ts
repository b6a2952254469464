/**
 * Tensor methods: views, copies and joins (ops/views.ts, ops/creation.ts's assign, ops/join.ts).
 * `x.reshape(...)` is `reshape(x, ...)`; tensor.ts imports this file for its effect (see install.ts).
 */

import * as cr from '../ops/creation.js';
import * as j from '../ops/join.js';
import * as v from '../ops/views.js';
import type { Dims } from '../tensor.js';
import { defineTensorMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * The same elements in a new shape (a view when the strides allow, else a copy); one entry may be -1.
     *
     *   x.reshape([3, -1])   // [2, 6] → [3, 4]
     */
    reshape(shape: readonly number[]): Tensor;
    /**
     * The same storage in a new shape; throws ShapeError if this tensor is not contiguous (use reshape then).
     *
     *   x.view([6])   // [2, 3] → [6]
     */
    view(shape: readonly number[]): Tensor;
    /**
     * Swaps dims `dim0` and `dim1` (a view).
     *
     *   x.transpose(0, 1)   // [2, 3] → [3, 2]
     */
    transpose(dim0: number, dim1: number): Tensor;
    /** Transpose of a 2-D tensor (or a no-op for 0-d and 1-d). */
    t(): Tensor;
    /**
     * Reorders the dims: dim i of the result is dim `dims[i]` of this tensor (a view).
     *
     *   x.permute([2, 0, 1])   // [2, 3, 4] → [4, 2, 3]
     */
    permute(dims: readonly number[]): Tensor;
    /**
     * Removes dims of size 1 (all of them, or the listed ones that have size 1); a view.
     *
     *   x.squeeze()   // [2, 1, 3] → [2, 3]
     */
    squeeze(dim?: Dims): Tensor;
    /**
     * Inserts a dim of size 1 at `dim` (a view).
     *
     *   x.unsqueeze(0)   // [2, 3] → [1, 2, 3]
     */
    unsqueeze(dim: number): Tensor;
    /**
     * Broadcasts size-1 dims to larger sizes without copying (stride 0); -1 keeps a size.
     *
     *   x.expand([4, 3])   // [1, 3] → [4, 3]
     */
    expand(shape: readonly number[]): Tensor;
    /**
     * `expand` to the shape of `other`.
     *
     *   x.expandAs(y)   // [1, 3] → [4, 3] when y is [4, 3]
     */
    expandAs(other: Tensor): Tensor;
    /**
     * Elements [start, start + length) along `dim` (a view).
     *
     *   x.narrow(1, 1, 2)   // [4, 5] → [4, 2]
     */
    narrow(dim: number, start: number, length: number): Tensor;
    /** Python-like slice along one dim: `x.slice(0, 1, 3)` is `x[1:3]`. */
    slice(dim: number, start?: number, end?: number, step?: number): Tensor;
    /**
     * The sub-tensor at `index` along `dim`, with that dim removed (a view; negative index counts from the
     * end).
     *
     *   x.select(0, 1)   // [4, 5] → [5] (row 1)
     */
    select(dim: number, index: number): Tensor;
    /**
     * Merges dims `startDim`..`endDim` (inclusive) into one.
     *
     *   x.flatten(1)   // [2, 3, 4] → [2, 12]
     */
    flatten(startDim?: number, endDim?: number): Tensor;
    /**
     * Views along `dim`: pieces of size `splitSizeOrSections` (the last may be smaller) or the listed sizes.
     *
     *   x.split(2)   // [5, 3] → [2, 3], [2, 3], [1, 3]
     */
    split(splitSizeOrSections: number | readonly number[], dim?: number): Tensor[];
    /**
     * `chunks` nearly equal views along `dim` (the last may be smaller, as in PyTorch).
     *
     *   x.chunk(2, 1)   // [4, 6] → [4, 3], [4, 3]
     */
    chunk(chunks: number, dim?: number): Tensor[];
    /**
     * A view of this tensor if it is dense (row-major, no gaps, from element 0), else a row-major copy.
     *
     *   x.t().contiguous()   // [3, 2], dense storage
     */
    contiguous(): Tensor;
    /** A copy with its own storage (tracked by autograd like an identity op). */
    clone(): Tensor;
    /** A tensor sharing this storage, cut from the autograd graph. */
    detach(): Tensor;
    /**
     * Copies `src`'s values into this tensor's storage in place (no gradient is recorded). Used by
     * optimizers and `loadStateDict`. Shapes must match; dtypes are converted.
     */
    assign(src: Tensor): this;
  }
}

defineTensorMethods({
  reshape(shape) {
    return v.reshape(this, shape);
  },
  view(shape) {
    return v.view(this, shape);
  },
  transpose(dim0, dim1) {
    return v.transpose(this, dim0, dim1);
  },
  t() {
    return v.t(this);
  },
  permute(dims) {
    return v.permute(this, dims);
  },
  squeeze(dim) {
    return v.squeeze(this, dim);
  },
  unsqueeze(dim) {
    return v.unsqueeze(this, dim);
  },
  expand(shape) {
    return v.expand(this, shape);
  },
  expandAs(other) {
    return v.expand(this, other.shape);
  },
  narrow(dim, start, length) {
    return v.narrow(this, dim, start, length);
  },
  slice(dim, start, end, step) {
    return v.slice(this, dim, start, end, step);
  },
  select(dim, index) {
    return v.select(this, dim, index);
  },
  flatten(startDim = 0, endDim = -1) {
    return v.flatten(this, startDim, endDim);
  },
  split(splitSizeOrSections, dim = 0) {
    return j.split(this, splitSizeOrSections, dim);
  },
  chunk(chunks, dim = 0) {
    return j.chunk(this, chunks, dim);
  },
  contiguous() {
    return v.contiguous(this);
  },
  clone() {
    return v.clone(this);
  },
  detach() {
    return v.detach(this);
  },
  assign(src) {
    cr.assign(this, src);
    return this;
  },
});
