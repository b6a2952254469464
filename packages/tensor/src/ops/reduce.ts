/**
 * Reductions over one dim, several dims, or all of them (`dim` undefined), with `keepdim`.
 */

import { noGrad, record } from '../autograd.js';
import type { ReduceOp } from '../backend.js';
import { DTypeError, ValueError } from '../errors.js';
import { tidy } from '../scope.js';
import { fmtShape, normalizeDim, normalizeDims, sizeOf } from '../shape.js';
import type { Dims, Tensor } from '../tensor.js';
import { add, div, logicalAnd, logicalOr, mul, sub, where } from './binary.js';
import { eq, isfinite, isnan } from './compare.js';
import { checkTensor, runKernel } from './kernel.js';
import { cast, exp, log, sqrt } from './unary.js';
import { detach, expand, reshape } from './views.js';

function keptShape(shape: readonly number[], dims: readonly number[]): number[] {
  return shape.map((s, i) => (dims.includes(i) ? 1 : s));
}

function dropShape(shape: readonly number[], dims: readonly number[]): number[] {
  return shape.filter((_, i) => !dims.includes(i));
}

/**
 * Runs the reduce kernel. The result has the keepdim shape, or without `keepdim` the shape without
 * the reduced dims (the same storage: the kernel is given the keepdim shape, no view is made).
 */
function reduceKernel(op: ReduceOp, x: Tensor, dims: readonly number[], keepdim = true): Tensor {
  const outDtype = op === 'sum' && x.dtype !== 'float32' ? 'int32' : x.dtype;
  let src = x;
  if (op === 'sum' && x.dtype === 'bool') src = cast(x, 'int32');
  const kept = keptShape(x.shape, dims);
  try {
    return runKernel(op, [src], keepdim ? kept : dropShape(x.shape, dims), outDtype, ([xi], out, b) =>
      b.reduce(op, xi, dims, keepdim ? out : { handle: out.handle, dtype: out.dtype, shape: kept }),
    );
  } finally {
    if (src !== x) src.dispose();
  }
}

/** Reshapes a keepdim-shaped kernel result to the requested form (no autograd; no-op when keepdim). */
function finish(y: Tensor, x: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  if (keepdim) return y;
  const out = noGrad(() => reshape(y, dropShape(x.shape, dims)));
  y.dispose();
  return out;
}

/** Broadcasts a reduction's gradient back over the reduced dims of `shape`. */
function spread(g: Tensor, shape: readonly number[], dims: readonly number[]): Tensor {
  return expand(reshape(g, keptShape(shape, dims)), shape);
}

/**
 * Sum of elements.   ∂/∂x = 1 (the gradient is spread over the reduced dims)
 * Shapes: x [...] → x.shape without the reduced dims (kept as 1 with keepdim; [] when reducing all);
 * same dtype.
 *
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]))   // [2, 2] → 10 (0-d)
 * sum(tensor([[1, 2], [3, 4]]), 1, true)   // [2, 2] → [[3], [7]]
 * ```
 */
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor('sum', x, 'input');
  const dims = normalizeDims('sum', dim, x.shape);
  const shape = x.shape;
  const y = reduceKernel('sum', x, dims, keepdim);
  return record('sum', [x], y, [], (g) => [spread(g, shape, dims)]);
}

/**
 * Mean of elements (float32 only).   ∂/∂x = 1/n
 * Shapes: x [...] → x.shape without the reduced dims (kept as 1 with keepdim; [] when reducing all);
 * float32.
 *
 * ```ts
 * mean(tensor([[1, 2], [3, 4]]), 0)   // [2, 2] → [2, 3]
 * ```
 */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor('mean', x, 'input');
  if (x.dtype !== 'float32') {
    throw new DTypeError(`mean: expects a float32 tensor, got ${x.dtype}; use x.to('float32').mean().`);
  }
  const dims = normalizeDims('mean', dim, x.shape);
  const n = sizeOf(dims.map((d) => x.shape[d]));
  return tidy(() => div(sum(x, dims, keepdim), n));
}

/**
 * Max or min over dims (values only; see argmax/argmin for indices).
 *   ∂/∂x = 1/k at each of the k positions that attain the extreme, 0 elsewhere
 */
