/**
 * Tensor methods: elementwise math of one tensor: exponentials, logs, roots, rounding, dtype conversion
 * (ops/unary.ts, ops/trig.ts, ops/math_extra.ts).
 * `x.exp(...)` is `exp(x, ...)`; tensor.ts imports this file for its effect (see install.ts).
 */

import type { DType } from '../dtype.js';
import * as mx from '../ops/math_extra.js';
import * as tr from '../ops/trig.js';
import * as u from '../ops/unary.js';
import { defineTensorMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * eˣ elementwise; same shape.
     *
     *   tensor([0, 1]).exp()   // [1, 2.7183]
     */
    exp(): Tensor;
    /**
     * eˣ - 1 elementwise, accurate for small x; same shape.
     *
     *   tensor([1e-8]).expm1()   // [1e-8]
     */
    expm1(): Tensor;
    /**
     * Natural log elementwise (NaN below 0, -∞ at 0); same shape.
     *
     *   tensor([1, Math.E]).log()   // [0, 1]
     */
    log(): Tensor;
    /**
     * log(1 + x) elementwise, accurate for small x; same shape.
     *
     *   tensor([0, 1e-8]).log1p()   // [0, 1e-8]
     */
    log1p(): Tensor;
    /**
     * Base-2 log elementwise; same shape.
     *
     *   tensor([8]).log2()   // [3]
     */
    log2(): Tensor;
    /**
     * Base-10 log elementwise; same shape.
     *
     *   tensor([100]).log10()   // [2]
     */
    log10(): Tensor;
    /**
     * √x elementwise; same shape.
     *
     *   tensor([4, 9]).sqrt()   // [2, 3]
     */
    sqrt(): Tensor;
    /**
     * 1/√x elementwise; same shape.
     *
     *   tensor([4, 16]).rsqrt()   // [0.5, 0.25]
     */
    rsqrt(): Tensor;
    /**
     * 1/x elementwise; same shape.
     *
     *   tensor([2, 4]).reciprocal()   // [0.5, 0.25]
     */
    reciprocal(): Tensor;
    /**
     * x² elementwise; same shape.
     *
     *   tensor([-2, 3]).square()   // [4, 9]
     */
    square(): Tensor;
    /**
     * -x elementwise; same shape.
     *
     *   tensor([1, -2]).neg()   // [-1, 2]
     */
    neg(): Tensor;
    /**
     * |x| elementwise; same shape.
     *
     *   tensor([-1, 2]).abs()   // [1, 2]
     */
    abs(): Tensor;
    /**
     * -1, 0 or 1 elementwise (0 for NaN); same shape, zero gradient.
     *
     *   tensor([-3, 0, 2]).sign()   // [-1, 0, 1]
     */
    sign(): Tensor;
    /**
     * The error function erf(x) = 2/√π ∫₀ˣ e^(-t²) dt elementwise; same shape.
     *
     *   tensor([0, 1]).erf()   // [0, 0.8427]
     */
    erf(): Tensor;
    /**
     * Rounds down elementwise; same shape, zero gradient.
     *
     *   tensor([-1.5, 1.5]).floor()   // [-2, 1]
     */
    floor(): Tensor;
    /**
     * Rounds up elementwise; same shape, zero gradient.
     *
     *   tensor([-1.5, 1.5]).ceil()   // [-1, 2]
     */
    ceil(): Tensor;
    /**
     * Rounds to the nearest integer, half to even (like PyTorch); same shape, zero gradient.
     *
     *   tensor([0.5, 1.5, 2.6]).round()   // [0, 2, 3]
     */
    round(): Tensor;
    /**
     * Rounds toward zero elementwise; same shape, zero gradient.
     *
     *   tensor([-1.7, 1.7]).trunc()   // [-1, 1]
     */
    trunc(): Tensor;
    /** Converts to another dtype (a no-op copy-free view if it already has it). */
    to(dtype: DType): Tensor;
  }
}

defineTensorMethods({
  exp() {
    return u.exp(this);
  },
  expm1() {
    return tr.expm1(this);
  },
  log() {
    return u.log(this);
  },
  log1p() {
    return u.log1p(this);
  },
  log2() {
    return mx.log2(this);
  },
  log10() {
    return mx.log10(this);
  },
  sqrt() {
    return u.sqrt(this);
  },
  rsqrt() {
    return u.rsqrt(this);
  },
  reciprocal() {
    return u.reciprocal(this);
  },
  square() {
    return u.square(this);
  },
  neg() {
    return u.neg(this);
  },
  abs() {
    return u.abs(this);
  },
  sign() {
    return u.sign(this);
  },
  erf() {
    return u.erf(this);
  },
  floor() {
    return u.floor(this);
  },
  ceil() {
    return u.ceil(this);
  },
  round() {
    return u.round(this);
  },
  trunc() {
    return mx.trunc(this);
  },
  to(dtype) {
    return u.cast(this, dtype);
  },
});
