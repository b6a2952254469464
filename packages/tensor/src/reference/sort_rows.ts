/**
 * Reference decomposition of the optional kernel `sortRows` (see `OptionalKernels.sortRows`):
 * the sort order computed from comparisons (NaN sorts as the largest value, ties keep their
 * order). Short rows by ranks (each element's rank is the number of elements sorting before it,
 * n² comparisons, few ops), long rows by a bitonic network (n·log² n work in log² n passes).
 */
import type { TensorInfo } from '../backend.js';
import { logicalAnd, logicalOr, where } from '../ops/binary.js';
import { eq, gt, isnan, lt } from '../ops/compare.js';
import { arange, fromTypedArray, full } from '../ops/creation.js';
import { gather, scatterAddInto } from '../ops/indexing.js';
import { cat } from '../ops/join.js';
import { materialize } from '../ops/kernel.js';
import { sum } from '../ops/reduce.js';
import { cast, logicalNot } from '../ops/unary.js';
import { expand, narrow, reshape, unsqueeze } from '../ops/views.js';
import { tidy } from '../scope.js';
import type { Tensor } from '../tensor.js';
import { borrow, runReference, writeTo } from './borrow.js';

/** Rows longer than this sort with the bitonic network (n·log² n work) instead of ranks (n²). */
export const RANK_SORT_MAX = 256;

/** The int32 permutation that sorts each row of x [R, n] by ranks (n² comparisons per row). */
function rankPermutation(x: Tensor, descending: boolean): Tensor {
  const n = x.shape[1];
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
  return cast(scatterAddInto(x.shape, 1, rank, positions), 'int32');
}

/**
 * The int32 permutation that sorts each row of x [R, n] with a bitonic sorting network: rows
 * padded to a power of two P, then log₂P·(log₂P + 1)/2 compare-exchange passes, each a gather of
 * the partner (i xor j) and a select. Keys are (class, value, index) compared lexicographically,
 * so every key is distinct (the order is stable) and NaN and padding sort where they must.
 */
function bitonicPermutation(x: Tensor, descending: boolean): Tensor {
  const [rows, n] = x.shape;
  let P = 1;
  while (P < n) P *= 2;
  const pos = Array.from({ length: P }, (_, i) => i);
  let keys = tidy(() => {
    const nan = isnan(x);
    const clean = cast(where(nan, 0, x), 'float32');
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
  return cast(narrow(keys[2], 1, 0, n), 'int32');
}

/**
 * sortRows by decomposition: the permutation (ranks for rows up to RANK_SORT_MAX, the bitonic
 * network beyond), then the values gathered through it.
 */
export function sortRowsReference(
  x: TensorInfo,
  descending: boolean,
  values: TensorInfo,
  indices: TensorInfo,
): void {
  runReference(() => {
    const [rows, n] = x.shape;
    if (rows * n === 0) return;
    const xt = reshape(borrow(x), [rows, n]);
    const perm = n <= RANK_SORT_MAX ? rankPermutation(xt, descending) : bitonicPermutation(xt, descending);
    writeTo(indices, perm);
    writeTo(values, gather(xt, 1, perm));
  });
}
