/**
 * Views: new shapes and strides over the same storage (no copy), and their gradient rules.
 * `reshape` copies only when the input's layout cannot be viewed with the new shape.
 */
import { record } from '../autograd.js';
import { IndexError, ShapeError, ValueError } from '../errors.js';
import {
  contiguousStrides,
  fmtShape,
  normalizeDim,
  normalizeDims,
  type Shape,
  shapesEqual,
  sizeOf,
} from '../shape.js';
import { Tensor } from '../tensor.js';
import { backendFor, checkTensor, empty, materialize } from './kernel.js';

/** A new tensor over `x`'s storage with the given layout (no autograd). */
function makeView(x: Tensor, shape: Shape, strides: readonly number[], offset: number): Tensor {
  return new Tensor(x._storage.retain(), [...shape], x.dtype, [...strides], offset);
}

/**
 * @internal A view of `x`'s storage with any layout (no autograd, no checks): the sliding windows
 * of the reference convolution and pooling. The caller keeps every index inside the storage.
 */
export function stridedView(x: Tensor, shape: Shape, strides: readonly number[], offset: number): Tensor {
  return makeView(x, shape, strides, offset);
}

/** @internal A value saved for backward: shares the storage, invisible to memory() and tidy. */
export function alias(x: Tensor): Tensor {
  return new Tensor(x._storage.retain(), x.shape, x.dtype, x.strides, x.offset, true);
}

/**
 * A tensor sharing `x`'s storage, cut from the autograd graph.
 * Shapes: x → same shape and dtype, requiresGrad false.
 *
 * ```ts
 * detach(tensor([1, 2], { requiresGrad: true })).requiresGrad   // false
 * ```
 */
export function detach(x: Tensor): Tensor {
  checkTensor('detach', x, 'input');
  return makeView(x, x.shape, x.strides, x.offset);
}

/** @internal A dense copy not recorded by autograd (used for reading). */
export function contiguousUntracked(x: Tensor): Tensor {
  return materialize(x);
}

/**
 * A dense copy (or `x` itself, shared, when it is already contiguous from element 0).
 * Shapes: x → same shape and dtype, row-major strides.
 *
 * ```ts
 * contiguous(transpose(tensor([[1, 2], [3, 4]]), 0, 1))   // [2, 2] → [[1, 3], [2, 4]], dense
 * ```
 */
export function contiguous(x: Tensor): Tensor {
  checkTensor('contiguous', x, 'input');
  const out = x._isDense() ? makeView(x, x.shape, x.strides, x.offset) : materialize(x, 'contiguous');
  return record('contiguous', [x], out, [], (g) => [g]);
}

/**
 * A copy with its own storage.
 * Shapes: x → same shape and dtype. Gradient passes through unchanged.
 *
 * ```ts
 * clone(tensor([1, 2]))   // [2] → [1, 2] (new storage)
 * ```
 */
export function clone(x: Tensor): Tensor {
  checkTensor('clone', x, 'input');
  return record('clone', [x], materialize(x, 'clone'), [], (g) => [g]);
}

function inferShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) throw new ShapeError(`${op}: shape must be an array, e.g. [2, -1].`);
  const out = [...shape];
  const free = out.indexOf(-1);
  if (free !== out.lastIndexOf(-1))
    throw new ShapeError(`${op}: only one dim can be -1, got ${fmtShape(shape)}.`);
  for (const d of out) {
    if (d !== -1 && (!Number.isInteger(d) || d < 0)) {
      throw new ShapeError(`${op}: shape ${fmtShape(shape)} has an invalid size ${d}.`);
    }
  }
  if (free >= 0) {
    const known = sizeOf(out.filter((_, i) => i !== free));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        `${op}: cannot infer the -1 in ${fmtShape(shape)} for a tensor of ${x.size} elements (shape ${fmtShape(x.shape)}).`,
      );
    }
    out[free] = x.size / known;
  }
  if (sizeOf(out) !== x.size) {
    throw new ShapeError(
      `${op}: shape ${fmtShape(shape)} is invalid for input of shape ${fmtShape(x.shape)} ` +
        `(${sizeOf(out)} vs ${x.size} elements); the sizes must multiply to the same count.`,
    );
  }
  return out;
}

