/**
 * Scans along a dim: `cumsum` (a log-depth scan of shifted additions) and `cumprod` (a chain of
 * products whose composed gradient is exact even through zeros).
 */
import { DTypeError } from '../errors.js';
import { tidy } from '../scope.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, mul } from './binary.js';
import { ones, zeros } from './creation.js';
import { cat } from './join.js';
import { cast } from './unary.js';
import { narrow, reshape } from './views.js';

/**
 * Running sums along `dim`: out[..., i, ...] = Σ_{j <= i} x[..., j, ...]. Bool input gives int32.
 * Computed as a Hillis–Steele scan: ⌈log₂ n⌉ passes of out += out shifted by 1, 2, 4, ... along
 * dim, so the work is n·log n and the gradient (the reversed running sum) comes by composition.
 *
 *   cumsum(tensor([1, 2, 3]), 0)   // [1, 3, 6]
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  x._check('cumsum');
  const d = normalizeDim('cumsum', dim, x.ndim, x.shape);
  return tidy(() => {
    let out = x.dtype === 'bool' ? cast(x, 'int32') : x;
    if (x.ndim === 0) return out === x ? reshape(x, []) : out;
    const n = x.shape[d];
    for (let s = 1; s < n; s *= 2) {
      const zerosShape = [...out.shape];
      zerosShape[d] = s;
      const shifted = cat([zeros(zerosShape, { dtype: out.dtype }), narrow(out, d, 0, n - s)], d);
      out = add(out, shifted);
    }
    return out === x ? reshape(x, x.shape) : out;
  });
}

/**
 * Running products along `dim`: out[..., i, ...] = Π_{j <= i} x[..., j, ...] (int32 stays int32).
 *   ∂/∂x_j = Σ_{i >= j} g_i · Π_{k <= i, k ≠ j} x_k   (by composition of products: exact at zeros)
 */
export function cumprod(x: Tensor, dim: number): Tensor {
  x._check('cumprod');
  if (x.dtype === 'bool') throw new DTypeError("cumprod: bool input; cast it first with x.to('int32').");
  const d = normalizeDim('cumprod', dim, x.ndim, x.shape);
  if (x.ndim === 0) return tidy(() => reshape(x, []));
  const n = x.shape[d];
  if (n === 0) return tidy(() => reshape(x, x.shape));
  return tidy(() => {
    // The same log-depth scan as cumsum, with products and ones shifted in.
    let out = x;
    for (let s = 1; s < n; s *= 2) {
      const onesShape = [...out.shape];
      onesShape[d] = s;
      out = mul(out, cat([ones(onesShape, { dtype: out.dtype }), narrow(out, d, 0, n - s)], d));
    }
    return out === x ? reshape(x, x.shape) : out;
  });
}
