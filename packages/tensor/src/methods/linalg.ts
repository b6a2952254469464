/**
 * Tensor methods: products, distances and attention (ops/matmul.ts, ops/shape_extra.ts,
 * ops/reduce_extra.ts, ops/attention.ts).
 * `x.matmul(...)` is `matmul(x, ...)`; tensor.ts imports this file for its effect (see install.ts).
 */

import * as at from '../ops/attention.js';
import * as mm from '../ops/matmul.js';
import * as rx from '../ops/reduce_extra.js';
import * as shx from '../ops/shape_extra.js';
import { defineTensorMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * Matrix product of float32 tensors with PyTorch's rules (1-D operands, batch dims broadcast).
     *
     *   a.matmul(b)   // [B, n, k] @ [k, m] → [B, n, m]
     */
    matmul(other: Tensor): Tensor;
    /**
     * Outer product of two 1-D tensors: out[i, j] = this[i]·other[j].
     *
     *   a.outer(b)   // [3], [4] → [3, 4]
     */
    outer(other: Tensor): Tensor;
    /**
     * x·y / max(‖x‖·‖y‖, eps) along `dim` (default 1) of this and `other`, broadcasting; that dim is removed.
     *
     *   a.cosineSimilarity(b)   // [8, 16], [8, 16] → [8]
     */
    cosineSimilarity(other: Tensor, dim?: number, eps?: number): Tensor;
    /**
     * Pairwise p-norm distances between the rows of this [..., P, M] and `other` [..., R, M] → [..., P, R].
     *
     *   a.cdist(b)   // [5, 3], [4, 3] → [5, 4]
     */
    cdist(other: Tensor, p?: number): Tensor;
    /** Scaled dot-product attention with this tensor as the queries [..., L, E]. */
    scaledDotProductAttention(k: Tensor, v: Tensor, options?: at.AttentionOptions): Tensor;
  }
}

defineTensorMethods({
  matmul(other) {
    return mm.matmul(this, other);
  },
  outer(other) {
    return shx.outer(this, other);
  },
  cosineSimilarity(other, dim = 1, eps = 1e-8) {
    return rx.cosineSimilarity(this, other, dim, eps);
  },
  cdist(other, p = 2) {
    return rx.cdist(this, other, p);
  },
  scaledDotProductAttention(k, v, options = {}) {
    return at.scaledDotProductAttention(this, k, v, options);
  },
});
