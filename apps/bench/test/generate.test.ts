import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fmt, markers, renderSection, updateDocument } from '../src/markdown.js';
import { type BenchReport, makeFigure, makeRatio, SCHEMA } from '../src/schema.js';

function report(bench = 'anchor', values = [41800, 35000, 45000]): BenchReport {
  const k = { workload: 'mlp-train', size: 64, threads: 1, unit: 'samples/s', better: 'higher' as const };
  const figures = [
    makeFigure({ ...k, lib: 'nnet-wasm' }, values),
    makeFigure({ ...k, lib: 'numpy-openblas' }, [200000, 100000, 150000]),
    makeFigure(
      { ...k, lib: 'tfjs-wasm', workload: 'mlp-infer', unit: 'ms', better: 'lower' },
      [],
      'not registered',
    ),
  ];
  return {
    schema: SCHEMA,
    bench,
    title: 'MLP beside numpy',
    date: '2026-11-30T09:12:34.000Z',
    command: 'pnpm --filter @nnet/bench run anchor',
    rounds: 3,
    environment: { node: 'v20.20.2', cores: 2 },
    figures,
    ratios: [makeRatio(figures, 'nnet-wasm 1T / numpy 1T', figures[0].id, figures[1].id, 0.3)],
    notes: ['numpy was checked to run OpenBLAS.'],
  };
}

const DOC = '# Benchmarks\n\nIntro text.\n\n## 2026-11-25\n\nA hand-written table.\n';

describe('renderSection', () => {
  it('shows each figure with its median, its min–max and the spread share, and the ratios with targets', () => {
    const md = renderSection(report());
    expect(md.startsWith(markers('anchor').begin)).toBe(true);
    expect(md.endsWith(markers('anchor').end)).toBe(true);
    expect(md).toContain('## MLP beside numpy (generated, 2026-11-30 09:12 UTC)');
    // median 41,800; min–max 35,000–45,000; (45000 − 35000) / 41800 = 24 %
    expect(md).toContain(
      '| mlp-train | 64 | nnet-wasm | 1 | samples/s | 41,800 | 35,000–45,000 | 24 % | 3 |',
    );
    expect(md).toContain(
      '| mlp-infer | 64 | tfjs-wasm | 1 | ms (lower is better) | n/a (not registered) | – | – | 0 |',
    );
    // per-round ratios 0.209, 0.35, 0.3 → median 0.3, met at target 0.3
    expect(md).toContain('| nnet-wasm 1T / numpy 1T | 0.300× | 0.209–0.350 | 0.3× | yes |');
    expect(md).toContain('- numpy was checked to run OpenBLAS.');
    expect(md).toContain('Environment: node v20.20.2, cores 2.');
  });

  it('refuses a malformed report', () => {
    const r = report();
    r.figures[0].median = 1;
    expect(() => renderSection(r)).toThrow(/malformed/);
  });

  it('formats figures readably', () => {
    expect([fmt(123456.7), fmt(512.4), fmt(41.84), fmt(1.234), fmt(0.04213), fmt(null)]).toEqual([
      '123,457',
      '512',
      '41.8',
      '1.23',
      '0.0421',
      'n/a',
    ]);
  });
});

describe('updateDocument', () => {
  it('inserts new sections after the introduction, keeping the hand-written ones', () => {
    const out = updateDocument(DOC, [{ bench: 'anchor', text: renderSection(report()) }]);
    expect(out.indexOf('Intro text.')).toBeLessThan(out.indexOf(markers('anchor').end));
    expect(out.indexOf(markers('anchor').end)).toBeLessThan(out.indexOf('## 2026-11-25'));
    expect(out).toContain('A hand-written table.');
  });

  it('replaces a section in place on a rerun, and is idempotent', () => {
    const first = updateDocument(DOC, [{ bench: 'anchor', text: renderSection(report()) }]);
    const again = updateDocument(first, [{ bench: 'anchor', text: renderSection(report()) }]);
    expect(again).toBe(first);
    const second = updateDocument(first, [
      { bench: 'anchor', text: renderSection(report('anchor', [1, 2, 3])) },
    ]);
    expect(second).not.toContain('41,800');
    expect(second.split(markers('anchor').end).length).toBe(2);
    expect(second).toContain('A hand-written table.');
  });

  it('puts a new section before an existing one, never between its begin marker and its heading', () => {
    const first = updateDocument(DOC, [{ bench: 'anchor', text: renderSection(report()) }]);
    const out = updateDocument(first, [{ bench: 'node', text: renderSection(report('node')) }]);
    expect(out.indexOf(markers('node').end)).toBeLessThan(out.indexOf(markers('anchor').begin));
    // Each section still starts with its own begin marker, directly followed by its heading.
    for (const bench of ['anchor', 'node']) {
      const at = out.indexOf(markers(bench).begin);
      expect(out.slice(at).split('\n')[1]).toMatch(/^## MLP beside numpy/);
    }
  });

  it('refuses a section with only one of its markers', () => {
    expect(() =>
      updateDocument(`${DOC}\n${markers('anchor').end}\n`, [{ bench: 'anchor', text: 'x' }]),
    ).toThrow(/only one of its markers/);
  });
});

describe('generate CLI', () => {
  const gen = fileURLToPath(new URL('../dist/generate.js', import.meta.url));

  it('writes the sections from the JSON files, and --check tells a stale document from a fresh one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnet-gen-'));
    const json = join(dir, 'anchor.json');
    const doc = join(dir, 'BENCHMARKS.md');
    writeFileSync(json, JSON.stringify(report()));
    writeFileSync(doc, DOC);
    const check = () =>
      execFileSync(process.execPath, [gen, json, '--out', doc, '--check'], { stdio: 'pipe' });
    expect(check).toThrow();
    execFileSync(process.execPath, [gen, json, '--out', doc], { stdio: 'pipe' });
    expect(readFileSync(doc, 'utf8')).toContain('35,000–45,000');
    expect(check().toString()).toMatch(/up to date/);
  }, 60_000);

  it('rejects a file that is not a bench report, naming the problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnet-gen-'));
    const json = join(dir, 'bad.json');
    writeFileSync(json, JSON.stringify({ schema: 'nnet-bench/1', figures: [] }));
    writeFileSync(join(dir, 'B.md'), DOC);
    expect(() =>
      execFileSync(process.execPath, [gen, json, '--out', join(dir, 'B.md')], {
        encoding: 'utf8',
        stdio: 'pipe',
      }),
    ).toThrow(/title must be a non-empty string/);
  }, 60_000);
});
