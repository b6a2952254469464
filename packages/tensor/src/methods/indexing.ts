/**
 * Tensor methods: gathering and scattering by index or mask (ops/indexing.ts, ops/scatter.ts).
 * `x.gather(...)` is `gather(x, ...)`; tensor.ts imports this file for its effect (see install.ts).
 */

import * as ix from '../ops/indexing.js';
import * as sct from '../ops/scatter.js';
import { defineTensorMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * Picks values along `dim` at int32 `index` (same rank): out[i][j] = x[i][index[i][j]] for dim 1; out has
     * index's shape.
     *
     *   x.gather(1, idx)   // x [N, C], idx [N, 1] → [N, 1]
     */
    gather(dim: number, index: Tensor): Tensor;
    /**
     * The slices at the 1-D int32 `index` along `dim`, in that order.
     *
     *   x.indexSelect(0, tensor([2, 0], { dtype: 'int32' }))   // [5, 3] → [2, 3]
     */
    indexSelect(dim: number, index: Tensor): Tensor;
    /**
     * One-hot encoding of this int32 tensor of class indices: [...] → [..., numClasses] (-1: max + 1, a
     * synchronous read).
     *
     *   tensor([0, 2], { dtype: 'int32' }).oneHot(3)   // [[1, 0, 0], [0, 0, 1]]
     */
    oneHot(numClasses?: number, dtype?: 'int32' | 'float32'): Tensor;
    /**
     * A copy with `src` (or a number) written at int32 `index` along `dim`: out[index[i][j]][j] = src[i][j] for
     * dim 0.
     *
     *   zeros([3, 2]).scatter(0, idx, src)   // idx, src [1, 2] → [3, 2]
     */
    scatter(dim: number, index: Tensor, src: Tensor | number): Tensor;
    /**
     * A copy with `src` added at int32 `index` along `dim`: out[index[i][j]][j] += src[i][j] for dim 0.
     *
     *   zeros([3]).scatterAdd(0, tensor([0, 0, 2], { dtype: 'int32' }), ones([3]))   // [2, 0, 1]
     */
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    /**
     * A copy with alpha·source added at the 1-D int32 `index` along `dim`: out[..., index[i], ...] +=
     * alpha·source[..., i, ...].
     *
     *   zeros([4, 3]).indexAdd(0, idx, src)   // idx [2], src [2, 3] → [4, 3]
     */
    indexAdd(dim: number, index: Tensor, source: Tensor, alpha?: number): Tensor;
    /** int32 [count, ndim] coordinates of the non-zero elements (synchronous read). */
    nonzero(): Tensor;
    /**
     * The elements where the bool `mask` (broadcast) is true, as a 1-D tensor in row-major order (synchronous
     * read).
     *
     *   tensor([1, 2, 3]).maskedSelect(tensor([true, false, true]))   // [1, 3]
     */
    maskedSelect(mask: Tensor): Tensor;
  }
}

defineTensorMethods({
  gather(dim, index) {
    return ix.gather(this, dim, index);
  },
  indexSelect(dim, index) {
    return ix.indexSelect(this, dim, index);
  },
  oneHot(numClasses = -1, dtype = 'int32') {
    return ix.oneHot(this, numClasses, dtype);
  },
  scatter(dim, index, src) {
    return sct.scatter(this, dim, index, src);
  },
  scatterAdd(dim, index, src) {
    return sct.scatterAdd(this, dim, index, src);
  },
  indexAdd(dim, index, source, alpha = 1) {
    return sct.indexAdd(this, dim, index, source, alpha);
  },
  nonzero() {
    return sct.nonzero(this);
  },
  maskedSelect(mask) {
    return sct.maskedSelect(this, mask);
  },
});
