import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { root } from './workspace.js';

const run = promisify(execFile);
const script = join(root, 'scripts/test-summary.mjs');

/** A report in the shape of vitest's JSON reporter, reduced to the fields the script reads. */
function report(passed: number, failed: number, skipped: number, brokenFiles = 0): object {
  const file = (status: string, results: number) => ({
    status,
    startTime: 1000,
    endTime: 3500,
    assertionResults: Array.from({ length: results }, () => ({ status })),
  });
  return {
    numPassedTests: passed,
    numFailedTests: failed,
    numPendingTests: skipped,
    numTodoTests: 0,
    startTime: 1000,
    testResults: [
      file(failed ? 'failed' : 'passed', passed + failed),
      ...Array.from({ length: brokenFiles }, () => file('failed', 0)),
    ],
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function workspace(reports: Record<string, object>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nnet-summary-'));
  dirs.push(dir);
  for (const [path, r] of Object.entries(reports)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), JSON.stringify(r));
  }
  return dir;
}

async function summarise(dir: string): Promise<{ lines: string[]; code: number }> {
  try {
    const { stdout } = await run(process.execPath, [script, dir]);
    return { lines: stdout.trim().split('\n'), code: 0 };
  } catch (e) {
    const err = e as { stdout: string; code: number };
    return { lines: err.stdout.trim().split('\n'), code: err.code };
  }
}

describe('scripts/test-summary.mjs', () => {
  it('sums every package report into one last line and exits 0 when all passed', async () => {
    const dir = workspace({
      'packages/a/.test-report/vitest.json': report(10, 0, 0),
      'packages/a/.test-report/vitest-wasm.json': report(7, 0, 2),
      'apps/b/.test-report/vitest.json': report(3, 0, 0),
    });
    const { lines, code } = await summarise(dir);
    expect(lines.at(-1)).toBe('20 passed, 0 failed, 2 skipped');
    expect(lines).toContain('packages/a/.test-report/vitest-wasm.json: 7 passed, 0 failed (2.5 s)');
    expect(code).toBe(0);
  });

  it('exits 1 on a failed test and leaves out ", N skipped" when none were', async () => {
    const dir = workspace({ 'packages/a/.test-report/vitest.json': report(4, 1, 0) });
    const { lines, code } = await summarise(dir);
    expect(lines.at(-1)).toBe('4 passed, 1 failed');
    expect(code).toBe(1);
  });

  it('exits 1 when a test file failed to run although no test failed', async () => {
    const dir = workspace({ 'packages/a/.test-report/vitest.json': report(4, 0, 0, 1) });
    const { lines, code } = await summarise(dir);
    expect(lines[0]).toContain('1 test file(s) failed to run');
    expect(lines.at(-1)).toBe('4 passed, 0 failed');
    expect(code).toBe(1);
  });

  it('exits 1 when there is no report at all', async () => {
    const { lines, code } = await summarise(workspace({}));
    expect(lines).toEqual(['0 passed, 0 failed']);
    expect(code).toBe(1);
  });
});
