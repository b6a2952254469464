import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type BenchReport, validateReport } from '../src/schema.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('pnpm bench --quick (smoke test; no timing is asserted)', () => {
  it('measures every library in its own process and writes the tables and a valid report', () => {
    const json = join(mkdtempSync(join(tmpdir(), 'nnet-bench-')), 'r.json');
    const out = execFileSync(process.execPath, [cli, '--quick', '--json', json], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toContain('| n | nnet-cpu | tfjs-cpu |');
    const report = JSON.parse(readFileSync(json, 'utf8')) as BenchReport;
    expect(validateReport(report)).toEqual([]);
    expect(report.bench).toBe('node-quick');
    const rows = report.figures;
    for (const lib of ['nnet-cpu', 'nnet-wasm', 'tfjs-cpu', 'tfjs-wasm']) {
      for (const w of ['matmul', 'mlp-train', 'mlp-infer']) {
        const mine = rows.filter((r) => r.lib === lib && r.workload === w && r.threads === 1);
        expect(mine.length, `${lib} ${w}`).toBeGreaterThan(0);
        for (const r of mine) {
          expect(r.samples.length, `${lib} ${w}: ${r.error}`).toBe(1);
          expect(r.median, `${lib} ${w}`).toBeGreaterThan(0);
          expect(r.extra?.peakRssMB).toBeGreaterThan(0);
        }
      }
    }
    // nnet trains the CNN on both backends; TensorFlow.js's WASM backend lacks a conv2d gradient kernel.
    for (const lib of ['nnet-cpu', 'nnet-wasm', 'tfjs-cpu']) {
      expect(rows.find((r) => r.lib === lib && r.workload === 'cnn-train')?.median).toBeGreaterThan(0);
    }
    const tfjsCnn = rows.find((r) => r.lib === 'tfjs-wasm' && r.workload === 'cnn-train');
    expect(tfjsCnn?.samples).toEqual([]);
    expect(tfjsCnn?.error).toMatch(/Conv2DBackpropFilter/);
    expect(report.ratios.map((r) => r.label)).toContain('matmul 64: nnet-wasm 1T / tfjs-wasm');
    expect(out).toContain('MLP 784-128-ReLU-10 training');
  }, 240_000);

  it('rejects unknown flags with a usage message', () => {
    expect(() =>
      execFileSync(process.execPath, [cli, '--nope'], { encoding: 'utf8', stdio: 'pipe' }),
    ).toThrow(/usage: pnpm bench/);
  });
});
