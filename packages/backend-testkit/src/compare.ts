/** Comparing computed values with references. */
import type { TypedArray } from '@nnet/tensor';

export interface Tolerance {
  rtol: number;
  atol: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { rtol: 1e-4, atol: 1e-5 };

/**
 * Returns null when `got` matches `want` (NaN equals NaN, infinities must match exactly, finite
 * values within atol + rtol·|want|), or a message naming the first mismatch.
 */
export function mismatch(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: Tolerance = DEFAULT_TOLERANCE,
): string | null {
  if (got.length < want.length) return `expected ${want.length} values, got ${got.length}`;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w)) {
      if (!Number.isNaN(g)) return `element ${i}: expected NaN, got ${g}`;
    } else if (!Number.isFinite(w)) {
      if (g !== w) return `element ${i}: expected ${w}, got ${g}`;
    } else if (!(Math.abs(g - w) <= tol.atol + tol.rtol * Math.abs(w))) {
      return `element ${i}: expected ${w}, got ${g} (|diff| ${Math.abs(g - w).toExponential(2)})`;
    }
  }
  return null;
}

/** The same check on typed arrays of any dtype (exact for int32 and bool). */
export function mismatchTyped(got: TypedArray, want: TypedArray, tol: Tolerance): string | null {
  const exact = !(want instanceof Float32Array);
  return mismatch(got, want, exact ? { rtol: 0, atol: 0 } : tol);
}