/**
 * Same data, new shape (one dim may be -1). A view when possible, otherwise a copy.
 * Shapes: x [...] → `shape` with the same element count; same dtype.
 *
 * ```ts
 * reshape(arange(6), [2, -1])   // [6] → [[0, 1, 2], [3, 4, 5]]
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', x, 'input');
  const s = inferShape('reshape', x, shape);
  const inShape = x.shape;
  const out = x.isContiguous() ? makeView(x, s, contiguousStrides(s), x.offset) : reshapeCopy(x, s);
  return record('reshape', [x], out, [], (g) => [reshape(g, inShape)]);
}

function reshapeCopy(x: Tensor, s: Shape): Tensor {
  const dense = materialize(x, 'reshape');
  const out = makeView(dense, s, contiguousStrides(s), 0);
  dense.dispose();
  return out;
}

/**
 * Like reshape, but throws instead of copying when the layout cannot be viewed.
 * Shapes: x [...] → `shape` with the same element count; same dtype.
 *
 * ```ts
 * view(arange(6), [3, 2])   // [6] → [[0, 1], [2, 3], [4, 5]]
 * view(t(zeros([2, 3])), [6])   // throws: the transposed layout cannot be viewed; use reshape
 * ```
 */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('view', x, 'input');
  if (!x.isContiguous()) {
    throw new ShapeError(
      `view: tensor with shape ${fmtShape(x.shape)} and strides ${fmtShape(x.strides)} is not contiguous; ` +
        'use reshape() (which copies) or call contiguous() first.',
    );
  }
  return reshape(x, shape);
}

/**
 * Swaps two dims (a view).
 * Shapes: [..., a, ..., b, ...] → [..., b, ..., a, ...]; same dtype. Gradient: transposed back.
 *
 * ```ts
 * transpose(zeros([2, 3, 4]), 0, 2).shape   // [2, 3, 4] → [4, 3, 2]
 * ```
 */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  checkTensor('transpose', x, 'input');
  const a = normalizeDim('transpose', dim0, x.ndim, x.shape);
  const b = normalizeDim('transpose', dim1, x.ndim, x.shape);
  if (x.ndim === 0) return record('transpose', [x], makeView(x, [], [], x.offset), [], (g) => [g]);
  const shape = [...x.shape];
  const strides = [...x.strides];
  [shape[a], shape[b]] = [shape[b], shape[a]];
  [strides[a], strides[b]] = [strides[b], strides[a]];
  // (Xᵀ)ᵀ = X: the gradient is transposed back.
  return record('transpose', [x], makeView(x, shape, strides, x.offset), [], (g) => [transpose(g, a, b)]);
}

/**
 * Transpose of a matrix; 0-d and 1-d tensors are returned as they are.
 * Shapes: [m, n] → [n, m]; [n] and [] unchanged.
 *
 * ```ts
 * t(tensor([[1, 2, 3]]))   // [1, 3] → [[1], [2], [3]]
 * ```
 */
export function t(x: Tensor): Tensor {
  checkTensor('t', x, 'input');
  if (x.ndim > 2) {
    throw new ShapeError(
      `t: expects a tensor with <= 2 dims, got shape ${fmtShape(x.shape)}; use transpose(d0, d1).`,
    );
  }
  return x.ndim < 2 ? reshape(x, x.shape) : transpose(x, 0, 1);
}

/**
 * Reorders dims: out.shape[i] = x.shape[dims[i]] (a view).
 * Shapes: x [s₀, ..., sₙ₋₁] → [s_dims[0], ..., s_dims[n-1]]; same dtype. Gradient: the inverse
 * permutation.
 *
 * ```ts
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape   // [2, 3, 4] → [4, 2, 3]
 * ```
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor('permute', x, 'input');
  if (!Array.isArray(dims) || dims.length !== x.ndim) {
    throw new ShapeError(
      `permute: expected ${x.ndim} dims for shape ${fmtShape(x.shape)}, got ${Array.isArray(dims) ? fmtShape(dims) : String(dims)}.`,
    );
  }
  const d = dims.map((i) => normalizeDim('permute', i, x.ndim, x.shape));
  if (new Set(d).size !== d.length)
    throw new IndexError(`permute: dims ${fmtShape(dims)} repeat a dim; list each once.`);
  const inverse = new Array<number>(d.length);
  d.forEach((src, i) => {
    inverse[src] = i;
  });
  const out = makeView(
    x,
    d.map((i) => x.shape[i]),
    d.map((i) => x.strides[i]),
    x.offset,
  );
  return record('permute', [x], out, [], (g) => [permute(g, inverse)]);
}

/**
 * Removes dims of size 1 (all of them, or the listed ones that have size 1).
 * Shapes: x → x.shape without the selected size-1 dims; same dtype.
 *
 * ```ts
 * squeeze(zeros([1, 3, 1])).shape   // [1, 3, 1] → [3]
 * squeeze(zeros([1, 3, 1]), 0).shape   // [1, 3, 1] → [3, 1]
 * ```
 */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  checkTensor('squeeze', x, 'input');
  const drop = new Set(
    dim === undefined
      ? x.shape.flatMap((s, i) => (s === 1 ? [i] : []))
      : normalizeDims('squeeze', dim, x.shape).filter((i) => x.shape[i] === 1),
  );
  const inShape = x.shape;
  const out = makeView(
    x,
    x.shape.filter((_, i) => !drop.has(i)),
    x.strides.filter((_, i) => !drop.has(i)),
    x.offset,
  );
  return record('squeeze', [x], out, [], (g) => [reshape(g, inShape)]);
}

