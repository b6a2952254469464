/**
 * Tensor methods: trigonometric and hyperbolic functions (ops/unary.ts, ops/trig.ts).
 * `x.sin(...)` is `sin(x, ...)`; tensor.ts imports this file for its effect (see install.ts).
 */

import * as tr from '../ops/trig.js';
import * as u from '../ops/unary.js';
import type { TensorLike } from '../tensor.js';
import { defineTensorMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * sin x elementwise (radians); same shape.
     *
     *   tensor([0, Math.PI / 2]).sin()   // [0, 1]
     */
    sin(): Tensor;
    /**
     * cos x elementwise (radians); same shape.
     *
     *   tensor([0, Math.PI]).cos()   // [1, -1]
     */
    cos(): Tensor;
    /**
     * tan x elementwise (radians); same shape.
     *
     *   tensor([0]).tan()   // [0]
     */
    tan(): Tensor;
    /**
     * arcsin x elementwise (NaN outside [-1, 1]); same shape.
     *
     *   tensor([1]).asin()   // [1.5708]
     */
    asin(): Tensor;
    /**
     * arccos x elementwise (NaN outside [-1, 1]); same shape.
     *
     *   tensor([1]).acos()   // [0]
     */
    acos(): Tensor;
    /**
     * arctan x elementwise; same shape.
     *
     *   tensor([1]).atan()   // [0.7854]
     */
    atan(): Tensor;
    /** atan2(this, other): the angle of the point (other, this). */
    atan2(other: TensorLike): Tensor;
    /**
     * sinh x elementwise; same shape.
     *
     *   tensor([0]).sinh()   // [0]
     */
    sinh(): Tensor;
    /**
     * cosh x elementwise; same shape.
     *
     *   tensor([0]).cosh()   // [1]
     */
    cosh(): Tensor;
    /**
     * tanh x elementwise; same shape.
     *
     *   tensor([0]).tanh()   // [0]
     */
    tanh(): Tensor;
    /**
     * arsinh x elementwise; same shape.
     *
     *   tensor([0]).asinh()   // [0]
     */
    asinh(): Tensor;
    /**
     * arcosh x elementwise (NaN below 1); same shape.
     *
     *   tensor([1]).acosh()   // [0]
     */
    acosh(): Tensor;
    /**
     * artanh x elementwise (±∞ at ±1, NaN beyond); same shape.
     *
     *   tensor([0]).atanh()   // [0]
     */
    atanh(): Tensor;
  }
}

defineTensorMethods({
  sin() {
    return u.sin(this);
  },
  cos() {
    return u.cos(this);
  },
  tan() {
    return tr.tan(this);
  },
  asin() {
    return tr.asin(this);
  },
  acos() {
    return tr.acos(this);
  },
  atan() {
    return tr.atan(this);
  },
  atan2(other) {
    return tr.atan2(this, other);
  },
  sinh() {
    return tr.sinh(this);
  },
  cosh() {
    return tr.cosh(this);
  },
  tanh() {
    return u.tanh(this);
  },
  asinh() {
    return tr.asinh(this);
  },
  acosh() {
    return tr.acosh(this);
  },
  atanh() {
    return tr.atanh(this);
  },
});
