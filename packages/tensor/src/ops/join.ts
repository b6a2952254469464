/**
 * Joining and splitting: cat, stack, split, chunk.
 */
import { noGrad, record } from '../autograd.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { tidy } from '../scope.js';
import { fmtShape, normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { backendFor, checkTensor, empty, materialize } from './kernel.js';
import { cast } from './unary.js';
import { indexAlong, narrow, unsqueeze } from './views.js';

/** Writes each part into its slice of one zero-filled output (scatterAdd along `dim`). */
function catKernel(parts: readonly Tensor[], d: number, shape: number[]): Tensor {
  const backend = backendFor('cat', parts);
  const out = empty(shape, parts[0].dtype, 'cat');
  if (out.size === 0) return out;
  backend.fill(out._info(), 0);
  let offset = 0;
  for (const p of parts) {
    if (p.size > 0) {
      const index = indexAlong(p.shape, d, offset, 1);
      const src = p._isDense() ? p : materialize(p);
      backend.scatterAdd(out._info(), d, index._info(), src._info());
      if (src !== p) src.dispose();
      index.dispose();
    }
    offset += p.shape[d];
  }
  return out;
}

/**
 * Concatenates tensors along `dim`; all other dims must match.
 *   ∂/∂partᵢ = the slice of g that partᵢ filled
 *
 * ```ts
 * cat([tensor([[1, 2]]), tensor([[3, 4]])])   // [1, 2] + [1, 2] → [2, 2]: [[1, 2], [3, 4]]
 * cat([tensor([[1, 2]]), tensor([[3]])], 1)   // [1, 2] + [1, 1] → [1, 3]: [[1, 2, 3]]
 * ```
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new ValueError('cat: expected a non-empty list of tensors.');
  }
  for (const t of tensors) {
    if (!(t instanceof Tensor)) throw new ValueError('cat: every element of the list must be a Tensor.');
    checkTensor('cat', t, 'tensor');
  }
  const first = tensors[0];
  const d = normalizeDim('cat', dim, first.ndim, first.shape);
  for (const t of tensors) {
    if (t.dtype !== first.dtype) {
      throw new DTypeError(
        `cat: all tensors must share a dtype, got ${first.dtype} and ${t.dtype}; cast them first.`,
      );
    }
    if (t.ndim !== first.ndim || t.shape.some((s: number, i: number) => i !== d && s !== first.shape[i])) {
      throw new ShapeError(
        `cat: shapes ${tensors.map((x) => fmtShape(x.shape)).join(', ')} differ outside dim ${d}; ` +
          'every dim except the one joined must match.',
      );
    }
  }
  const shape = [...first.shape];
  shape[d] = tensors.reduce((n, t) => n + t.shape[d], 0);
  let out: Tensor;
  if (first.dtype === 'bool') {
    // scatterAdd adds numbers: join bools as int32 and convert back.
    out = tidy(() =>
      noGrad(() =>
        cast(
          catKernel(
            tensors.map((t) => cast(t, 'int32')),
            d,
            shape,
          ),
          'bool',
        ),
      ),
    );
  } else {
    out = catKernel(tensors, d, shape);
  }
  const sizes = tensors.map((t) => t.shape[d]);
  return record('cat', tensors, out, [], (g) => {
    let off = 0;
    return sizes.map((n) => {
      const part = narrow(g, d, off, n);
      off += n;
      return part;
    });
  });
}

/**
 * Stacks same-shaped tensors along a new dim.
 * Shapes: n tensors of shape [...s] → s with n inserted at `dim` (ndim + 1); one shared dtype
 * (mixed dtypes throw). Gradient: g split back along `dim`.
 *
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])])   // 2 × [2] → [[1, 2], [3, 4]] ([2, 2])
 * stack([tensor([1, 2]), tensor([3, 4])], 1)   // 2 × [2] → [[1, 3], [2, 4]]
 * ```
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0)
    throw new ValueError('stack: expected a non-empty list of tensors.');
  const first = tensors[0];
  for (const t of tensors) {
    if (t.ndim !== first.ndim || t.shape.some((s: number, i: number) => s !== first.shape[i])) {
      throw new ShapeError(
        `stack: every tensor must have the same shape, got ${tensors.map((x) => fmtShape(x.shape)).join(', ')}.`,
      );
    }
  }
  const d = normalizeDim('stack', dim, first.ndim + 1, first.shape);
  return tidy(() =>
    cat(
      tensors.map((t) => unsqueeze(t, d)),
      d,
    ),
  );
}

/**
 * Splits into views along `dim`: pieces of `splitSize` (the last may be smaller), or the listed
 * section sizes (which must add up to the dim's size).
 * Shapes: x [..., n, ...] → a list of views of x, each with its piece size at `dim`; same dtype.
 *
 * ```ts
 * split(arange(5), 2)   // [5] → [0, 1], [2, 3], [4]
 * split(arange(5), [1, 4])   // [5] → [0], [1, 2, 3, 4]
 * ```
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  checkTensor('split', x, 'input');
  const d = normalizeDim('split', dim, x.ndim, x.shape);
  const n = x.shape[d];
  let sizes: number[];
  if (typeof splitSizeOrSections === 'number') {
    const s = splitSizeOrSections;
    if (!Number.isInteger(s) || s <= 0)
      throw new ValueError(`split: split size must be a positive integer, got ${s}.`);
    sizes = [];
    for (let i = 0; i < n; i += s) sizes.push(Math.min(s, n - i));
    if (n === 0) sizes = [0];
  } else {
    sizes = [...splitSizeOrSections];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || total !== n) {
      throw new ShapeError(
        `split: sections ${fmtShape(sizes)} must be integers >= 0 adding up to ${n}, the size of dim ${d} of ${fmtShape(x.shape)}.`,
      );
    }
  }
  let off = 0;
  return sizes.map((s) => {
    const piece = narrow(x, d, off, s);
    off += s;
    return piece;
  });
}

/**
 * Splits into `chunks` nearly equal views along `dim` (the last may be smaller, as in PyTorch).
 * Shapes: x [..., n, ...] → at most `chunks` views of size ⌈n/chunks⌉ at `dim` (fewer when n is small);
 * same dtype.
 *
 * ```ts
 * chunk(arange(5), 2)   // [5] → [0, 1, 2], [3, 4]
 * chunk(zeros([2, 6]), 3, 1).map((c) => c.shape)   // [2, 6] → 3 × [2, 2]
 * ```
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  checkTensor('chunk', x, 'input');
  if (!Number.isInteger(chunks) || chunks <= 0)
    throw new ValueError(`chunk: chunks must be a positive integer, got ${chunks}.`);
  const d = normalizeDim('chunk', dim, x.ndim, x.shape);
  return split(x, Math.max(1, Math.ceil(x.shape[d] / chunks)), d);
}
