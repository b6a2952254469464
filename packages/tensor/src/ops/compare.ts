/**
 * Elementwise comparisons with broadcasting. The result is a bool tensor; no gradient flows.
 */
import type { CompareOp } from '../backend.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { withOperands } from './binary.js';
import { runKernel } from './kernel.js';

function compare(op: CompareOp, a: TensorLike, b: TensorLike): Tensor {
  return withOperands(op, a, b, (x, y) => {
    const shape = broadcastShapes(op, x.shape, y.shape);
    return runKernel(
      op,
      [x, y],
      shape,
      'bool',
      ([xi, yi], out, be) => be.compare(op, xi, yi, out),
      shape.length,
    );
  });
}

/**
 * a == b
 * Shapes: a, b broadcast → broadcast shape, bool (compared in the promoted dtype).
 *
 * ```ts
 * eq(tensor([1, 2, 3]), 2)   // [3] → [false, true, false]
 * ```
 */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return compare('eq', a, b);
}
/**
 * a != b (true where either is NaN)
 * Shapes: a, b broadcast → broadcast shape, bool (compared in the promoted dtype).
 *
 * ```ts
 * ne(tensor([1, 2, NaN]), 2)   // [3] → [true, false, true]
 * ```
 */
export function ne(a: TensorLike, b: TensorLike): Tensor {
  return compare('ne', a, b);
}
/**
 * a < b
 * Shapes: a, b broadcast → broadcast shape, bool (compared in the promoted dtype).
 *
 * ```ts
 * lt(tensor([1, 2, 3]), 2)   // [3] → [true, false, false]
 * ```
 */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return compare('lt', a, b);
}
/**
 * a <= b
 * Shapes: a, b broadcast → broadcast shape, bool (compared in the promoted dtype).
 *
 * ```ts
 * le(tensor([[1], [3]]), tensor([2, 3]))   // [2, 1], [2] → [[true, true], [false, true]]
 * ```
 */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return compare('le', a, b);
}
/**
 * a > b
 * Shapes: a, b broadcast → broadcast shape, bool (compared in the promoted dtype).
 *
 * ```ts
 * gt(tensor([1, 2, 3]), 2)   // [3] → [false, false, true]
 * ```
 */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return compare('gt', a, b);
}
/**
 * a >= b
 * Shapes: a, b broadcast → broadcast shape, bool (compared in the promoted dtype).
 *
 * ```ts
 * ge(tensor([1, 2, 3]), 2)   // [3] → [false, true, true]
 * ```
 */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return compare('ge', a, b);
}

/**
 * True where x is NaN (NaN is the only value not equal to itself).
 * Shapes: x → same shape, bool.
 *
 * ```ts
 * isnan(tensor([1, NaN, Infinity]))   // [3] → [false, true, false]
 * ```
 */
export function isnan(x: Tensor): Tensor {
  return ne(x, x);
}

/**
 * True where x is neither NaN nor ±Infinity.
 * Shapes: x → same shape, bool.
 *
 * ```ts
 * isfinite(tensor([1, NaN, -Infinity]))   // [3] → [true, false, false]
 * ```
 */
export function isfinite(x: Tensor): Tensor {
  // |x| < Infinity is false for NaN and for ±Infinity.
  const a = x.abs();
  try {
    return lt(a, Number.POSITIVE_INFINITY);
  } finally {
    a.dispose();
  }
}