function extreme(op: 'max' | 'min', x: Tensor, dim: Dims | undefined, keepdim: boolean): Tensor {
  checkTensor(op, x, 'input');
  const dims = normalizeDims(op, dim, x.shape);
  if (dims.some((d) => x.shape[d] === 0) || (x.size === 0 && dims.length === x.ndim)) {
    throw new ValueError(
      `${op}: cannot reduce over an empty dim (input shape ${fmtShape(x.shape)}); the ${op} of nothing is undefined.`,
    );
  }
  const shape = x.shape;
  const y = reduceKernel(op, x, dims, keepdim);
  return record(op, [x], y, [x, y], (g, [sx, sy]) => {
    // The positions attaining the extreme; where it is NaN (NaN wins, as in PyTorch), the NaNs.
    const kept = reshape(sy, keptShape(shape, dims));
    const mask = logicalOr(eq(sx, kept), logicalAnd(isnan(sx), isnan(kept)));
    const count = sum(mask, dims, true);
    return [where(mask, div(reshape(g, keptShape(shape, dims)), count), 0)];
  });
}

/**
 * The maximum over `dim` (all dims when omitted); NaN propagates.   ∂/∂x: g to the max element(s),
 * shared equally among ties.
 *
 * ```ts
 * max(tensor([[1, 5], [7, 2]]), 1)   // [5, 7]
 * ```
 */
export function max(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return extreme('max', x, dim, keepdim);
}

/**
 * The minimum over `dim` (all dims when omitted); NaN propagates.   ∂/∂x: g to the min element(s),
 * shared equally among ties.
 *
 * ```ts
 * min(tensor([[1, 5], [7, 2]]), 1)   // [1, 2]
 * ```
 */
export function min(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return extreme('min', x, dim, keepdim);
}

/**
 * Product of elements.
 *   ∂/∂xᵢ = Πⱼ≠ᵢ xⱼ: y/xᵢ where xᵢ ≠ 0; at a zero, the product of the others (non-zero only if
 *   it is the only zero in its group).
 *
 * ```ts
 * prod(tensor([[1, 2], [3, 4]]))   // [2, 2] → []: 24
 * prod(tensor([[1, 2], [3, 4]]), 1)   // [2, 2] → [2]: [2, 12]
 * ```
 */
export function prod(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor('prod', x, 'input');
  const dims = normalizeDims('prod', dim, x.shape);
  const shape = x.shape;
  const y = reduceKernel('prod', x, dims, keepdim);
  return record('prod', [x], y, [x, y], (g, [sx, syFinal]) => {
    const sy = reshape(syFinal, keptShape(shape, dims));
    const isZero = eq(sx, 0);
    const zeros = sum(isZero, dims, true);
    const others = reduceKernel('prod', where(isZero, 1, sx), dims);
    const atZero = where(eq(zeros, 1), others, 0);
    const partial = where(isZero, atZero, div(sy, sx));
    return [mul(reshape(g, keptShape(shape, dims)), partial)];
  });
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  checkTensor(op, x, 'input');
  if (dim === undefined) {
    const flat = reshape(x, [x.size]);
    try {
      const r = argReduce(op, flat, 0, false);
      if (!keepdim) return r;
      const k = reshape(
        r,
        x.shape.map(() => 1),
      );
      r.dispose();
      return k;
    } finally {
      flat.dispose();
    }
  }
  const d = normalizeDim(op, dim, x.ndim, x.shape);
  if (x.ndim > 0 && x.shape[d] === 0) {
    throw new ValueError(
      `${op}: dim ${d} of shape ${fmtShape(x.shape)} is empty; there is no ${op.slice(3)}. Reduce over a non-empty dim.`,
    );
  }
  const axis = x.ndim === 0 ? 0 : d;
  const dims = x.ndim === 0 ? [] : [d];
  const y = runKernel(op, [x], keptShape(x.shape, dims), 'int32', ([xi], out, b) =>
    b.argReduce(op, xi, axis, out),
  );
  return finish(y, x, dims, keepdim);
}

