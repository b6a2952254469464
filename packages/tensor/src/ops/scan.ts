/**
 * Scans along a dim: `cumsum` (the optional kernel `cumsum`, its reversed form for the gradient)
 * and `cumprod` (a log-depth chain of products whose composed gradient is exact even through zeros).
 */
import { record } from '../autograd.js';
import { DTypeError } from '../errors.js';
import { optionalKernel } from '../reference/index.js';
import { tidy } from '../scope.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mul } from './binary.js';
import { ones } from './creation.js';
import { cat } from './join.js';
import { checkTensor, runKernel } from './kernel.js';
import { cast } from './unary.js';
import { narrow, reshape } from './views.js';

/** The cumsum kernel (or its reference) along axis `d` of a float32 or int32 tensor. */
function runCumsum(x: Tensor, d: number, reverse: boolean): Tensor {
  return runKernel('cumsum', [x], x.shape, x.dtype, ([xi], out, b) =>
    optionalKernel(b, 'cumsum')(xi, d, reverse, out),
  );
}

/**
 * Running sums along `dim`: out[..., i, ...] = Σ_{j <= i} x[..., j, ...]. Bool input gives int32.
 * Runs the optional kernel `cumsum` (the reference is a log-depth scan, reference/cumsum.ts).
 *   ∂/∂x_j = Σ_{i >= j} g_i   (the reversed running sum)
 *
 * ```ts
 * cumsum(tensor([1, 2, 3]), 0)   // [1, 3, 6]
 * ```
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  checkTensor('cumsum', x);
  const d = normalizeDim('cumsum', dim, x.ndim, x.shape);
  if (x.ndim === 0) return tidy(() => (x.dtype === 'bool' ? cast(x, 'int32') : reshape(x, [])));
  const input = x.dtype === 'bool' ? tidy(() => cast(x, 'int32')) : x;
  const y = runCumsum(input, d, false);
  if (input !== x) input.dispose();
  return record('cumsum', [x], y, [], (g) => [runCumsum(g, d, true)]);
}

/**
 * Running products along `dim`: out[..., i, ...] = Π_{j <= i} x[..., j, ...] (int32 stays int32).
 *   ∂/∂x_j = Σ_{i >= j} g_i · Π_{k <= i, k ≠ j} x_k   (by composition of products: exact at zeros)
 *
 * ```ts
 * cumprod(tensor([1, 2, 3, 4]), 0)   // [4] → [1, 2, 6, 24]
 * ```
 */
export function cumprod(x: Tensor, dim: number): Tensor {
  checkTensor('cumprod', x);
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
