/**
 * Tensor methods: arithmetic with broadcasting (ops/binary.ts, ops/math_extra.ts).
 * `x.add(...)` is `add(x, ...)`; tensor.ts imports this file for its effect (see install.ts).
 */

import * as b from '../ops/binary.js';
import * as mx from '../ops/math_extra.js';
import type { TensorLike } from '../tensor.js';
import { defineTensorMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * this + alpha·other elementwise, broadcasting; `alpha` defaults to 1.
     *
     *   x.add(y)   // [2, 3] + [3] → [2, 3]
     */
    add(other: TensorLike, alpha?: number): Tensor;
    /**
     * this - alpha·other elementwise, broadcasting; `alpha` defaults to 1.
     *
     *   x.sub(1)   // [2, 3] → [2, 3]
     */
    sub(other: TensorLike, alpha?: number): Tensor;
    /**
     * this · other elementwise, broadcasting.
     *
     *   x.mul(y)   // [2, 3] · [2, 1] → [2, 3]
     */
    mul(other: TensorLike): Tensor;
    /**
     * this / other elementwise, broadcasting.
     *
     *   x.div(2)   // [2, 3] → [2, 3]
     */
    div(other: TensorLike): Tensor;
    /**
     * this ** exponent elementwise, broadcasting.
     *
     *   x.pow(2)   // [1, 2, 3] → [1, 4, 9]
     */
    pow(exponent: TensorLike): Tensor;
    /**
     * Elementwise max of this and `other`, broadcasting.
     *
     *   x.maximum(0)   // like relu
     */
    maximum(other: TensorLike): Tensor;
    /**
     * Elementwise min of this and `other`, broadcasting.
     *
     *   x.minimum(y)   // [2, 3], [3] → [2, 3]
     */
    minimum(other: TensorLike): Tensor;
    /**
     * C-style remainder this - trunc(this/other)·other (sign of the dividend), broadcasting.
     *
     *   tensor([-3, 3]).fmod(2)   // [-1, 1]
     */
    fmod(other: TensorLike): Tensor;
    /**
     * Python-style remainder this - floor(this/other)·other (sign of the divisor), broadcasting.
     *
     *   tensor([-3, 3]).remainder(2)   // [1, 1]
     */
    remainder(other: TensorLike): Tensor;
    /**
     * floor(this / other) elementwise, broadcasting (Python's //).
     *
     *   tensor([-3, 3]).floorDivide(2)   // [-2, 1]
     */
    floorDivide(other: TensorLike): Tensor;
    /**
     * Linear interpolation this + weight·(end - this), broadcasting.
     *
     *   tensor([0, 10]).lerp(tensor([10, 20]), 0.5)   // [5, 15]
     */
    lerp(end: Tensor, weight: TensorLike): Tensor;
    /**
     * this + value·t1·t2 elementwise, broadcasting (default value 1).
     *
     *   p.addcmul(g, g, 0.1)   // [n] → [n]
     */
    addcmul(t1: Tensor, t2: Tensor, value?: number): Tensor;
    /**
     * this + value·t1/t2 elementwise, broadcasting (default value 1).
     *
     *   p.addcdiv(m, v, -0.01)   // [n] → [n]
     */
    addcdiv(t1: Tensor, t2: Tensor, value?: number): Tensor;
    /**
     * log(eᵃ + eᵇ) of this and `other`, computed stably, broadcasting.
     *
     *   tensor([0]).logaddexp(0)   // [0.6931]
     */
    logaddexp(other: TensorLike): Tensor;
    /**
     * this·log(other), 0 where this is 0 (even if other is 0), broadcasting.
     *
     *   tensor([0, 2]).xlogy(tensor([0, Math.E]))   // [0, 2]
     */
    xlogy(other: TensorLike): Tensor;
  }
}

defineTensorMethods({
  add(other, alpha) {
    return b.add(this, other, alpha);
  },
  sub(other, alpha) {
    return b.sub(this, other, alpha);
  },
  mul(other) {
    return b.mul(this, other);
  },
  div(other) {
    return b.div(this, other);
  },
  pow(exponent) {
    return b.pow(this, exponent);
  },
  maximum(other) {
    return b.maximum(this, other);
  },
  minimum(other) {
    return b.minimum(this, other);
  },
  fmod(other) {
    return mx.fmod(this, other);
  },
  remainder(other) {
    return mx.remainder(this, other);
  },
  floorDivide(other) {
    return mx.floorDivide(this, other);
  },
  lerp(end, weight) {
    return mx.lerp(this, end, weight);
  },
  addcmul(t1, t2, value = 1) {
    return mx.addcmul(this, t1, t2, value);
  },
  addcdiv(t1, t2, value = 1) {
    return mx.addcdiv(this, t1, t2, value);
  },
  logaddexp(other) {
    return mx.logaddexp(this, other);
  },
  xlogy(other) {
    return mx.xlogy(this, other);
  },
});
