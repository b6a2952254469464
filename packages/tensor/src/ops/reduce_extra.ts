/**
 * More reductions: `all`/`any`, vector `norm`, and the distance functions built on them
 * (`cosineSimilarity`, `cdist`).
 */
import { compute, record } from '../autograd.js';
import { DTypeError, ShapeError, ValueError, withOp } from '../errors.js';
import { tidy } from '../scope.js';
import { fmtShape, normalizeDim, normalizeDims } from '../shape.js';
import type { Dims, Tensor } from '../tensor.js';
import { div, maximum, mul, pow, sub, where } from './binary.js';
import { eq, gt, ne } from './compare.js';
import { checkTensor } from './kernel.js';
import { max, min, sum } from './reduce.js';
import { abs, cast, sign, sqrt } from './unary.js';
import { reshape, unsqueeze } from './views.js';

/**
 * True where every element over `dim` (all dims if undefined) is non-zero; a bool tensor.
 * The empty reduction is true. No gradient.
 * Shapes: x [...] → x.shape without the reduced dims (kept as 1 with keepdim; [] when reducing all);
 * bool.
 *
 * ```ts
 * all(tensor([[1, 0], [2, 3]]), 1)   // [2, 2] → [false, true]
 * ```
 */
export function all(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor('all', x);
  const dims = normalizeDims('all', dim, x.shape);
  return tidy(() => eq(sum(eq(x, 0), dims, keepdim), 0));
}

/**
 * True where some element over `dim` (all dims if undefined) is non-zero; bool. Empty is false.
 * Shapes: x [...] → x.shape without the reduced dims (kept as 1 with keepdim; [] when reducing all);
 * bool.
 *
 * ```ts
 * any(tensor([[1, 0], [0, 0]]), 1)   // [2, 2] → [true, false]
 * ```
 */
export function any(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor('any', x);
  const dims = normalizeDims('any', dim, x.shape);
  return tidy(() => gt(sum(ne(x, 0), dims, keepdim), 0));
}

/** The order of a vector norm: a number p > 0, 0 (count of non-zeros), ±Infinity or 'fro' (= 2). */
export type NormOrder = number | 'fro';

/**
 * The vector p-norm over `dim` (all elements if undefined): (Σ|x|ᵖ)^(1/p); p = ∞ is max|x|,
 * p = -∞ is min|x|, p = 0 counts non-zeros, 'fro' is 2.
 *   ∂/∂x = sign(x)·|x|ᵖ⁻¹·g / ‖x‖ᵖ⁻¹ (0 where x = 0 or ‖x‖ = 0, like PyTorch); p = 1: sign(x)·g;
 *   p = ±∞: g shared evenly by the elements attaining the extreme, with x's sign; p = 0: 0
 *
 * ```ts
 * norm(tensor([3, 4]))   // 5
 * ```
 */
export function norm(x: Tensor, p: NormOrder = 2, dim?: Dims, keepdim = false): Tensor {
  checkTensor('norm', x);
  if (x.dtype !== 'float32')
    throw new DTypeError(`norm: expects float32, got ${x.dtype}; use x.to('float32').`);
  const order = p === 'fro' ? 2 : p;
  if (typeof order !== 'number' || Number.isNaN(order) || order < 0) {
    throw new ValueError(`norm: p must be a number >= 0, Infinity, -Infinity or 'fro', got ${String(p)}.`);
  }
  const dims = normalizeDims('norm', dim, x.shape);
  if (order === Number.POSITIVE_INFINITY || order === Number.NEGATIVE_INFINITY) {
    // max/min's rule splits the gradient evenly among ties; abs's rule gives it x's sign.
    const extreme = order > 0 ? max : min;
    return tidy(() => extreme(abs(x), dims, keepdim));
  }
  if (order === 0) {
    return compute(() => cast(sum(ne(x, 0), dims, keepdim), 'float32'));
  }
  if (order === 1) return tidy(() => sum(abs(x), dims, keepdim));
  const y = compute(() =>
    order === 2
      ? sqrt(sum(mul(x, x), dims, keepdim))
      : pow(sum(pow(abs(x), order), dims, keepdim), 1 / order),
  );
  const kept = x.shape.map((s, i) => (dims.includes(i) ? 1 : s));
  return record('norm', [x], y, [x, y], (g, [v, n]) => {
    const nk = reshape(n, kept);
    const gk = reshape(g, kept);
    const scale = where(eq(nk, 0), 0, div(gk, order === 2 ? nk : pow(nk, order - 1)));
    // sign(x)·|x|ᵖ⁻¹, taken as 0 at x = 0 (where |x|ᵖ⁻¹ is ∞ for p < 1), as PyTorch does.
    const dir = order === 2 ? v : where(eq(v, 0), 0, mul(sign(v), pow(abs(v), order - 1)));
    return [mul(dir, scale)];
  });
}

/**
 * Cosine similarity along `dim`: Σ x1·x2 / (max(‖x1‖, eps)·max(‖x2‖, eps)), broadcasting x1 and x2.
 * Gradients by composition.
 *
 * ```ts
 * cosineSimilarity(randn([8, 16]), randn([8, 16]))   // [8]
 * ```
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim = 1, eps = 1e-8): Tensor {
  return withOp('cosineSimilarity', () => {
    checkTensor('cosineSimilarity', x1, 'x1');
    checkTensor('cosineSimilarity', x2, 'x2');
    if (x1.dtype !== 'float32' || x2.dtype !== 'float32') {
      throw new DTypeError(`cosineSimilarity: expects float32 inputs, got ${x1.dtype} and ${x2.dtype}.`);
    }
    const rank = Math.max(x1.ndim, x2.ndim);
    const d = normalizeDim('cosineSimilarity', dim, rank);
    return tidy(() => {
      const a = reshape(x1, [...new Array<number>(rank - x1.ndim).fill(1), ...x1.shape]);
      const b = reshape(x2, [...new Array<number>(rank - x2.ndim).fill(1), ...x2.shape]);
      const dot = sum(mul(a, b), d);
      const na = maximum(norm(a, 2, d), eps);
      const nb = maximum(norm(b, 2, d), eps);
      return div(dot, mul(na, nb));
    });
  });
}

/**
 * Pairwise p-norm distances between the rows of x1 [..., P, M] and x2 [..., R, M] → [..., P, R]
 * (batch dims broadcast). Gradients by composition (0 at zero distance, like PyTorch).
 *
 * ```ts
 * cdist(randn([5, 3]), randn([4, 3]))   // [5, 4]
 * ```
 */
export function cdist(x1: Tensor, x2: Tensor, p = 2): Tensor {
  return withOp('cdist', () => {
    checkTensor('cdist', x1, 'x1');
    checkTensor('cdist', x2, 'x2');
    if (x1.dtype !== 'float32' || x2.dtype !== 'float32') {
      throw new DTypeError(`cdist: expects float32 inputs, got ${x1.dtype} and ${x2.dtype}.`);
    }
    if (x1.ndim < 2 || x2.ndim < 2 || x1.shape[x1.ndim - 1] !== x2.shape[x2.ndim - 1]) {
      throw new ShapeError(
        `cdist: expects x1 [..., P, M] and x2 [..., R, M] with the same M, got ${fmtShape(x1.shape)} and ${fmtShape(x2.shape)}; reshape both to at least 2-D with the same last dim.`,
      );
    }
    if (!(p >= 0)) throw new ValueError(`cdist: p must be >= 0, got ${p}.`);
    return tidy(() => norm(sub(unsqueeze(x1, -2), unsqueeze(x2, -3)), p, -1));
  });
}