/**
 * Inserts a dim of size 1 at `dim` (which may be x.ndim, or negative).
 * Shapes: x [...] (ndim n) → ndim n + 1 with a 1 at `dim`; same dtype.
 *
 * ```ts
 * unsqueeze(tensor([1, 2]), 0)   // [2] → [[1, 2]]
 * unsqueeze(tensor([1, 2]), -1)   // [2] → [[1], [2]]
 * ```
 */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  checkTensor('unsqueeze', x, 'input');
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1, x.shape);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? x.strides[d] * x.shape[d] : 1);
  const inShape = x.shape;
  return record('unsqueeze', [x], makeView(x, shape, strides, x.offset), [], (g) => [reshape(g, inShape)]);
}

/**
 * Broadcasts size-1 dims to larger sizes without copying (stride 0); -1 keeps a size.
 * Shapes: x → `shape` (x's dims align to the trailing dims of `shape`; only size-1 dims grow).
 * Gradient: summed over the expanded dims.
 *
 * ```ts
 * expand(tensor([[1], [2]]), [2, 3])   // [2, 1] → [[1, 1, 1], [2, 2, 2]]
 * ```
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('expand', x, 'input');
  if (!Array.isArray(shape) || shape.length < x.ndim) {
    throw new ShapeError(
      `expand: target ${Array.isArray(shape) ? fmtShape(shape) : String(shape)} has fewer dims than the input ${fmtShape(x.shape)}.`,
    );
  }
  const lead = shape.length - x.ndim;
  const outShape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const src = i - lead;
    const inSize = src >= 0 ? x.shape[src] : 1;
    const want = shape[i] === -1 && src >= 0 ? inSize : shape[i];
    if (!Number.isInteger(want) || want < 0)
      throw new ShapeError(`expand: invalid size ${shape[i]} in ${fmtShape(shape)}.`);
    if (inSize === want) {
      outShape.push(want);
      strides.push(src >= 0 ? x.strides[src] : 0);
    } else if (inSize === 1) {
      outShape.push(want);
      strides.push(0);
    } else {
      throw new ShapeError(
        `expand: the size of dim ${src} (${inSize}) must be 1 or match the target ${want} ` +
          `(input ${fmtShape(x.shape)}, target ${fmtShape(shape)}).`,
      );
    }
  }
  const inShape = x.shape;
  // Each input element fed several outputs: its gradient is their sum.
  return record('expand', [x], makeView(x, outShape, strides, x.offset), [], (g) => [sumToShape(g, inShape)]);
}

/**
 * Elements [start, start + length) along `dim` (a view).
 * Shapes: x with size `length` along `dim`; same dtype.
 *
 * ```ts
 * narrow(arange(5), 0, 1, 3)   // [5] → [1, 2, 3]
 * ```
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor('narrow', x, 'input');
  const d = normalizeDim('narrow', dim, x.ndim, x.shape);
  const size = x.shape[d];
  if (start < 0) start += size;
  if (
    !Number.isInteger(start) ||
    !Number.isInteger(length) ||
    start < 0 ||
    length < 0 ||
    start + length > size
  ) {
    throw new IndexError(
      `narrow: start ${start} and length ${length} do not fit dim ${d} of size ${size} (shape ${fmtShape(x.shape)}); start + length must be at most ${size}.`,
    );
  }
  return slice(x, d, start, start + length, 1);
}

/**
 * Python-style slice `x[start:end:step]` along `dim` (a view); negative start/end count from the end.
 * Shapes: x with ceil((end - start)/step) along `dim` (end defaults to the dim size); same dtype.
 *
 * ```ts
 * slice(arange(6), 0, 1, undefined, 2)   // [6] → [1, 3, 5]
 * slice(arange(6), 0, -2)   // [6] → [4, 5]
 * ```
 */
