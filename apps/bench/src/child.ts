/**
 * A bench script that measures in child processes of itself: the parent starts
 * `node <script> --child <payload>` once per contender and round, so each contender starts fresh
 * (no JIT or heap state shared with the other); the child prints one JSON line, last, that the
 * parent parses. `pnpm bench` does the same through `run-one.ts` (jobs.ts).
 */
import { execFileSync } from 'node:child_process';

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
