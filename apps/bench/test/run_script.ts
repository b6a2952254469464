/** Runs a built bench script the way a user does, for the smoke tests (no timing is asserted). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchReport } from '../src/schema.js';

/** The path of the built script `dist/<name>.js`. */
export function distScript(name: string): string {
  return fileURLToPath(new URL(`../dist/${name}.js`, import.meta.url));
}

/**
 * Runs `dist/<name>.js` with `args` and `--json <a fresh temporary file>`; returns its stdout and
 * the report it wrote (unchecked: the caller validates it). Throws when the script exits non-zero.
 */
export function runScript(name: string, args: readonly string[]): { out: string; report: BenchReport } {
  const json = join(mkdtempSync(join(tmpdir(), `nnet-${name}-`)), 'report.json');
  const out = execFileSync(process.execPath, [distScript(name), ...args, '--json', json], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { out, report: JSON.parse(readFileSync(json, 'utf8')) as BenchReport };
}