export function slice(x: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor {
  checkTensor('slice', x, 'input');
  const d = normalizeDim('slice', dim, x.ndim, x.shape);
  const size = x.shape[d];
  if (!Number.isInteger(step) || step <= 0)
    throw new ValueError(`slice: step must be a positive integer, got ${step}.`);
  const clampIdx = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const s = clampIdx(start);
  const e = Math.max(s, clampIdx(end ?? size));
  const n = Math.ceil((e - s) / step);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[d] = n;
  strides[d] = x.strides[d] * step;
  const inShape = x.shape;
  const out = makeView(x, shape, strides, x.offset + s * x.strides[d]);
  // The slice's gradient lands in its positions of a zero tensor of the input's shape.
  return record('slice', [x], out, [], (g) => [embed(g, inShape, d, s, step)]);
}

/**
 * The sub-tensor at `index` along `dim`, with that dim removed (a view).
 * Shapes: x [..., s_dim, ...] → x.shape without `dim`; same dtype.
 *
 * ```ts
 * select(tensor([[1, 2], [3, 4]]), 1, 0)   // [2, 2] → [1, 3]
 * ```
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  checkTensor('select', x, 'input');
  const d = normalizeDim('select', dim, x.ndim, x.shape);
  const size = x.shape[d];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new IndexError(
      `select: index ${index} is out of range for dim ${d} of size ${size} (shape ${fmtShape(x.shape)}); use an integer in [${-size}, ${size - 1}].`,
    );
  }
  const i = index < 0 ? index + size : index;
  return squeeze(slice(x, d, i, i + 1), d);
}

/**
 * Merges dims startDim..endDim into one.
 * Shapes: [..., s_start, ..., s_end, ...] → [..., s_start·...·s_end, ...]; a 0-d input gives [1]. A
 * view when possible.
 *
 * ```ts
 * flatten(zeros([2, 3, 4])).shape   // [2, 3, 4] → [24]
 * flatten(zeros([2, 3, 4]), 1).shape   // [2, 3, 4] → [2, 12]
 * ```
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor('flatten', x, 'input');
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.ndim, x.shape);
  const e = normalizeDim('flatten', endDim, x.ndim, x.shape);
  if (s > e) throw new IndexError(`flatten: startDim ${startDim} comes after endDim ${endDim}.`);
  const shape = [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/**
 * Sums a broadcast gradient back to `shape`: leading extra dims and dims that were 1 in `shape`
 * are summed away.
 */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const summed = dims.length ? g.sum(dims, true) : g;
  const out = reshape(summed, shape);
  if (summed !== g) summed.dispose();
  return out;
}

/**
 * A zero tensor of `shape` with `g` written at positions start, start + step, ... along `dim`
 * (the adjoint of `slice`). Built on the required `scatterAdd` kernel.
 */
export function embed(g: Tensor, shape: Shape, dim: number, start: number, step: number): Tensor {
  const backend = backendFor('slice backward', [g]);
  const out = empty(shape, g.dtype);
  if (out.size > 0) backend.fill(out._info(), 0);
  if (g.size === 0) return out;
  const index = indexAlong(g.shape, dim, start, step);
  const src = g._isDense() ? g : materialize(g);
  backend.scatterAdd(out._info(), dim, index._info(), src._info());
  if (src !== g) src.dispose();
  index.dispose();
  return out;
}

/** @internal An int32 tensor of `shape` whose value at each position is start + i_dim * step. */
export function indexAlong(shape: Shape, dim: number, start: number, step: number): Tensor {
  const idx = new Int32Array(sizeOf(shape));
  const inner = sizeOf(shape.slice(dim + 1));
  const n = shape[dim];
  for (let p = 0; p < idx.length; p++) idx[p] = start + (Math.floor(p / inner) % n) * step;
  const t = empty(shape, 'int32');
  t._storage.backend.write(t._storage.handle, idx);
  return t;
}
