import { describe, expect, it } from 'vitest';
import { validateReport } from '../src/schema.js';
import { runScript } from './run_script.js';

describe('numpy anchor without Python (as on CI; no timing is asserted)', () => {
  it('is skipped with the reason, and no numpy figure or ratio is written', () => {
    const { out, report } = runScript('anchor', [
      '--python',
      '/nonexistent/python3',
      '--quick',
      '--rounds',
      '1',
      '--batches',
      '16',
      '--threads',
      '1',
    ]);
    expect(out).toContain('anchor skipped: /nonexistent/python3 is missing');
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
