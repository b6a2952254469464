/**
 * Tensor methods: reductions and scans (ops/reduce.ts, ops/reduce_extra.ts, ops/scan.ts).
 * `x.sum(...)` is `sum(x, ...)`; tensor.ts imports this file for its effect (see install.ts).
 */

import * as r from '../ops/reduce.js';
import * as rx from '../ops/reduce_extra.js';
import * as scn from '../ops/scan.js';
import type { Dims } from '../tensor.js';
import { defineTensorMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * Sum over `dim` (all dims if undefined, giving a 0-d tensor); `keepdim` keeps reduced dims as size 1.
     *
     *   x.sum(1)   // [2, 3] → [2];  x.sum()  // 0-d
     */
    sum(dim?: Dims, keepdim?: boolean): Tensor;
    /**
     * Mean over `dim` (all dims if undefined); `keepdim` keeps reduced dims as size 1.
     *
     *   x.mean(0, true)   // [2, 3] → [1, 3]
     */
    mean(dim?: Dims, keepdim?: boolean): Tensor;
    /**
     * Maximum over `dim` (all dims if undefined); the values only (use argmax for indices).
     *
     *   tensor([[1, 5], [7, 2]]).max(1)   // [5, 7]
     */
    max(dim?: Dims, keepdim?: boolean): Tensor;
    /**
     * Minimum over `dim` (all dims if undefined); the values only (use argmin for indices).
     *
     *   tensor([[1, 5], [7, 2]]).min(1)   // [1, 2]
     */
    min(dim?: Dims, keepdim?: boolean): Tensor;
    /**
     * Product over `dim` (all dims if undefined); `keepdim` keeps reduced dims as size 1.
     *
     *   tensor([[1, 2], [3, 4]]).prod(1)   // [2, 12]
     */
    prod(dim?: Dims, keepdim?: boolean): Tensor;
    /**
     * int32 index of the first maximum along `dim` (of the flattened tensor, 0-d, if dim is undefined).
     *
     *   tensor([[1, 5], [7, 2]]).argmax(1)   // [1, 0]
     */
    argmax(dim?: number, keepdim?: boolean): Tensor;
    /**
     * int32 index of the first minimum along `dim` (of the flattened tensor, 0-d, if dim is undefined).
     *
     *   tensor([[1, 5], [7, 2]]).argmin(1)   // [0, 1]
     */
    argmin(dim?: number, keepdim?: boolean): Tensor;
    /**
     * Variance Σ(x - mean)² / (N - correction) over `dim` (all dims if undefined); correction 1 is Bessel's
     * (the default).
     *
     *   x.var(1)   // [2, 3] → [2]
     */
    var(dim?: Dims, keepdim?: boolean, correction?: number): Tensor;
    /**
     * Standard deviation √var over `dim` (all dims if undefined); `correction` as in var (default 1).
     *
     *   x.std(0, true)   // [2, 3] → [1, 3]
     */
    std(dim?: Dims, keepdim?: boolean, correction?: number): Tensor;
    /**
     * log Σ exp(x) over `dim`, computed stably (the max is subtracted first).
     *
     *   x.logsumexp(-1)   // [2, 3] → [2]
     */
    logsumexp(dim: Dims, keepdim?: boolean): Tensor;
    /**
     * True where every element over `dim` (all dims if undefined) is non-zero; bool, no gradient.
     *
     *   tensor([[1, 0], [1, 1]]).all(1)   // [false, true]
     */
    all(dim?: Dims, keepdim?: boolean): Tensor;
    /**
     * True where some element over `dim` (all dims if undefined) is non-zero; bool, no gradient.
     *
     *   tensor([[0, 0], [1, 0]]).any(1)   // [false, true]
     */
    any(dim?: Dims, keepdim?: boolean): Tensor;
    /**
     * Vector p-norm (Σ|x|ᵖ)^(1/p) over `dim` (all elements if undefined); p may be ±Infinity, 0 or 'fro'.
     *
     *   tensor([3, 4]).norm()   // 5
     */
    norm(p?: rx.NormOrder, dim?: Dims, keepdim?: boolean): Tensor;
    /**
     * Cumulative sum along `dim`; same shape.
     *
     *   tensor([1, 2, 3]).cumsum(0)   // [1, 3, 6]
     */
    cumsum(dim: number): Tensor;
    /**
     * Cumulative product along `dim`; same shape.
     *
     *   tensor([1, 2, 3]).cumprod(0)   // [1, 2, 6]
     */
    cumprod(dim: number): Tensor;
  }
}

defineTensorMethods({
  sum(dim, keepdim = false) {
    return r.sum(this, dim, keepdim);
  },
  mean(dim, keepdim = false) {
    return r.mean(this, dim, keepdim);
  },
  max(dim, keepdim = false) {
    return r.max(this, dim, keepdim);
  },
  min(dim, keepdim = false) {
    return r.min(this, dim, keepdim);
  },
  prod(dim, keepdim = false) {
    return r.prod(this, dim, keepdim);
  },
  argmax(dim, keepdim = false) {
    return r.argmax(this, dim, keepdim);
  },
  argmin(dim, keepdim = false) {
    return r.argmin(this, dim, keepdim);
  },
  var(dim, keepdim = false, correction = 1) {
    return r.variance(this, dim, keepdim, correction);
  },
  std(dim, keepdim = false, correction = 1) {
    return r.std(this, dim, keepdim, correction);
  },
  logsumexp(dim, keepdim = false) {
    return r.logsumexp(this, dim, keepdim);
  },
  all(dim, keepdim = false) {
    return rx.all(this, dim, keepdim);
  },
  any(dim, keepdim = false) {
    return rx.any(this, dim, keepdim);
  },
  norm(p = 2, dim, keepdim = false) {
    return rx.norm(this, p, dim, keepdim);
  },
  cumsum(dim) {
    return scn.cumsum(this, dim);
  },
  cumprod(dim) {
    return scn.cumprod(this, dim);
  },
});
