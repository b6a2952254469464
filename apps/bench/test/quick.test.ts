import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('pnpm bench --quick (smoke test; no timing is asserted)', () => {
  it('measures every library in its own process and writes the table and JSON', () => {
    const json = join(mkdtempSync(join(tmpdir(), 'nnet-bench-')), 'r.json');
    const out = execFileSync(process.execPath, [cli, '--quick', '--json', json], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toContain('| n | nnet-cpu | tfjs-cpu |');
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      results: { lib: string; value: number | null; maxRssMB: number | null }[];
    };
    for (const lib of ['nnet-cpu', 'tfjs-cpu', 'tfjs-wasm']) {
      const rows = report.results.filter((r) => r.lib === lib);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(r.value).toBeGreaterThan(0);
        expect(r.maxRssMB).toBeGreaterThan(0);
      }
    }
  }, 120_000);

  it('rejects unknown flags with a usage message', () => {
    expect(() =>
      execFileSync(process.execPath, [cli, '--nope'], { encoding: 'utf8', stdio: 'pipe' }),
    ).toThrow(/usage: pnpm bench/);
  });
});