/**
 * Index of the first maximum along `dim` (of the flattened tensor if dim is undefined); int32.
 * Shapes: x [...] → x.shape without `dim` (kept as 1 with keepdim; [] when dim is undefined); int32. No
 * gradient.
 *
 * ```ts
 * argmax(tensor([[1, 5, 5], [7, 2, 0]]), 1)   // [2, 3] → [1, 0]
 * argmax(tensor([[1, 5], [7, 2]]))   // [2, 2] → 2 (flat index, 0-d)
 * ```
 */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argReduce('argmax', x, dim, keepdim);
}

/**
 * Index of the first minimum along `dim` (of the flattened tensor if dim is undefined); int32.
 * Shapes: x [...] → x.shape without `dim` (kept as 1 with keepdim; [] when dim is undefined); int32. No
 * gradient.
 *
 * ```ts
 * argmin(tensor([[1, 5], [7, 0]]), 0)   // [2, 2] → [0, 1]
 * ```
 */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argReduce('argmin', x, dim, keepdim);
}

/**
 * Variance Σ(x - x̄)² / (n - correction); correction 1 is the unbiased estimate (the default).
 * Shapes: x [...] → x.shape without the reduced dims (kept as 1 with keepdim; [] when reducing all);
 * float32 only.
 *
 * ```ts
 * variance(tensor([1, 2, 3, 4]))   // [4] → 1.6667 (unbiased)
 * variance(tensor([1, 2, 3, 4]), 0, false, 0)   // [4] → 1.25 (population)
 * ```
 */
export function variance(x: Tensor, dim?: Dims, keepdim = false, correction = 1): Tensor {
  return varianceAs('var', x, dim, keepdim, correction);
}

function varianceAs(
  op: 'var' | 'std',
  x: Tensor,
  dim: Dims | undefined,
  keepdim: boolean,
  correction: number,
) {
  checkTensor(op, x, 'input');
  if (x.dtype !== 'float32')
    throw new DTypeError(`${op}: expects float32, got ${x.dtype}; use x.to('float32').${op}().`);
  if (typeof correction !== 'number' || !Number.isFinite(correction) || correction < 0) {
    throw new ValueError(
      `${op}: correction must be a finite number >= 0 (1 for the unbiased estimate), got ${String(correction)}.`,
    );
  }
  const dims = normalizeDims(op, dim, x.shape);
  const n = sizeOf(dims.map((d) => x.shape[d]));
  return tidy(() => {
    const centered = sub(x, mean(x, dims, true));
    return div(sum(mul(centered, centered), dims, keepdim), Math.max(0, n - correction));
  });
}

/**
 * Standard deviation: √var.
 * Shapes: x [...] → x.shape without the reduced dims (kept as 1 with keepdim; [] when reducing all);
 * float32 only.
 *
 * ```ts
 * std(tensor([[1, 3], [2, 2]]), 1)   // [2, 2] → [1.4142, 0]
 * ```
 */
export function std(x: Tensor, dim?: Dims, keepdim = false, correction = 1): Tensor {
  return tidy(() => sqrt(varianceAs('std', x, dim, keepdim, correction)));
}

/**
 * log Σ exp(x) over dims, computed stably as m + log Σ exp(x - m) with m the (detached) max.
 * Shapes: x [...] → x.shape without the reduced dims (kept as 1 with keepdim; [] when reducing all);
 * float32 only.
 *
 * ```ts
 * logsumexp(tensor([[0, 0], [1000, 1000]]), 1)   // [2, 2] → [0.6931, 1000.69] (no overflow)
 * ```
 */
export function logsumexp(x: Tensor, dim: Dims, keepdim = false): Tensor {
  checkTensor('logsumexp', x, 'input');
  if (x.dtype !== 'float32')
    throw new DTypeError(`logsumexp: expects float32, got ${x.dtype}; use x.to('float32').`);
  const dims = normalizeDims('logsumexp', dim, x.shape);
  return tidy(() => {
    const m = detach(max(x, dims, true));
    const safeM = where(isfinite(m), m, 0);
    const s = log(sum(exp(sub(x, safeM)), dims, true));
    const out = add(s, safeM);
    return keepdim ? out : reshape(out, dropShape(x.shape, dims));
  });
}
