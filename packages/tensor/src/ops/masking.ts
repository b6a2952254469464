/**
 * Triangles and masks: `tril`, `triu`, `maskedFill` (the pieces of causal attention).
 */
import { record } from '../autograd.js';
import { DTypeError, ShapeError } from '../errors.js';
import { tidy } from '../scope.js';
import { broadcastShapes, fmtShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { logicalAnd, where } from './binary.js';
import { ge, le } from './compare.js';
import { arange, scalar } from './creation.js';
import { checkTensor, runKernel } from './kernel.js';
import { sum } from './reduce.js';
import { cast } from './unary.js';
import { unsqueeze } from './views.js';

/** A bool [rows, cols] mask: true where col - row <= diagonal (lower) or >= diagonal (upper). */
function triangleMask(rows: number, cols: number, diagonal: number, lower: boolean): Tensor {
  return tidy(() => {
    // col - row compared with the diagonal, as (col - diagonal) vs row: int32 arithmetic only.
    const r = unsqueeze(arange(0, rows), 1);
    const c = arange(-diagonal, cols - diagonal);
    return lower ? le(c, r) : ge(c, r);
  });
}

function triangle(op: 'tril' | 'triu', x: Tensor, diagonal: number): Tensor {
  checkTensor(op, x);
  if (x.ndim < 2) {
    throw new ShapeError(
      `${op}: input must have at least 2 dims ([..., rows, cols]), got ${fmtShape(x.shape)}.`,
    );
  }
  if (!Number.isInteger(diagonal))
    throw new ShapeError(`${op}: diagonal must be an integer, got ${diagonal}.`);
  const rows = x.shape[x.ndim - 2];
  const cols = x.shape[x.ndim - 1];
  return tidy(() => {
    const mask = triangleMask(rows, cols, diagonal, op === 'tril');
    if (x.dtype === 'bool') return logicalAnd(x, mask);
    // where's rule passes the gradient where the mask holds and 0 elsewhere.
    return where(mask, x, scalar(0, x.dtype));
  });
}

/**
 * The lower triangle of the last two dims: elements with col - row <= diagonal, the rest 0.
 * diagonal 0 is the main diagonal, > 0 keeps more, < 0 fewer.
 *   ∂/∂x = 1 inside the triangle, 0 outside
 *
 * ```ts
 * tril(ones([3, 3]))      // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 * ```
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, diagonal);
}

/**
 * The upper triangle of the last two dims: elements with col - row >= diagonal, the rest 0.
 *   ∂/∂x = 1 inside the triangle, 0 outside
 *
 * ```ts
 * triu(ones([3, 3]), 1)   // the strictly upper part: a causal attention mask
 * ```
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, diagonal);
}

/**
 * `value` where `mask` is true, `x` elsewhere. The bool mask broadcasts with x (the result has
 * the broadcast shape); `value` is a number or a 0-d tensor, converted to x's dtype.
 *   ∂/∂x = 0 where the mask holds, 1 elsewhere;  ∂/∂value = the number of masked positions
 *
 * ```ts
 * const T = 3;
 * const scores = randn([T, T]);
 * scores.maskedFill(triu(ones([T, T], { dtype: 'bool' }), 1), -Infinity)
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  checkTensor('maskedFill', x);
  checkTensor('maskedFill', mask, 'mask');
  if (mask.dtype !== 'bool') {
    throw new DTypeError(
      `maskedFill: mask must be bool, got ${mask.dtype}; use mask.ne(0) or mask.to('bool').`,
    );
  }
  if (value instanceof Tensor) {
    checkTensor('maskedFill', value, 'value');
    if (value.ndim !== 0) {
      throw new ShapeError(
        `maskedFill: value must be a number or a 0-d tensor, got shape ${fmtShape(value.shape)}; use where() for tensor values.`,
      );
    }
  } else if (typeof value !== 'number') {
    throw new DTypeError(`maskedFill: value must be a number or a 0-d tensor, got ${String(value)}.`);
  }
  const shape = broadcastShapes('maskedFill', x.shape, mask.shape);
  const v =
    value instanceof Tensor
      ? value.dtype === x.dtype
        ? value
        : cast(value, x.dtype)
      : scalar(value, x.dtype);
  try {
    const out = runKernel(
      'maskedFill',
      [mask, v, x],
      shape,
      x.dtype,
      ([m, vi, xi], o, be) => be.where(m, vi, xi, o),
      shape.length,
    );
    if (x.dtype !== 'float32') return out;
    const inputs = value instanceof Tensor ? [x, value] : [x];
    return record('maskedFill', inputs, out, [mask], (g, [m], needs) => [
      needs[0] ? where(m, 0, g) : null,
      needs[1] ? sum(where(m, g, 0)) : null,
    ]);
  } finally {
    if (v !== value) v.dispose();
  }
}
