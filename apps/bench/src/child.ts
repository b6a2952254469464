/**
 * A bench script that measures in child processes of itself: the parent starts
 * `node <script> --child <payload>` once per contender and round, so each contender starts fresh
 * (no JIT or heap state shared with the other); the child prints one JSON line, last, that the
 * parent parses. `pnpm bench` does the same through `run-one.ts` (jobs.ts). Other programs that
 * print such a line (the Python anchors, the native SIMD probe) run through `runJsonCommand`.
 */
import { execFileSync, spawnSync } from 'node:child_process';

/** The flag that tells a bench script it runs as a child (its argument: the JSON payload). */
export const CHILD_FLAG = '--child';

/** The payload a child was started with, or `null` in the parent (no `--child` flag first). */
export function childPayload<T>(): T | null {
  return process.argv[2] === CHILD_FLAG ? (JSON.parse(process.argv[3]) as T) : null;
}

/**
 * Runs `script` as a child with `payload` (Node flags `nodeFlags` first; environment `env`, default
 * this process's) and returns the JSON of its last stdout line; a child that dies or prints no
 * JSON gives `{ error }` with the reason.
 */
export function runChild<T extends object>(
  script: string,
  payload: unknown,
  nodeFlags: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): T | { error: string } {
  try {
    const out = execFileSync(process.execPath, [...nodeFlags, script, CHILD_FLAG, JSON.stringify(payload)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(out.trim().split('\n').pop() ?? '{}') as T;
  } catch (err) {
    return { error: `child died: ${(err as Error).message.split('\n')[0]}` };
  }
}

/**
 * The child's side: runs `measure`, prints its result as one JSON line, or `{ error }` with the
 * message when it throws (the parent records the reason; the run goes on), and exits (a worker
 * pool or a GPU device would otherwise keep the process alive; a pipe's writes are synchronous).
 */
export async function childMain(measure: () => Promise<object>): Promise<void> {
  try {
    process.stdout.write(`${JSON.stringify(await measure())}\n`);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
  }
  process.exit(0);
}

/**
 * The JSON object on the last line of a program's `stdout`, or `{ error }` naming `what` with the
 * last line of `stderr` (or of `stdout`) when there is none. Pure: `runJsonCommand` parses with it.
 *
 * @example
 * lastJsonLine('warming up\n{"gflops": 52}\n', '', 'probe'); // { gflops: 52 }
 * lastJsonLine('', 'Traceback ...\nImportError: x', 'probe'); // { error: 'probe failed: ImportError: x' }
 */
export function lastJsonLine<T extends object>(
  stdout: string,
  stderr: string,
  what: string,
): T | { error: string } {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    const v: unknown = JSON.parse(line);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as T;
  } catch {
    // Not JSON: the reason is in the output.
  }
  const why = (stderr.trim() || stdout.trim()).split('\n').pop() || 'no output';
  return { error: `${what} failed: ${why}` };
}

/**
 * Runs `command` with `args` (environment `env`, default this process's) and returns the JSON of
 * its last stdout line whatever its exit code (a script that refuses prints `{ error }` there and
 * exits non-zero); a program that cannot start or prints no JSON gives `{ error }` with the reason.
 */
export function runJsonCommand<T extends object>(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): T | { error: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', env, maxBuffer: 1 << 20 });
  if (r.error) return { error: `${command} could not start: ${r.error.message}` };
  return lastJsonLine<T>(r.stdout, r.stderr, `${command} ${args.slice(0, 1).join(' ')}`.trim());
}
