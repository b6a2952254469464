/**
 * Indexing with index tensors: gather, indexSelect, oneHot.
 */
import { noGrad, record } from '../autograd.js';
import { getDebug } from '../debug.js';
import { BackendError, DTypeError, IndexError, ShapeError, ValueError } from '../errors.js';
import { tidy } from '../scope.js';
import { fmtShape, normalizeDim } from '../shape.js';
import { checkStorageSize } from '../storage.js';
import type { Tensor } from '../tensor.js';
import { eq } from './compare.js';
import { arange } from './creation.js';
import { backendFor, checkTensor, empty, materialize, runKernel } from './kernel.js';
import { cast } from './unary.js';
import { expand, reshape, unsqueeze } from './views.js';

export function requireIndex(op: string, index: Tensor): void {
  checkTensor(op, index, 'index');
  if (index.dtype !== 'int32') {
    throw new DTypeError(`${op}: index must be int32, got ${index.dtype}; use index.to('int32').`);
  }
}

/**
 * Throws an IndexError if any index is outside [0, size), when `setDebug`'s checkIndices is on and
 * the backend reads synchronously; otherwise the contract's rule applies (no out-of-bounds access).
 */
export function checkRange(op: string, index: Tensor, size: number, dim: number): void {
  const backend = backendFor(op, [index]);
  if (!getDebug().checkIndices || !backend.readSync || index.size === 0) return;
  const values = index.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < 0 || v >= size) {
      throw new IndexError(
        `${op}: index ${v} is out of range for dim ${dim} of size ${size}; indices must be in [0, ${size - 1}].`,
      );
    }
  }
}

/** a zero tensor of `shape` with `src` added at `index` along `dim` (the adjoint of gather). */
export function scatterAddInto(shape: readonly number[], dim: number, index: Tensor, src: Tensor): Tensor {
  const backend = backendFor('scatterAdd', [index, src]);
  const out = empty(shape, src.dtype);
  if (out.size === 0) return out;
  backend.fill(out._info(), 0);
  if (src.size === 0) return out;
  const s = src._isDense() ? src : materialize(src);
  const ix = index._isDense() ? index : materialize(index);
  backend.scatterAdd(out._info(), dim, ix._info(), s._info());
  if (s !== src) s.dispose();
  if (ix !== index) ix.dispose();
  return out;
}

/**
 * out[i][j] = x[index[i][j]][j] (dim 0) or x[i][index[i][j]] (dim 1), and so on; out has the
 * shape of `index`, which has x's rank and no dim larger than x's outside `dim`.
 *   ∂/∂x: g is scattered back (added) to the positions it was gathered from
 *
 * ```ts
 * const idx = tensor([[1, 0], [1, 1]], { dtype: 'int32' });
 * gather(tensor([[1, 2], [3, 4]]), 1, idx)   // [2, 2], index [2, 2] → [[2, 1], [4, 4]]
 * ```
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor('gather', x, 'input');
  requireIndex('gather', index);
  const d = normalizeDim('gather', dim, x.ndim, x.shape);
  if (index.ndim !== x.ndim || index.shape.some((s, i) => i !== d && s > x.shape[i])) {
    throw new ShapeError(
      `gather: index ${fmtShape(index.shape)} must have the rank of the input ${fmtShape(x.shape)} and ` +
        `no dim larger than the input's except dim ${d}.`,
    );
  }
  checkRange('gather', index, x.ndim === 0 ? 1 : x.shape[d], d);
  const y = runKernel('gather', [x, index], index.shape, x.dtype, ([xi, ii], out, b) =>
    b.gather(xi, d, ii, out),
  );
  const shape = x.shape;
  return record('gather', [x], y, [index], (g, [ix]) => [scatterAddInto(shape, d, ix, g)]);
}

/**
 * The entries of `x` at the positions `index` (1-D int32) along `dim`.
 * Shapes: x [..., n, ...], index [k] → x.shape with k at `dim`; same dtype. Gradient: scatter-added
 * back to the selected positions (repeats accumulate).
 *
 * ```ts
 * const idx = tensor([2, 0], { dtype: 'int32' });
 * indexSelect(tensor([[1, 2], [3, 4], [5, 6]]), 0, idx)   // [3, 2], [2] → [[5, 6], [1, 2]]
 * ```
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor('indexSelect', x, 'input');
  requireIndex('indexSelect', index);
  if (index.ndim > 1) {
    throw new ShapeError(
      `indexSelect: index must be 1-D (or 0-d), got shape ${fmtShape(index.shape)}; flatten it first.`,
    );
  }
  const d = normalizeDim('indexSelect', dim, x.ndim, x.shape);
  checkRange('indexSelect', index, x.ndim === 0 ? 1 : x.shape[d], d);
  if (x.ndim === 0) return tidy(() => gather(x, 0, reshape(index, [])));
  return tidy(() => {
    const n = index.size;
    const view = x.shape.map((_, i) => (i === d ? n : 1));
    const full = x.shape.map((s, i) => (i === d ? n : s));
    const idx = noGrad(() => materialize(expand(reshape(index, view), full)));
    return gather(x, d, idx);
  });
}

/**
 * One-hot encoding: int32 class indices of any shape → [..., numClasses] with 1 at each index.
 * numClasses -1 means max(index) + 1 (read synchronously: pass it on a GPU backend). The result
 * is int32 unless `dtype` says otherwise.
 *
 * ```ts
 * oneHot(tensor([0, 2], { dtype: 'int32' }), 3) // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export function oneHot(index: Tensor, numClasses = -1, dtype: 'int32' | 'float32' = 'int32'): Tensor {
  requireIndex('oneHot', index);
  let n = numClasses;
  if (n === -1) {
    if (!backendFor('oneHot', [index]).readSync) {
      throw new BackendError(
        `oneHot: numClasses -1 (max index + 1) needs a synchronous read, which backend '${index.backend}' ` +
          'cannot do; pass the number of classes, e.g. oneHot(labels, 10).',
      );
    }
    if (index.size === 0) n = 0;
    else {
      const top = index.max();
      n = top.item() + 1;
      top.dispose();
    }
  }
  if (!Number.isInteger(n) || n < 0)
    throw new ValueError(`oneHot: numClasses must be an integer >= 0 or -1, got ${numClasses}.`);
  if (dtype !== 'int32' && dtype !== 'float32') {
    throw new DTypeError(`oneHot: dtype must be 'int32' or 'float32', got ${String(dtype)}.`);
  }
  // Refuse before building the [..., n] comparison (n can come from a stray huge label).
  checkStorageSize('oneHot', [...index.shape, n], dtype);
  checkRange('oneHot', index, n, index.ndim);
  return tidy(() => cast(eq(unsqueeze(index, -1), arange(0, n)), dtype));
}
