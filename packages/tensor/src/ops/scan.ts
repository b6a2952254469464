/**
 * Scans along a dim: `cumsum` (a product with a triangular matrix of ones, so it runs on the
 * GEMM kernel and its gradient is matmul's) and `cumprod` (a chain of products whose composed
 * gradient is exact even through zeros).
 */
import { DTypeError } from '../errors.js';
import { tidy } from '../scope.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mul } from './binary.js';
import { ones } from './creation.js';
import { stack } from './join.js';
import { triu } from './masking.js';
import { matmul } from './matmul.js';
import { cast } from './unary.js';
import { reshape, select, transpose } from './views.js';

/**
 * Running sums along `dim`: out[..., i, ...] = Σ_{j <= i} x[..., j, ...]. Int and bool inputs
 * give int32 (summed in float32: exact below 2²⁴).
 *   ∂/∂x: the reversed running sum of the gradient, (Uᵀ applied by matmul's rule)
 *
 *   cumsum(tensor([1, 2, 3]), 0)   // [1, 3, 6]
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  x._check('cumsum');
  const d = normalizeDim('cumsum', dim, x.ndim, x.shape);
  if (x.ndim === 0) return tidy(() => (x.dtype === 'float32' ? reshape(x, []) : cast(x, 'int32')));
  const n = x.shape[d];
  return tidy(() => {
    const xf = x.dtype === 'float32' ? x : cast(x, 'float32');
    // Row vector times the upper triangle of ones: out_j = Σ_{i <= j} x_i.
    const moved = transpose(xf, d, -1);
    const summed = transpose(matmul(moved, triu(ones([n, n]))), d, -1);
    return x.dtype === 'float32' ? summed : cast(summed, 'int32');
  });
}

/**
 * Running products along `dim`: out[..., i, ...] = Π_{j <= i} x[..., j, ...] (int32 stays int32).
 *   ∂/∂x_j = Σ_{i >= j} g_i · Π_{k <= i, k ≠ j} x_k   (by composition: exact at zeros)
 */
export function cumprod(x: Tensor, dim: number): Tensor {
  x._check('cumprod');
  if (x.dtype === 'bool') throw new DTypeError("cumprod: bool input; cast it first with x.to('int32').");
  const d = normalizeDim('cumprod', dim, x.ndim, x.shape);
  if (x.ndim === 0) return tidy(() => reshape(x, []));
  const n = x.shape[d];
  if (n === 0) return tidy(() => reshape(x, x.shape));
  return tidy(() => {
    const parts: Tensor[] = [select(x, d, 0)];
    for (let i = 1; i < n; i++) parts.push(mul(parts[i - 1], select(x, d, i)));
    return stack(parts, d);
  });
}
