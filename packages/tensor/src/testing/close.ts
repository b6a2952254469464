/**
 * The close-to rule every nnet test and the backend testkit compare numbers with (PyTorch's
 * `torch.testing.assert_close`): a finite expected value accepts |actual − expected| ≤ atol + rtol·|expected|;
 * NaN, +Infinity and −Infinity must be matched by the same value.
 */
import { NNetError, ValueError } from '../errors.js';

/**
 * Tolerances of the close-to rule: |actual − expected| ≤ atol + rtol·|expected|.
 *
 * @example
 * ```ts
 * const tight: CloseOptions = { rtol: 1e-6, atol: 1e-7 };
 * assertClose([1 + 1e-7], [1], tight); // passes
 * ```
 */
export interface CloseOptions {
  /** Relative tolerance, scaled by |expected|. Default 1e-4 (float32 kernels against float64 references). */
  rtol?: number;
  /** Absolute tolerance (what matters near 0). Default 1e-5. */
  atol?: number;
  /** What is compared, put in front of the failure message (`'conv2d gradient'`). Default none. */
  what?: string;
}

/**
 * The outcome of {@link compareClose}: the largest error and the first element that fails.
 *
 * @example
 * ```ts
 * const r: CloseReport = compareClose([1, 2.5], [1, 2]);
 * r.ok;      // false
 * r.index;   // 1
 * r.message; // 'element 1: expected 2, got 2.5 (|diff| 5.00e-1)'
 * ```
 */
export interface CloseReport {
  /** True when every element passes (and the lengths agree). */
  ok: boolean;
  /** The largest |actual − expected| over the elements whose expected value is finite (0 when none). */
  worst: number;
  /** The first failing element, or -1 (also -1 when only the lengths differ). */
  index: number;
  /** `actual[index]` (NaN when nothing failed). */
  actual: number;
  /** `expected[index]` (NaN when nothing failed). */
  expected: number;
  /** What failed, naming the element, the expected and the actual value; null when `ok`. */
  message: string | null;
}

/**
 * Thrown by {@link assertClose} and `gradcheck` when values are not close: the message names the
 * element, the expected and the actual value.
 *
 * @example
 * ```ts
 * try {
 *   assertClose([0], [1]);
 * } catch (e) {
 *   if (e instanceof MismatchError) console.log(e.index, e.actual, e.expected); // 0 0 1
 * }
 * ```
 */
export class MismatchError extends NNetError {
  /** The class name, `'MismatchError'` (shown in stack traces; `err.name === 'MismatchError'`). */
  override name = 'MismatchError';
  /**
   * @param message what failed.
   * @param index the first failing element (-1 when the lengths differ).
   * @param actual the value computed there.
   * @param expected the reference value there.
   *
   * @example
   * ```ts
   * throw new MismatchError('element 0: expected 1, got 0', 0, 0, 1);
   * ```
   */
  constructor(
    message: string,
    /** The first failing element (-1 when the lengths differ). */
    readonly index: number,
    /** The value computed at `index`. */
    readonly actual: number,
    /** The reference value at `index`. */
    readonly expected: number,
  ) {
    super(message);
  }
}

/** Default relative tolerance of the close-to rule. */
const RTOL = 1e-4;
/** Default absolute tolerance of the close-to rule. */
const ATOL = 1e-5;

/** The tolerances of `options`, checked on behalf of `op`. */
export function tolerances(op: string, options: CloseOptions): { rtol: number; atol: number } {
  const { rtol = RTOL, atol = ATOL } = options;
  for (const [name, v] of [
    ['rtol', rtol],
    ['atol', atol],
  ] as const) {
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) {
      throw new ValueError(
        `${op}: ${name} must be a finite number >= 0, got ${v}; pass e.g. { ${name}: 1e-5 }.`,
      );
    }
  }
  return { rtol, atol };
}

/** True for an array or a typed array of numbers. */
function isNumberArray(x: unknown): x is ArrayLike<number> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

function checkArray(op: string, name: string, x: unknown): asserts x is ArrayLike<number> {
  if (!isNumberArray(x)) {
    throw new ValueError(
      `${op}: ${name} must be an array or a typed array of numbers, got ${x === null ? 'null' : typeof x}; read a tensor with await t.data() first.`,
    );
  }
}

/** The scalar rule, tolerances already checked. */
function close(a: number, e: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(e)) return Number.isNaN(a);
  if (!Number.isFinite(e)) return a === e;
  return Math.abs(a - e) <= atol + rtol * Math.abs(e);
}

