/**
 * Sorting and selection: `sort`, `argsort`, `topk`, `median`, `kthvalue`-style picks. The
 * contract has no sort kernel, so the order is computed from comparisons: each element's rank is
 * the number of elements that sort before it (NaN sorts as the largest value, ties by position,
 * so the order is stable), and the permutation is scattered from the ranks. That costs n²
 * comparisons per sorted row (fine for rows up to a few thousand elements). Values are gathered
 * through the permutation, so gradients flow back to the picked elements.
 */
import { noGrad } from '../autograd.js';
import { IndexError, ValueError } from '../errors.js';
import { tidy } from '../scope.js';
import { fmtShape, normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, logicalAnd, logicalOr, where } from './binary.js';
import { eq, gt, isnan, lt } from './compare.js';
import { arange } from './creation.js';
import { gather, scatterAddInto } from './indexing.js';
import { materialize } from './kernel.js';
import { sum } from './reduce.js';
import { cast, logicalNot } from './unary.js';
import { expand, narrow, reshape, select, squeeze, transpose, unsqueeze } from './views.js';

/** The int32 permutation that sorts the last dim of `x` (no gradient). */
function permutationLast(x: Tensor, descending: boolean): Tensor {
  return noGrad(() =>
    tidy(() => {
      const n = x.shape[x.ndim - 1];
      const xi = unsqueeze(x, -1); // element i, compared with every j along the new last dim
      const xj = unsqueeze(x, -2);
      const nanI = isnan(xi);
      const nanJ = isnan(xj);
      // j sorts strictly before i: ascending, NaN is the largest; descending, NaN comes first.
      const strictly = descending
        ? logicalOr(gt(xj, xi), logicalAnd(nanJ, logicalNot(nanI)))
        : logicalOr(lt(xj, xi), logicalAnd(nanI, logicalNot(nanJ)));
      const same = logicalOr(eq(xj, xi), logicalAnd(nanI, nanJ));
      // Ties keep their order: j before i when j < i.
      const earlier = lt(arange(0, n), unsqueeze(arange(0, n), 1));
      const before = logicalOr(strictly, logicalAnd(same, earlier));
      const rank = cast(sum(before, -1), 'int32');
      const positions = materialize(expand(cast(arange(0, n), 'float32'), x.shape));
      return cast(scatterAddInto(x.shape, x.ndim - 1, rank, positions), 'int32');
    }),
  );
}

/** Runs `fn` on x with `dim` moved last, and moves the dim of every result back. */
function alongLast(x: Tensor, d: number, fn: (y: Tensor) => Tensor[]): Tensor[] {
  const last = x.ndim - 1;
  const moved = d === last ? x : transpose(x, d, last);
  return fn(moved).map((t) => (d === last || t.ndim !== x.ndim ? t : transpose(t, d, last)));
}

/**
 * Sorts along `dim` (default the last); returns [values, indices] (int32). NaN sorts as the
 * largest value; equal values keep their order (stable).
 *   ∂/∂x: each value's gradient goes back to the position it came from
 *
 *   const [v, i] = sort(tensor([3, 1, 2]))   // v = [1, 2, 3], i = [1, 2, 0]
 */
export function sort(x: Tensor, dim = -1, descending = false): [Tensor, Tensor] {
  x._check('sort');
  if (x.ndim === 0)
    return tidy(() => [reshape(x, []), cast(reshape(x, []).mul(0), 'int32')] as [Tensor, Tensor]);
  const d = normalizeDim('sort', dim, x.ndim, x.shape);
  const [values, indices] = tidy(() =>
    alongLast(x, d, (y) => {
      const perm = permutationLast(y, descending);
      return [gather(y, y.ndim - 1, perm), perm];
    }),
  );
  return [values, indices];
}

/** The int32 indices that sort `x` along `dim` (see `sort`). No gradient. */
export function argsort(x: Tensor, dim = -1, descending = false): Tensor {
  x._check('argsort');
  const [v, i] = sort(x, dim, descending);
  v.dispose();
  return i;
}

/**
 * The k largest (or smallest, `largest: false`) elements along `dim`, sorted; returns
 * [values, indices].
 *   ∂/∂x: each value's gradient goes back to its position, 0 elsewhere
 *
 *   topk(tensor([1, 5, 3]), 2)   // [[5, 3], [1, 2]]
 */
export function topk(x: Tensor, k: number, dim = -1, largest = true): [Tensor, Tensor] {
  x._check('topk');
  const d = x.ndim === 0 ? 0 : normalizeDim('topk', dim, x.ndim, x.shape);
  const n = x.ndim === 0 ? 1 : x.shape[d];
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new IndexError(
      `topk: k = ${k} is out of range for dim ${d} of size ${n} (shape ${fmtShape(x.shape)}); use 0 <= k <= ${n}.`,
    );
  }
  if (x.ndim === 0) return sort(x);
  return tidy(() => {
    const [v, i] = sort(x, d, largest);
    return [narrow(v, d, 0, k), narrow(i, d, 0, k)] as [Tensor, Tensor];
  });
}

/**
 * The lower median along `dim` → [values, indices]; with no dim, of all elements → a 0-d value.
 * A row containing NaN has median NaN (the index of its first NaN).
 *   ∂/∂x: the gradient goes to the median element
 */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
export function median(x: Tensor, dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
  x._check('median');
  if (dim === undefined) {
    if (x.size === 0) throw new ValueError('median: the input is empty; the median of nothing is undefined.');
    return tidy(() => {
      const [v] = median(reshape(x, [x.size]), 0);
      return v;
    });
  }
  const d = x.ndim === 0 ? 0 : normalizeDim('median', dim, x.ndim, x.shape);
  if (x.ndim === 0)
    return tidy(() => [reshape(x, []), cast(reshape(x, []).mul(0), 'int32')] as [Tensor, Tensor]);
  const n = x.shape[d];
  if (n === 0) throw new ValueError(`median: dim ${d} of shape ${fmtShape(x.shape)} is empty.`);
  return tidy(() => {
    const [v, i] = sort(x, d);
    const mid = (n - 1) >> 1;
    // NaN sorts last: if the last value is NaN, the row's median is NaN (first NaN's index).
    const lastV = select(v, d, n - 1);
    const hasNan = isnan(lastV);
    const firstNanPos = sub1(n, sum(isnan(v), d));
    const pickPos = where(hasNan, firstNanPos, mid);
    const pos = unsqueeze(cast(pickPos, 'int32'), d);
    const values = squeeze(gather(v, d, pos), d);
    const indices = squeeze(gather(i, d, pos), d);
    return keepdim
      ? ([unsqueeze(values, d), unsqueeze(indices, d)] as [Tensor, Tensor])
      : ([values, indices] as [Tensor, Tensor]);
  });
}

/** n - count, as int32 (the position of the first NaN when `count` NaNs sort last). */
function sub1(n: number, count: Tensor): Tensor {
  return add(count.neg(), n);
}
