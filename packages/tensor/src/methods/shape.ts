/**
 * Tensor methods: shape ops that copy: repeats, flips, padding, diagonals and triangles
 * (ops/shape_extra.ts, ops/masking.ts).
 * `x.repeat(...)` is `repeat(x, ...)`; tensor.ts imports this file for its effect (see install.ts).
 */

import * as mk from '../ops/masking.js';
import * as shx from '../ops/shape_extra.js';
import type { Dims } from '../tensor.js';
import { defineTensorMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /** Repeats along each dim (`repeats` has at least one entry per dim). */
    repeat(repeats: readonly number[]): Tensor;
    /**
     * Like repeat, but a `reps` shorter than ndim is padded with leading 1s (NumPy's tile).
     *
     *   x.tile([2])   // [2, 3] → [2, 6]
     */
    tile(reps: readonly number[]): Tensor;
    /**
     * Reverses the order of elements along each of `dims` (a copy).
     *
     *   tensor([1, 2, 3]).flip(0)   // [3, 2, 1]
     */
    flip(dims: Dims): Tensor;
    /**
     * Rolls elements by `shifts` along `dims` (wrapping around); without dims, the flattened tensor is rolled.
     *
     *   tensor([1, 2, 3, 4]).roll(1)   // [4, 1, 2, 3]
     */
    roll(shifts: number | readonly number[], dims?: Dims): Tensor;
    /** Pads the last dims: [left, right, top, bottom, ...] (PyTorch's F.pad order). */
    pad(padding: readonly number[], options?: shx.PadOptions): Tensor;
    /**
     * 1-D → the square matrix with it on diagonal `diagonal`; 2-D → that diagonal as a 1-D tensor.
     *
     *   tensor([1, 2]).diag()   // [[1, 0], [0, 2]]
     */
    diag(diagonal?: number): Tensor;
    /** The lower triangle of the last two dims (col - row <= diagonal), the rest 0. */
    tril(diagonal?: number): Tensor;
    /** The upper triangle of the last two dims (col - row >= diagonal), the rest 0. */
    triu(diagonal?: number): Tensor;
  }
}

defineTensorMethods({
  repeat(repeats) {
    return shx.repeat(this, repeats);
  },
  tile(reps) {
    return shx.tile(this, reps);
  },
  flip(dims) {
    return shx.flip(this, dims);
  },
  roll(shifts, dims) {
    return shx.roll(this, shifts, dims);
  },
  pad(padding, options = {}) {
    return shx.pad(this, padding, options);
  },
  diag(diagonal = 0) {
    return shx.diag(this, diagonal);
  },
  tril(diagonal = 0) {
    return mk.tril(this, diagonal);
  },
  triu(diagonal = 0) {
    return mk.triu(this, diagonal);
  },
});
