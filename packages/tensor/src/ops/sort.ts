/**
 * Sorting and selection: `sort`, `argsort`, `topk`, `median`, all on the optional kernel
 * `sortRows` (the backend's, or its reference decomposition in reference/sort_rows.ts): the
 * sorted dim is moved last and the rows sorted; each value's gradient goes back to the position
 * it came from (a scatter-add through the indices).
 */
import { noGrad, record } from '../autograd.js';
import { hasKernel } from '../backend.js';
import { IndexError, ValueError, withOp } from '../errors.js';
import { optionalKernel } from '../reference/index.js';
import { RANK_SORT_MAX } from '../reference/sort_rows.js';
import { getBackend } from '../registry.js';
import { tidy } from '../scope.js';
import { fmtShape, normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, logicalAnd, where } from './binary.js';
import { eq, isnan } from './compare.js';
import { arange } from './creation.js';
import { gather, scatterAddInto } from './indexing.js';
import { cat } from './join.js';
import { checkTensor, runKernelOutputs } from './kernel.js';
import { argmax, max, sum } from './reduce.js';
import { cast, logicalNot } from './unary.js';
import { narrow, reshape, select, squeeze, transpose, unsqueeze } from './views.js';

/**
 * Sorts the last dim of `y` with the sortRows kernel: [values, indices (int32)], the values
 * recorded for autograd (∂/∂y: each value's gradient scatter-added back to its position).
 */
function sortLast(y: Tensor, descending: boolean): [Tensor, Tensor] {
  const n = y.shape[y.ndim - 1];
  const rows = n === 0 ? 0 : y.size / n;
  const keyDtype = y.dtype === 'bool' ? 'int32' : y.dtype;
  const [v, i] = tidy(() => {
    const flat = reshape(y.dtype === 'bool' ? cast(y, 'int32') : y, [rows, n]);
    const [values, indices] = runKernelOutputs(
      'sort',
      [flat],
      [
        [[rows, n], keyDtype],
        [[rows, n], 'int32'],
      ],
      ([xi], [vo, io], b) => optionalKernel(b, 'sortRows')(xi, descending, vo, io),
    );
    const vals = reshape(values, y.shape);
    return [y.dtype === 'bool' ? cast(vals, 'bool') : vals, reshape(indices, y.shape)];
  });
  const shape = y.shape;
  const last = y.ndim - 1;
  const out = record('sort', [y], v, [i], (g, [si]) => [scatterAddInto(shape, last, si, g)]);
  return [out, i];
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
 * ```ts
 * const [v, i] = sort(tensor([3, 1, 2]))   // v = [1, 2, 3], i = [1, 2, 0]
 * ```
 */
export function sort(x: Tensor, dim = -1, descending = false): [Tensor, Tensor] {
  checkTensor('sort', x);
  if (x.ndim === 0)
    return tidy(() => [reshape(x, []), cast(reshape(x, []).mul(0), 'int32')] as [Tensor, Tensor]);
  const d = normalizeDim('sort', dim, x.ndim, x.shape);
  const [values, indices] = tidy(() =>
    alongLast(x, d, (y) => {
      return sortLast(y, descending);
    }),
  );
  return [values, indices];
}

/**
 * The int32 indices that sort `x` along `dim` (see `sort`). No gradient.
 * Shapes: x [...] → same shape, int32.
 *
 * ```ts
 * argsort(tensor([3, 1, 2]))   // [3] → [1, 2, 0]
 * argsort(tensor([[3, 1, 2]]), 1, true)   // [1, 3] → [[0, 2, 1]]
 * ```
 */
export function argsort(x: Tensor, dim = -1, descending = false): Tensor {
  return withOp('argsort', () => {
    checkTensor('argsort', x);
    const [v, i] = sort(x, dim, descending);
    v.dispose();
    return i;
  });
}

/**
 * The k largest (or smallest, `largest: false`) elements along `dim`, sorted; returns
 * [values, indices].
 *   ∂/∂x: each value's gradient goes back to its position, 0 elsewhere
 *
 * ```ts
 * topk(tensor([1, 5, 3]), 2)   // [[5, 3], [1, 2]]
 * ```
 */
export function topk(x: Tensor, k: number, dim = -1, largest = true): [Tensor, Tensor] {
  checkTensor('topk', x);
  const d = x.ndim === 0 ? 0 : normalizeDim('topk', dim, x.ndim, x.shape);
  const n = x.ndim === 0 ? 1 : x.shape[d];
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new IndexError(
      `topk: k = ${k} is out of range for dim ${d} of size ${n} (shape ${fmtShape(x.shape)}); use 0 <= k <= ${n}.`,
    );
  }
  if (x.ndim === 0) return sort(x);
  return tidy(() => {
    // Without a sortRows kernel, picking k times beats the reference's full sort of long rows.
    if (!hasKernel(getBackend(), 'sortRows') && n > RANK_SORT_MAX && k <= TOPK_PICK_MAX) {
      const [v, i] = alongLast(x, d, (y) => {
        const perm = pickPermutation(y, k, largest);
        return [gather(y, y.ndim - 1, perm), perm];
      });
      return [v, i] as [Tensor, Tensor];
    }
    const [v, i] = sort(x, d, largest);
    return [narrow(v, d, 0, k), narrow(i, d, 0, k)] as [Tensor, Tensor];
  });
}

/** topk of long rows with k up to this picks k times (k·n work) instead of the reference sort. */
const TOPK_PICK_MAX = 32;

/**
 * The positions of the k first elements of the sort order along the last dim, picked one at a
 * time: the best remaining class (NaN ranks above every number when largest, below when
 * smallest), then its best value, then the first position holding it (so ties keep their order).
 */
function pickPermutation(x: Tensor, k: number, largest: boolean): Tensor {
  const n = x.shape[x.ndim - 1];
  return noGrad(() =>
    tidy(() => {
      const xf = x.dtype === 'float32' ? x : cast(x, 'float32');
      const nan = isnan(xf);
      const value = largest ? where(nan, 0, xf) : where(nan, 0, xf).neg();
      let cls = cast(largest ? nan : logicalNot(nan), 'float32');
      const positions = arange(0, n);
      const picks: Tensor[] = [];
      for (let p = 0; p < k; p++) {
        const top = max(cls, -1, true);
        const candidate = eq(cls, top);
        const best = max(where(candidate, value, Number.NEGATIVE_INFINITY), -1, true);
        const at = cast(logicalAnd(candidate, eq(value, best)), 'float32');
        const pick = argmax(at, -1, true);
        picks.push(pick);
        // Removed elements drop below every class.
        cls = where(eq(positions, pick), -1, cls);
      }
      return cat(picks, -1);
    }),
  );
}

/**
 * The lower median along `dim` → [values, indices]; with no dim, of all elements → a 0-d value.
 * A row containing NaN has median NaN (the index of its first NaN).
 *   ∂/∂x: the gradient goes to the median element
 * Shapes: no dim: x [...] → 0-d value; with dim: x [...] → [values, int32 indices], x.shape without
 * `dim` (kept as 1 with keepdim).
 *
 * ```ts
 * median(tensor([3, 1, 4, 2]))   // [4] → 2 (the lower of the two middle values)
 * median(tensor([[3, 1, 2], [9, 7, 8]]), 1)   // [2, 3] → values [2, 8], indices [2, 2]
 * ```
 */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
export function median(x: Tensor, dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
  checkTensor('median', x);
  if (dim === undefined) {
    if (x.size === 0)
      throw new ValueError(
        'median: the input is empty; the median of nothing is undefined, so pass a tensor with at least one element.',
      );
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
