/**
 * Sorting and selection: `sort`, `argsort`, `topk`, `median`. The contract has no sort kernel,
 * so the order is computed from comparisons (NaN sorts as the largest value, ties keep their
 * order): short rows by ranks (each element's rank is the number of elements sorting before it,
 * n² comparisons, few ops), long rows by a bitonic network (n·log² n work in log² n passes).
 * Values are gathered through the permutation, so gradients flow back to the picked elements.
 */
import { noGrad } from '../autograd.js';
import { IndexError, ValueError } from '../errors.js';
import { tidy } from '../scope.js';
import { fmtShape, normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, logicalAnd, logicalOr, where } from './binary.js';
import { eq, gt, isnan, lt } from './compare.js';
import { arange, fromTypedArray, full } from './creation.js';
import { gather, scatterAddInto } from './indexing.js';
import { cat } from './join.js';
import { materialize } from './kernel.js';
import { argmax, max, sum } from './reduce.js';
import { cast, logicalNot } from './unary.js';
import { expand, narrow, reshape, select, squeeze, transpose, unsqueeze } from './views.js';

/** The int32 permutation that sorts the last dim of `x` by ranks (n² comparisons per row). */
function rankPermutation(x: Tensor, descending: boolean): Tensor {
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

/** Rows longer than this sort with the bitonic network (n·log² n work) instead of ranks (n²). */
export const RANK_SORT_MAX = 256;

/**
 * The int32 permutation that sorts the last dim of `x` with a bitonic sorting network: rows padded
 * to a power of two P, then log₂P·(log₂P + 1)/2 compare-exchange passes, each a gather of the
 * partner (i xor j) and a select. Keys are (class, value, index) compared lexicographically, so
 * every key is distinct (the order is stable) and NaN and padding sort where they must.
 */
function bitonicPermutation(x: Tensor, descending: boolean): Tensor {
  const n = x.shape[x.ndim - 1];
  const rows = x.size / n;
  let P = 1;
  while (P < n) P *= 2;
  const pos = Array.from({ length: P }, (_, i) => i);
  return noGrad(() => {
    let keys = tidy(() => {
      const flat = reshape(x, [rows, n]);
      const nan = isnan(flat);
      const clean = cast(where(nan, 0, flat), 'float32');
      // Class: ascending 0 numbers, 1 NaN; descending 0 NaN, 1 numbers; padding 2 in both.
      const cls = cast(descending ? logicalNot(nan) : nan, 'float32');
      const val = descending ? clean.neg() : clean;
      const padTo = (t: Tensor, fill: number) => (P === n ? t : cat([t, full([rows, P - n], fill)], 1));
      const idx = expand(cast(arange(0, P), 'float32'), [rows, P]);
      return [padTo(cls, 2), padTo(val, 0), materialize(idx)];
    });
    for (let k = 2; k <= P; k *= 2) {
      for (let j = k / 2; j >= 1; j /= 2) {
        const prev = keys;
        keys = tidy(() => {
          const partnerIdx = materialize(
            expand(
              fromTypedArray(
                Int32Array.from(pos, (i) => i ^ j),
                [1, P],
                'int32',
              ),
              [rows, P],
            ),
          );
          const [c, v, i] = prev;
          const [pc, pv, pi] = prev.map((t) => gather(t, 1, partnerIdx));
          const selfLess = logicalOr(
            lt(c, pc),
            logicalAnd(eq(c, pc), logicalOr(lt(v, pv), logicalAnd(eq(v, pv), lt(i, pi)))),
          );
          // Position i keeps the smaller key when it is the lower of the pair in an ascending
          // block, or the upper one in a descending block.
          const wantsMin = fromTypedArray(
            Uint8Array.from(pos, (p) => (((p & k) === 0) === p < (p ^ j) ? 1 : 0)),
            [1, P],
            'bool',
          );
          const keepSelf = eq(selfLess, wantsMin);
          return [where(keepSelf, c, pc), where(keepSelf, v, pv), where(keepSelf, i, pi)];
        });
        for (const t of prev) t.dispose();
      }
    }
    const perm = tidy(() => reshape(cast(narrow(keys[2], 1, 0, n), 'int32'), x.shape));
    for (const t of keys) t.dispose();
    return perm;
  });
}

/** The int32 permutation that sorts the last dim of `x` (no gradient). */
function permutationLast(x: Tensor, descending: boolean): Tensor {
  const n = x.shape[x.ndim - 1];
  return n <= RANK_SORT_MAX ? rankPermutation(x, descending) : bitonicPermutation(x, descending);
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
    if (n > RANK_SORT_MAX && k <= TOPK_PICK_MAX) {
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

/** topk of long rows with k up to this picks k times (k·n work) instead of sorting. */
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
