/**
 * The command line of every bench script, written once: strict flag parsing with `-h/--help`, the
 * usage message on a bad flag or value (exit 2), positive-integer flags, the round order that
 * alternates the contenders, and the top-level error handler (exit 1).
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;

type Values<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: O & typeof HELP; strict: true }>
>['values'];

/** Prints `message` and the usage line on stderr and exits 2 (a bad command line). */
export function usageError(message: string, usage: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

/**
 * Parses `process.argv` (after a leading `--`, which pnpm passes on) strictly against `options` plus `-h/--help`: an unknown flag or a missing
 * value is a usage error; `--help` prints `usage` and exits 0.
 */
export function parseCli<const O extends ParseArgsOptionsConfig>(usage: string, options: O): Values<O> {
  let values: Values<O>;
  try {
    // pnpm 12 passes the `--` of `pnpm run x -- --flag` on to the script: it separates nothing here.
    const argv = process.argv.slice(2);
    const args = argv[0] === '--' ? argv.slice(1) : argv;
    values = parseArgs({ args, options: { ...options, ...HELP }, strict: true }).values as Values<O>;
  } catch (err) {
    usageError((err as Error).message, usage);
  }
  if ((values as { help?: boolean }).help) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}

/** The parts of the Node workload suites `--only` can pick. */
export const SUITE_PARTS = ['matmul', 'mlp', 'cnn', 'infer'] as const;

/** The flags the Node workload suites share (`pnpm bench`, `pnpm ab`): `--quick --rounds --json --only`. */
export const SUITE_FLAGS = {
  quick: { type: 'boolean', default: false },
  rounds: { type: 'string' },
  json: { type: 'string' },
  only: { type: 'string' },
} as const;

/** `only` (the `--only` flag) when it names a suite part or is unset, else a usage error. */
export function suitePart(only: string | undefined, usage: string): string | undefined {
  if (only !== undefined && !(SUITE_PARTS as readonly string[]).includes(only))
    usageError(`unknown --only '${only}' (parts: ${SUITE_PARTS.join(', ')})`, usage);
  return only;
}

/** `value` (a comma-separated list) as positive integers, or a usage error naming `flag`. */
export function positiveInts(flag: string, value: string, usage: string): number[] {
  const out = value.split(',').map(Number);
  if (!out.length || !out.every((n) => Number.isInteger(n) && n > 0))
    usageError(`${flag} must be positive integers separated by commas, got '${value}'`, usage);
  return out;
}

/** `value` as one positive integer, or a usage error naming `flag`. */
export function positiveInt(flag: string, value: string, usage: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) usageError(`${flag} must be a positive integer, got '${value}'`, usage);
  return n;
}

/** The contenders in round `round`'s order: as given in even rounds, reversed in odd ones. */
export function alternate<T>(items: readonly T[], round: number): readonly T[] {
  return round % 2 === 0 ? items : [...items].reverse();
}

/** Runs a script's `main`; an error ends the process with its name and message and exit code 1. */
export function runMain(main: () => Promise<void> | void): void {
  Promise.resolve()
    .then(main)
    .catch((err: unknown) => {
      console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      process.exit(1);
    });
}
