/// <reference types="node" />
/**
 * Atomic file writes: the bytes go to a temporary file beside the target (`<name>.<pid>.<random>.tmp`),
 * which is then renamed over it, so a reader never sees a half-written file. The temporary file is
 * removed when the write or the rename fails, and temporaries that an earlier, killed save left for
 * the same target (their process is gone) are removed at the next save.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ValueError } from '@nnet/tensor';

/** Temporary files this process is writing now (never swept). */
const inFlight = new Set<string>();

function tempPath(op: string, path: string, bytes: Uint8Array): string {
  if (typeof path !== 'string' || path === '')
    throw new ValueError(`${op}: path must be a non-empty string, got ${JSON.stringify(path)}.`);
  if (!(bytes instanceof Uint8Array))
    throw new ValueError(`${op}: bytes must be a Uint8Array (such as encodeSafetensors' result).`);
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  inFlight.add(tmp);
  return tmp;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporaries of earlier saves to `path` whose writing process has ended. */
function sweep(path: string): void {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // the write itself will report a missing folder
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const full = join(dir, name);
    const pid = Number(m[1]);
    if (inFlight.has(full) || (pid !== process.pid && alive(pid))) continue;
    rmSync(full, { force: true });
  }
}

/**
 * Writes `bytes` to `path` atomically (a temporary file in the same folder, then a rename).
 * @example
 * ```ts
 * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * await writeFileAtomic('model.safetensors', encodeSafetensors(model.stateDict()));
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = tempPath('writeFileAtomic', path, bytes);
  try {
    sweep(path);
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  } finally {
    inFlight.delete(tmp);
  }
}

/**
 * `writeFileAtomic`'s synchronous form (for callbacks of the synchronous `fit`): bytes go to a
 * temporary file beside `path`, then rename over it; the temporary is removed on failure.
 *
 * ```ts
 * const model = new Linear(4, 2);
 * writeFileAtomicSync('model.safetensors', encodeSafetensors(model.stateDict()));
 * ```
 */
export function writeFileAtomicSync(path: string, bytes: Uint8Array): void {
  const tmp = tempPath('writeFileAtomicSync', path, bytes);
  try {
    sweep(path);
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    inFlight.delete(tmp);
  }
}
