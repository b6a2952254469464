/**
 * Writing through index tensors, out of place: `scatter`, `scatterAdd`, `indexAdd`; and the
 * data-dependent selections `nonzero` and `maskedSelect` (their output size depends on the
 * values, so they read the mask synchronously: CPU and WASM backends).
 */
import { record } from '../autograd.js';
import { BackendError, DTypeError, ShapeError, withOp } from '../errors.js';
import { tidy } from '../scope.js';
import { broadcastShapes, contiguousStrides, fmtShape, normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, mul, where } from './binary.js';
import { gt } from './compare.js';
import { fromTypedArray, full, onesLike } from './creation.js';
import { checkRange, gather, indexSelect, requireIndex, scatterAddInto } from './indexing.js';
import { backendFor, checkNumber, checkTensor, materialize } from './kernel.js';
import { cast } from './unary.js';
import { expand, narrow, reshape } from './views.js';

/** Checks index against x and src (PyTorch's scatter rules) and returns the normalized dim. */
function checkScatter(op: string, x: Tensor, dim: number, index: Tensor, src: Tensor | null): number {
  checkTensor(op, x);
  requireIndex(op, index);
  const d = normalizeDim(op, dim, x.ndim, x.shape);
  if (index.ndim !== x.ndim && !(x.ndim === 0 && index.ndim <= 1)) {
    throw new ShapeError(
      `${op}: index ${fmtShape(index.shape)} must have the rank of the input ${fmtShape(x.shape)}.`,
    );
  }
  index.shape.forEach((s, i) => {
    if (i !== d && s > x.shape[i]) {
      throw new ShapeError(
        `${op}: index ${fmtShape(index.shape)} is larger than the input ${fmtShape(x.shape)} in dim ${i} (only dim ${d} may be larger).`,
      );
    }
    if (src && s > src.shape[i]) {
      throw new ShapeError(
        `${op}: index ${fmtShape(index.shape)} is larger than src ${fmtShape(src.shape)} in dim ${i}.`,
      );
    }
  });
  if (src) {
    checkTensor(op, src, 'src');
    if (src.ndim !== index.ndim) {
      throw new ShapeError(
        `${op}: src ${fmtShape(src.shape)} must have the rank of index ${fmtShape(index.shape)}.`,
      );
    }
    if (src.dtype !== x.dtype) {
      throw new DTypeError(`${op}: src is ${src.dtype} but the input is ${x.dtype}; convert one with .to().`);
    }
  }
  checkRange(op, index, x.ndim === 0 ? 1 : x.shape[d], d);
  return d;
}

/** The part of src that index addresses (PyTorch uses src[:index.shape]). */
function cropTo(src: Tensor, shape: readonly number[]): Tensor {
  let out = src;
  shape.forEach((s, i) => {
    if (out.shape[i] !== s) out = narrow(out, i, 0, s);
  });
  return out;
}