/**
 * Whether one number is close to its reference: |actual − expected| ≤ atol + rtol·|expected| for a
 * finite `expected`; NaN only for NaN and each infinity only for itself (PyTorch's `isclose` with
 * `equal_nan=True`). A NaN `actual` is never close to a finite `expected`.
 *
 * @param actual the computed value.
 * @param expected the reference value.
 * @param options `rtol` (default 1e-4) and `atol` (default 1e-5).
 * @returns true when `actual` passes.
 *
 * @example
 * ```ts
 * import { isClose } from '@nnet/tensor/testing';
 *
 * isClose(1.00001, 1);                    // true: 1e-5 ≤ 1e-5 + 1e-4·1
 * isClose(1.001, 1);                      // false
 * isClose(NaN, NaN);                      // true
 * isClose(0.11, 0.1, { rtol: 0, atol: 0.02 }); // true
 * ```
 */
export function isClose(actual: number, expected: number, options: CloseOptions = {}): boolean {
  const { rtol, atol } = tolerances('isClose', options);
  if (typeof actual !== 'number' || typeof expected !== 'number') {
    throw new ValueError(
      `isClose: actual and expected must be numbers, got ${typeof actual} and ${typeof expected}; compare arrays with compareClose.`,
    );
  }
  return close(actual, expected, rtol, atol);
}

/** `compareClose` with the op name of the caller for its errors. */
function compare(op: string, actual: unknown, expected: unknown, options: CloseOptions): CloseReport {
  const { rtol, atol } = tolerances(op, options);
  checkArray(op, 'actual', actual);
  checkArray(op, 'expected', expected);
  const prefix = options.what ? `${options.what}: ` : '';
  if (actual.length !== expected.length) {
    const message = `${prefix}expected ${expected.length} values, got ${actual.length}`;
    return { ok: false, worst: Number.NaN, index: -1, actual: Number.NaN, expected: Number.NaN, message };
  }
  let worst = 0;
  let index = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isFinite(e)) {
      const d = Math.abs(a - e);
      // A NaN actual counts as the worst possible error.
      worst = Math.max(worst, Number.isNaN(d) ? Number.POSITIVE_INFINITY : d);
    }
    if (index < 0 && !close(a, e, rtol, atol)) index = i;
  }
  if (index < 0) {
    return { ok: true, worst, index, actual: Number.NaN, expected: Number.NaN, message: null };
  }
  const a = actual[index];
  const e = expected[index];
  const diff = Number.isFinite(e) ? ` (|diff| ${Math.abs(a - e).toExponential(2)})` : '';
  const message = `${prefix}element ${index}: expected ${e}, got ${a}${diff}`;
  return { ok: false, worst, index, actual: a, expected: e, message };
}

/**
 * Compares two arrays element by element with {@link isClose}'s rule and reports, without
 * throwing, the largest error and the first failing element. Lengths must agree (compare shapes
 * yourself: this sees flat, row-major values).
 *
 * @param actual the computed values, length n (an array or a typed array).
 * @param expected the reference values, length n.
 * @param options `rtol` (default 1e-4), `atol` (default 1e-5) and `what` (a message prefix).
 * @returns a {@link CloseReport}; `message` is null when every element passes.
 *
 * @example
 * ```ts
 * import { compareClose } from '@nnet/tensor/testing';
 *
 * compareClose(Float32Array.of(1, NaN), [1.00001, NaN]).ok; // true
 * compareClose([0], [1]).message;                           // 'element 0: expected 1, got 0 (|diff| 1.00e+0)'
 * compareClose([1, 2], [1]).message;                        // 'expected 1 values, got 2'
 * ```
 */
export function compareClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  options: CloseOptions = {},
): CloseReport {
  return compare('compareClose', actual, expected, options);
}

/**
 * Throws a {@link MismatchError} unless every element of `actual` is close to `expected` (the rule
 * of {@link isClose}: atol + rtol·|expected|, NaN and infinities exactly); returns the largest
 * absolute error over the finite expected values. Framework-agnostic: in vitest, jest or
 * `node:test` a throw fails the test.
 *
 * @param actual the computed values, length n (read a tensor first: `await t.data()`).
 * @param expected the reference values, length n.
 * @param options `rtol` (default 1e-4), `atol` (default 1e-5) and `what` (a message prefix).
 * @returns the largest |actual − expected|.
 * @throws MismatchError naming the first failing element, its expected and its actual value.
 * @throws ValueError for a tolerance that is negative or not finite, or an argument that is not an array.
 *
 * @example
 * ```ts
 * import { assertClose } from '@nnet/tensor/testing';
 * import { tensor } from '@nnet/tensor';
 *
 * const y = tensor([0.1, 0.2]).mul(3);
 * assertClose(await y.data(), [0.3, 0.6], { rtol: 1e-6, atol: 1e-7 }); // ≈ 3e-8
 * assertClose([0.5], [1], { what: 'loss' }); // throws MismatchError 'loss: element 0: expected 1, got 0.5 (|diff| 5.00e-1)'
 * ```
 */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  options: CloseOptions = {},
): number {
  const r = compare('assertClose', actual, expected, options);
  if (!r.ok) throw new MismatchError(r.message ?? 'not close', r.index, r.actual, r.expected);
  return r.worst;
}
