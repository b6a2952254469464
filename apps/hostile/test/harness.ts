/**
 * The hostile-input harness: every invalid call must throw an nnet error (a subclass of
 * NNetError) whose message names the op the user called, the offending argument when there is
 * one, and says what to do. Each property counts its runs and the error classes it saw, so the
 * suite can report its coverage.
 */

import { NNetError, tidy } from '@nnet/tensor';
import * as fc from 'fast-check';
import { expect } from 'vitest';

/** fast-check settings: a fixed seed (reproducible) and a bounded number of runs (fast). */
export const RUNS = { numRuns: 25, seed: 20261130 } as const;

/** Per-suite tallies: generated invalid calls, and calls per error class. */
export const tally = { cases: 0, properties: 0, classes: new Map<string, number>() };

/** Words that show a message says what to do (a fix), not only what went wrong. */
const FIX =
  /\b(use|must|pass|give|make|call|expected|needs?|cast|reshape|convert|turn|check|free|drop|clamp|should|only|reduce|add|set|put|split|flatten|keep|one of|at least|at most|list|flip|the options are|give|load)\b|>=|<=|in \[/i;

export interface Expect {
  /** The op the user called; the message must start with it (e.g. "zeros", "Linear", "SGD"). */
  op: string;
  /** Text the message must also contain (the offending argument's name or value). */
  arg?: string | RegExp;
  /** The error class expected, when one is specific. */
  cls?: new (
    ...args: never[]
  ) => NNetError;
}

/** Runs `call` (inside tidy, so nothing leaks) and checks it throws a well-formed nnet error. */
export function expectTyped(call: () => unknown, e: Expect): NNetError {
  let thrown: unknown = null;
  try {
    tidy(() => {
      call();
    });
  } catch (err) {
    thrown = err;
  }
  if (thrown === null) throw new Error(`${e.op}: expected an nnet error, but the call returned normally`);
  if (!(thrown instanceof NNetError)) {
    throw new Error(
      `${e.op}: expected an NNetError subclass, got ${(thrown as Error)?.name}: ${(thrown as Error)?.message}`,
    );
  }
  const msg = thrown.message;
  expect(msg.startsWith(`${e.op}`), `message should start with '${e.op}': ${msg}`).toBe(true);
  if (e.arg !== undefined) {
    if (typeof e.arg === 'string') expect(msg, `message should name '${e.arg}'`).toContain(e.arg);
    else expect(msg).toMatch(e.arg);
  }
  if (e.cls) expect(thrown, `${msg}`).toBeInstanceOf(e.cls);
  expect(FIX.test(msg), `message should say what to do: ${msg}`).toBe(true);
  tally.cases++;
  tally.classes.set(thrown.name, (tally.classes.get(thrown.name) ?? 0) + 1);
  return thrown;
}

/** A property: for every generated value, `call(value)` throws as `e` says (or as `e(value)` says). */
export function hostile<T>(
  arb: fc.Arbitrary<T>,
  call: (v: T) => unknown,
  e: Expect | ((v: T) => Expect),
  runs: number = RUNS.numRuns,
): void {
  tally.properties++;
  const details = fc.check(
    fc.property(arb, (v) => {
      expectTyped(() => call(v), typeof e === 'function' ? e(v) : e);
    }),
    { ...RUNS, numRuns: runs },
  );
  if (details.failed) {
    const err = details.errorInstance as Error | undefined;
    throw new Error(
      `hostile input ${fc.stringify(details.counterexample)}: ${err?.message ?? String(details.errorInstance)}`,
    );
  }
}

// ---- arbitraries of hostile values ---------------------------------------------------------------

/** Values that are not a size: NaN, ±Infinity, negatives, fractions, strings, null, objects. */
export const badSize: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, 1.5, -0.5),
  fc.integer({ min: -1_000_000, max: -1 }),
  fc.double({ min: 0.01, max: 1000, noNaN: true }).filter((d) => !Number.isInteger(d)),
  fc.constantFrom('3', {}, [2], true),
);

/** `badSize` plus null and undefined (where an argument is required, not an option). */
export const badSizeOrMissing: fc.Arbitrary<unknown> = fc.oneof(badSize, fc.constantFrom(null, undefined));

/** Sizes each fine alone whose product is far beyond any storage (at least 10^10 elements). */
export const hugeShape: fc.Arbitrary<number[]> = fc.tuple(
  fc.integer({ min: 100_000, max: 10_000_000 }),
  fc.integer({ min: 100_000, max: 10_000_000 }),
);

/** A shape with one bad size among good ones (any position). */
export const badShape: fc.Arbitrary<unknown[]> = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }), badSize, fc.nat(3))
  .map(([good, bad, at]) => {
    const s: unknown[] = [...good];
    s.splice(Math.min(at, s.length), 0, bad);
    return s;
  });

/** JavaScript values where a Tensor belongs. */
export const notTensor: fc.Arbitrary<unknown> = fc.oneof(
  fc.double(),
  fc.array(fc.double({ noNaN: true }), { maxLength: 4 }),
  fc.string({ maxLength: 8 }),
  fc.constantFrom(null, undefined, true, {}, new Float32Array(3), { shape: [2], dtype: 'float32' }),
);

/** Like `notTensor` but never a plain number (ops that accept a number operand). */
export const notTensorOrNumber: fc.Arbitrary<unknown> = notTensor.filter((v) => typeof v !== 'number');

/** dtype names nnet does not support, and non-strings. */
export const badDType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('float16', 'float64', 'int64', 'uint8', 'bfloat16', 'Float32', 'complex64', 1),
  fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !['float32', 'int32', 'bool'].includes(s)),
);

/** A dim outside [-ndim, ndim - 1] or not an integer. */
export function badDim(ndim: number): fc.Arbitrary<unknown> {
  const n = Math.max(ndim, 1);
  return fc.oneof(
    fc.integer({ min: n, max: n + 50 }),
    fc.integer({ min: -n - 50, max: -n - 1 }),
    fc.constantFrom(Number.NaN, 0.5, Number.POSITIVE_INFINITY, '0', null),
  );
}

/** An option key no op knows (typos of real ones included). */
export const unknownKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'dtpye',
    'require_grad',
    'requires_grad',
    'strides',
    'pading',
    'lr_',
    'momentun',
    'batch_size',
  ),
  fc.string({ minLength: 1, maxLength: 8 }).map((s) => `x_${s}`),
);

/** Two shapes that cannot broadcast: a trailing dim differs and neither is 1. */
export const clashingShapes: fc.Arbitrary<[number[], number[]]> = fc
  .tuple(
    fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    fc.integer({ min: 2, max: 5 }),
    fc.integer({ min: 2, max: 5 }),
  )
  .filter(([, a, b]) => a !== b)
  .map(([lead, a, b]) => [
    [...lead, a],
    [...lead, b],
  ]);

export { fc };