/**
 * x with src added at `index` along `dim`: out[index[i][j]][j] += src[i][j] (dim 0), and so on.
 *   ∂/∂x = g, ∂/∂src = g gathered at index
 *
 * ```ts
 * scatterAdd(zeros([3]), 0, tensor([0, 0, 2], { dtype: 'int32' }), tensor([1, 2, 3]))   // [3, 0, 3]
 * ```
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = checkScatter('scatterAdd', x, dim, index, src);
  return tidy(() => {
    const s = cropTo(src, index.shape);
    if (x.dtype !== 'float32') {
      // Integer accumulation through float32 (exact below 2²⁴).
      const added = scatterAddInto(x.shape, d, index, cast(s, 'float32'));
      return cast(add(cast(x, 'float32'), added), x.dtype);
    }
    const added = scatterAddInto(x.shape, d, index, s);
    const y = add(x.detach(), added);
    return record('scatterAdd', [x, s], y, [index], (g, [ix], needs) => [
      needs[0] ? g : null,
      needs[1] ? gather(g, d, ix) : null,
    ]);
  });
}

/**
 * x with the values of src (or a number) written at `index` along `dim`:
 * out[index[i][j]][j] = src[i][j] (dim 0). As in PyTorch, which of several writes to one position
 * wins is unspecified (here: their sum), so give distinct indices.
 *   ∂/∂x = g where nothing was written, 0 elsewhere;  ∂/∂src = g gathered at index
 *
 * ```ts
 * scatter(zeros([3]), 0, tensor([2, 0], { dtype: 'int32' }), tensor([7, 9]))   // [3] → [9, 0, 7]
 * scatter(zeros([2, 2]), 1, tensor([[1], [0]], { dtype: 'int32' }), 1)   // [2, 2] → [[0, 1], [1, 0]]
 * ```
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  const srcT = typeof src === 'number' ? null : src;
  const d = checkScatter('scatter', x, dim, index, srcT);
  return tidy(() => {
    const s = srcT ? cropTo(srcT, index.shape) : full(index.shape, src as number, { dtype: x.dtype });
    const hit = gt(scatterAddInto(x.shape, d, index, onesLike(index, { dtype: 'float32' })), 0);
    const written = scatterAddInto(
      x.shape,
      d,
      index,
      x.dtype === 'float32' ? s.detach() : cast(s, 'float32'),
    );
    const y = where(hit, x.dtype === 'float32' ? written : cast(written, x.dtype), x.detach());
    if (x.dtype !== 'float32') return y;
    const inputs = srcT ? [x, s] : [x];
    return record('scatter', inputs, y, [index, hit], (g, [ix, h], needs) => [
      needs[0] ? where(h, 0, g) : null,
      needs[1] ? gather(g, d, ix) : null,
    ]);
  });
}

/**
 * x with alpha·source added at the positions `index` (1-D int32) along `dim`:
 * out[..., index[i], ...] += alpha·source[..., i, ...].
 *   ∂/∂x = g, ∂/∂source = alpha·g selected at index
 *
 * ```ts
 * indexAdd(zeros([3]), 0, tensor([0, 2], { dtype: 'int32' }), tensor([1, 5]))   // [3] → [1, 0, 5]
 * ```
 */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, alpha = 1): Tensor {
  return withOp('indexAdd', () => {
    checkTensor('indexAdd', x);
    requireIndex('indexAdd', index);
    checkTensor('indexAdd', source, 'source');
    checkNumber('indexAdd', 'alpha', alpha);
    if (index.ndim > 1) throw new ShapeError(`indexAdd: index must be 1-D, got ${fmtShape(index.shape)}.`);
    const d = normalizeDim('indexAdd', dim, x.ndim, x.shape);
    const want = x.ndim === 0 ? [] : x.shape.map((s, i) => (i === d ? index.size : s));
    if (source.ndim !== want.length || source.shape.some((s, i) => s !== want[i])) {
      throw new ShapeError(
        `indexAdd: source ${fmtShape(source.shape)} must have the input's shape ${fmtShape(x.shape)} with dim ${d} of size index.size = ${index.size}, i.e. ${fmtShape(want)}.`,
      );
    }
    if (x.ndim === 0) return tidy(() => add(x, mul(reshape(source, []), alpha)));
    return tidy(() => {
      const view = want.map((_, i) => (i === d ? index.size : 1));
      const full_ = materialize(expand(reshape(index, view), want));
      return scatterAdd(x, d, full_, alpha === 1 ? source : mul(source, alpha));
    });
  });
}

/** Reads `t` synchronously for a data-dependent output size, or says why it cannot. */
function readForShape(op: string, t: Tensor): ArrayLike<number> {
  const backend = backendFor(op, [t]);
  if (!backend.readSync) {
    throw new BackendError(
      `${op}: the output size depends on the values, which needs a synchronous read; backend '${t.backend}' ` +
        'has none. Use a masked where() of fixed shape instead, or run this step on the cpu backend.',
    );
  }
  return t.dataSync();
}

/**
 * The coordinates of the non-zero elements: an int32 [count, ndim] tensor, in row-major order.
 * Needs a backend that reads synchronously (CPU, WASM).
 *
 * ```ts
 * nonzero(tensor([[0, 1], [2, 0]]))   // [[0, 1], [1, 0]]
 * ```
 */
export function nonzero(x: Tensor): Tensor {
  checkTensor('nonzero', x);
  const data = readForShape('nonzero', x);
  const strides = contiguousStrides(x.shape);
  const coords: number[] = [];
  for (let p = 0; p < data.length; p++) {
    const v = data[p];
    if (v === 0) continue;
    for (let k = 0; k < x.ndim; k++) coords.push(Math.floor(p / strides[k]) % x.shape[k]);
  }
  const count = x.ndim === 0 ? (data[0] !== 0 ? 1 : 0) : coords.length / x.ndim;
  return fromTypedArray(Int32Array.from(coords), [count, x.ndim], 'int32');
}

/**
 * The elements of x where the bool mask is true (x and mask broadcast), as a 1-D tensor in
 * row-major order. Needs a synchronous read of the mask (CPU, WASM).
 *   ∂/∂x: each selected element's gradient goes back to its position (summed over broadcasts)
 *
 * ```ts
 * maskedSelect(tensor([[1, 2], [3, 4]]), tensor([[true, false], [false, true]]))   // [2, 2] → [2]: [1, 4]
 * ```
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  checkTensor('maskedSelect', x);
  checkTensor('maskedSelect', mask, 'mask');
  if (mask.dtype !== 'bool') throw new DTypeError(`maskedSelect: mask must be bool, got ${mask.dtype}.`);
  const shape = broadcastShapes('maskedSelect', x.shape, mask.shape);
  return tidy(() => {
    const m =
      mask.ndim === shape.length && mask.shape.every((s, i) => s === shape[i]) ? mask : expand(mask, shape);
    const data = readForShape('maskedSelect', m);
    const picks: number[] = [];
    for (let p = 0; p < data.length; p++) if (data[p]) picks.push(p);
    const flat = reshape(expand(x, shape), [data.length]);
    return indexSelect(flat, 0, fromTypedArray(Int32Array.from(picks), [picks.length], 'int32'));
  });
}
