/** Comparing computed values with references, and the memory (leak) check. */
import type { TypedArray } from '@nnet/tensor';
import { compareClose } from '@nnet/tensor/testing';

/**
 * How close a value must be to its reference: |got − want| <= atol + rtol·|want|.
 *
 * @example
 * ```ts
 * const got = new Float32Array([1, 2.00001]);
 * const want = [1, 2];
 * mismatch(got, want, { rtol: 1e-4, atol: 1e-5 }); // null when every element passes
 * ```
 */
export interface Tolerance {
  /** Relative part, scaled by |want|. */
  rtol: number;
  /** Absolute part (what matters near 0). */
  atol: number;
}

/**
 * Float32 kernels against float64 references rounded to float32.
 *
 * @example
 * ```ts
 * import { DEFAULT_TOLERANCE, mismatch } from '@nnet/backend-testkit';
 *
 * mismatch([1.00001], [1], DEFAULT_TOLERANCE); // null: |diff| 1e-5 <= 1e-5 + 1e-4·1
 * ```
 */
export const DEFAULT_TOLERANCE: Tolerance = { rtol: 1e-4, atol: 1e-5 };

/**
 * Returns null when `got` matches `want`, or a message naming the first mismatch. NaN equals NaN,
 * an infinity must be matched by the same infinity, and finite values must satisfy
 * |got - want| <= atol + rtol·|want| (|got - want| is NaN-safe: a NaN where a number is expected fails).
 *
 * @example
 * ```ts
 * import { mismatch } from '@nnet/backend-testkit';
 *
 * mismatch([1, NaN], [1.00001, NaN]); // null
 * mismatch([0], [1]);                // 'element 0: expected 1, got 0 (|diff| 1.00e+0)'
 * ```
 */
export function mismatch(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: Tolerance = DEFAULT_TOLERANCE,
): string | null {
  // The rule and its message are `@nnet/tensor/testing`'s, shared with every nnet test.
  return compareClose(got, want, tol).message;
}

/**
 * `mismatch` on typed arrays: within `tol` for float32, exact for int32 and bool (and the array type must match).
 *
 * @example
 * ```ts
 * import { mismatchTyped } from '@nnet/backend-testkit';
 *
 * mismatchTyped(Float32Array.of(1.00001), Float32Array.of(1)); // null (within the tolerance)
 * mismatchTyped(Int32Array.of(2), Int32Array.of(1));           // 'element 0: expected 1, got 2 (|diff| 1.00e+0)'
 * mismatchTyped(Int32Array.of(1), Float32Array.of(1));         // 'expected a Float32Array, got a Int32Array'
 * ```
 */
export function mismatchTyped(
  got: TypedArray,
  want: TypedArray,
  tol: Tolerance = DEFAULT_TOLERANCE,
): string | null {
  if (got.constructor !== want.constructor) {
    return `expected a ${want.constructor.name}, got a ${got.constructor.name}`;
  }
  const exact = !(want instanceof Float32Array);
  return mismatch(got, want, exact ? { rtol: 0, atol: 0 } : tol);
}

/**
 * Bit-exact equality (NaN equals NaN, -0 differs from 0): inputs must come back as they went in.
 *
 * @example
 * ```ts
 * import { identical } from '@nnet/backend-testkit';
 *
 * identical([NaN, 1], [NaN, 1]); // null
 * identical([0], [-0]);          // 'element 0: expected 0, got 0' (-0 is not 0)
 * ```
 */
export function identical(got: ArrayLike<number>, want: ArrayLike<number>): string | null {
  if (got.length !== want.length) return `expected ${want.length} values, got ${got.length}`;
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) return `element ${i}: expected ${want[i]}, got ${got[i]}`;
  }
  return null;
}

/**
 * What `backend.memory()` (or the front end's `memory()`) reports, compared by `memoryDelta`.
 *
 * @example
 * ```ts
 * const backend = getBackend();
 * const run = () => tidy(() => tensor([1, 2, 3]).mul(2).sum().item()); // tidy frees what it makes
 * const before = backend.memory();
 * run();
 * memoryDelta(before, backend.memory()); // null: no leak
 * ```
 */
export interface MemorySnapshot {
  /** Live storages. */
  readonly storages: number;
  /** Their total bytes (size × bytes per element). */
  readonly bytes: number;
}

/**
 * Null when two `memory()` snapshots agree, else what changed ('2 storages (+96 bytes) leaked').
 *
 * @example
 * ```ts
 * import { memoryDelta } from '@nnet/backend-testkit';
 *
 * memoryDelta({ storages: 1, bytes: 16 }, { storages: 3, bytes: 112 }); // '+2 storages (+96 bytes) leaked'
 * memoryDelta({ storages: 1, bytes: 16 }, { storages: 1, bytes: 16 });  // null
 * ```
 */
export function memoryDelta(before: MemorySnapshot, after: MemorySnapshot): string | null {
  const ds = after.storages - before.storages;
  const db = after.bytes - before.bytes;
  if (ds === 0 && db === 0) return null;
  const sign = (n: number) => (n >= 0 ? `+${n}` : `${n}`);
  return `${sign(ds)} storages (${sign(db)} bytes) ${ds > 0 || db > 0 ? 'leaked' : 'freed that were not its own'}`;
}
