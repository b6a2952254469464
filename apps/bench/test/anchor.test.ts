import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type BenchReport, validateReport } from '../src/schema.js';

const anchor = fileURLToPath(new URL('../dist/anchor.js', import.meta.url));

describe('numpy anchor without Python (as on CI; no timing is asserted)', () => {
  it('is skipped with the reason, and no numpy figure or ratio is written', () => {
    const json = join(mkdtempSync(join(tmpdir(), 'nnet-anchor-')), 'a.json');
    const out = execFileSync(
      process.execPath,
      [
        anchor,
        '--python',
        '/nonexistent/python3',
        '--quick',
        '--rounds',
        '1',
        '--batches',
        '16',
        '--threads',
        '1',
        '--json',
        json,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(out).toContain('anchor skipped: /nonexistent/python3 is missing');
    const report = JSON.parse(readFileSync(json, 'utf8')) as BenchReport;
    expect(validateReport(report)).toEqual([]);
    expect(report.notes.join(' ')).toMatch(/skipped: \/nonexistent\/python3 is missing/);
    expect(report.figures.map((f) => `${f.workload} ${f.lib}`)).toEqual([
      'mlp-train nnet-wasm',
      'mlp-train-cpu-time nnet-wasm',
    ]);
    for (const f of report.figures) expect(f.samples.length, f.id).toBe(1);
    expect(report.ratios).toEqual([]);
  }, 120_000);
});
