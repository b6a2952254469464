import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateReport } from '../src/schema.js';
import { distScript, runScript } from './run_script.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('pnpm ab (smoke test; no timing is asserted)', () => {
  it('compares this checkout with itself, alternating A and B, and writes a valid report', () => {
    const args = ['--a', root, '--b', root, '--quick', '--rounds', '2', '--only', 'infer'];
    const { out, report } = runScript('ab', args);
    expect(out).toContain('| workload | size | backend | unit | A | B | B/A | |');
    expect(validateReport(report)).toEqual([]);
    expect(report.bench).toMatch(/^ab-\d{4}-\d{2}-\d{2}$/);
    expect(report.rounds).toBe(2);
    expect(report.figures.map((f) => f.id)).toEqual([
      'mlp-infer/1/nnet-cpu@A/1T',
      'mlp-infer/1/nnet-cpu@B/1T',
      'mlp-infer/1/nnet-wasm@A/1T',
      'mlp-infer/1/nnet-wasm@B/1T',
    ]);
    for (const f of report.figures) expect(f.samples.length, `${f.id}: ${f.error}`).toBe(2);
    expect(report.ratios.map((r) => [r.label, r.numerator, r.denominator, r.samples.length])).toEqual([
      ['mlp-infer 1 nnet-cpu 1T: B/A', 'mlp-infer/1/nnet-cpu@B/1T', 'mlp-infer/1/nnet-cpu@A/1T', 2],
      ['mlp-infer 1 nnet-wasm 1T: B/A', 'mlp-infer/1/nnet-wasm@B/1T', 'mlp-infer/1/nnet-wasm@A/1T', 2],
    ]);
    expect(report.environment.commitA).toBe(report.environment.commitB);
    expect(report.notes.some((n) => n.startsWith('B slower beyond the spread'))).toBe(true);
  }, 240_000);

  it('refuses a directory that is not a built nnet checkout', () => {
    expect(() =>
      execFileSync(process.execPath, [distScript('ab'), '--a', tmpdir(), '--b', root], {
        encoding: 'utf8',
        stdio: 'pipe',
      }),
    ).toThrow(/--a .*no packages\/tensor\/dist\/index\.js there/);
  });
});
