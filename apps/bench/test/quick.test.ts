import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { validateReport } from '../src/schema.js';
import { distScript, runScript } from './run_script.js';

const cli = distScript('cli');

describe('pnpm bench --quick (smoke test; no timing is asserted)', () => {
  it('measures every library in its own process and writes the tables and a valid report', () => {
    const { out, report } = runScript('cli', ['--quick']);
    expect(out).toContain('| n | nnet-cpu | tfjs-cpu |');
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
