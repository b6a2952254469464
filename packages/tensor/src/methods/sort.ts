/**
 * Tensor methods: sorting, top-k and median (ops/sort.ts).
 * `x.sort(...)` is `sort(x, ...)`; tensor.ts imports this file for its effect (see install.ts).
 */

import * as srt from '../ops/sort.js';
import type { Tensor } from '../tensor.js';
import { defineTensorMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /** [values, indices] sorted along `dim` (stable; NaN last). */
    sort(dim?: number, descending?: boolean): [Tensor, Tensor];
    /**
     * int32 indices that sort along `dim` (stable; NaN last); same shape.
     *
     *   tensor([3, 1, 2]).argsort()   // [1, 2, 0]
     */
    argsort(dim?: number, descending?: boolean): Tensor;
    /** [values, indices] of the k largest (or smallest) along `dim`, sorted. */
    topk(k: number, dim?: number, largest?: boolean): [Tensor, Tensor];
    /** The lower median of all elements (0-d), or [values, indices] along `dim`. */
    median(): Tensor;
    /** The lower median of all elements (0-d), or [values, indices] along `dim`. */
    median(dim: number, keepdim?: boolean): [Tensor, Tensor];
  }
}

function median(this: Tensor): Tensor;
function median(this: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
function median(this: Tensor, dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
  return dim === undefined ? srt.median(this) : srt.median(this, dim, keepdim);
}

defineTensorMethods({
  sort(dim = -1, descending = false) {
    return srt.sort(this, dim, descending);
  },
  argsort(dim = -1, descending = false) {
    return srt.argsort(this, dim, descending);
  },
  topk(k, dim = -1, largest = true) {
    return srt.topk(this, k, dim, largest);
  },
  median,
});
