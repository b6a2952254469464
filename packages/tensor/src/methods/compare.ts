/**
 * Tensor methods: comparisons, logic, NaN tests and selection by mask (ops/compare.ts, ops/unary.ts,
 * ops/binary.ts, ops/masking.ts).
 * `x.eq(...)` is `eq(x, ...)`; tensor.ts imports this file for its effect (see install.ts).
 */

import * as b from '../ops/binary.js';
import * as c from '../ops/compare.js';
import * as mk from '../ops/masking.js';
import * as u from '../ops/unary.js';
import type { TensorLike } from '../tensor.js';
import { defineTensorMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * this == other elementwise, broadcasting; bool result.
     *
     *   x.eq(0)   // [2, 3] → [2, 3] bool
     */
    eq(other: TensorLike): Tensor;
    /**
     * this != other elementwise, broadcasting; bool result.
     *
     *   x.ne(y)   // [2, 3], [3] → [2, 3] bool
     */
    ne(other: TensorLike): Tensor;
    /**
     * this < other elementwise, broadcasting; bool result.
     *
     *   tensor([1, 3]).lt(2)   // [true, false]
     */
    lt(other: TensorLike): Tensor;
    /**
     * this <= other elementwise, broadcasting; bool result.
     *
     *   tensor([1, 2]).le(2)   // [true, true]
     */
    le(other: TensorLike): Tensor;
    /**
     * this > other elementwise, broadcasting; bool result.
     *
     *   tensor([1, 3]).gt(2)   // [false, true]
     */
    gt(other: TensorLike): Tensor;
    /**
     * this >= other elementwise, broadcasting; bool result.
     *
     *   tensor([1, 2]).ge(2)   // [false, true]
     */
    ge(other: TensorLike): Tensor;
    /**
     * True where the element is NaN; bool, same shape.
     *
     *   tensor([NaN, 1]).isnan()   // [true, false]
     */
    isnan(): Tensor;
    /**
     * True where the element is neither NaN nor ±∞; bool, same shape.
     *
     *   tensor([Infinity, 1]).isfinite()   // [false, true]
     */
    isfinite(): Tensor;
    /**
     * Elementwise NOT of truth values (non-zero is true); bool result, same shape.
     *
     *   tensor([0, 2]).logicalNot()   // [true, false]
     */
    logicalNot(): Tensor;
    /**
     * Elementwise AND of truth values (non-zero is true), broadcasting; bool result.
     *
     *   a.logicalAnd(b)   // [2, 3] & [3] → [2, 3] bool
     */
    logicalAnd(other: TensorLike): Tensor;
    /**
     * Elementwise OR of truth values (non-zero is true), broadcasting; bool result.
     *
     *   a.logicalOr(b)   // [2, 3] | [3] → [2, 3] bool
     */
    logicalOr(other: TensorLike): Tensor;
    /**
     * `condition ? this : other` elementwise, broadcasting all three (`condition` is bool).
     *
     *   x.where(x.gt(0), 0)   // [2, 3], like relu
     */
    where(condition: Tensor, other: TensorLike): Tensor;
    /** `value` where the bool `mask` (broadcast) is true, this tensor elsewhere. */
    maskedFill(mask: Tensor, value: number | Tensor): Tensor;
  }
}

defineTensorMethods({
  eq(other) {
    return c.eq(this, other);
  },
  ne(other) {
    return c.ne(this, other);
  },
  lt(other) {
    return c.lt(this, other);
  },
  le(other) {
    return c.le(this, other);
  },
  gt(other) {
    return c.gt(this, other);
  },
  ge(other) {
    return c.ge(this, other);
  },
  isnan() {
    return c.isnan(this);
  },
  isfinite() {
    return c.isfinite(this);
  },
  logicalNot() {
    return u.logicalNot(this);
  },
  logicalAnd(other) {
    return b.logicalAnd(this, other);
  },
  logicalOr(other) {
    return b.logicalOr(this, other);
  },
  where(condition, other) {
    return b.where(condition, this, other);
  },
  maskedFill(mask, value) {
    return mk.maskedFill(this, mask, value);
  },
});
