import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { validateReport } from '../src/schema.js';
import { distScript, runScript } from './run_script.js';

describe('primitives --quick (smoke test; no timing is asserted)', () => {
  it('times the chosen kernel on both backends, each in a child, with the paired ratio', () => {
    const { out, report } = runScript('primitives', ['--quick', '--rounds', '2', '--only', 'unary.abs']);
    expect(validateReport(report)).toEqual([]);
    expect(report.bench).toBe('primitives-quick');
    expect(report.figures.map((f) => f.id)).toEqual([
      'unary.abs i32/1048576/nnet-wasm/1T',
      'unary.abs i32/1048576/nnet-cpu/1T',
    ]);
    for (const f of report.figures) {
      expect(f.samples.length, `${f.id}: ${f.error}`).toBe(2);
      expect(f.median, f.id).toBeGreaterThan(0);
    }
    expect(report.ratios.map((r) => [r.label, r.samples.length])).toEqual([
      ['unary.abs i32: nnet-cpu ms / nnet-wasm ms', 2],
    ]);
    expect(out).toMatch(/unary\.abs i32\/1048576\/nnet-cpu\/1T .* ms \[/);
  }, 120_000);

  it('names the cases when --only matches none', () => {
    expect(() =>
      execFileSync(process.execPath, [distScript('primitives'), '--only', 'nope'], {
        encoding: 'utf8',
        stdio: 'pipe',
      }),
    ).toThrow(/no case matches --only 'nope'; cases: unary\.exp f32, /);
  });
});

describe('wasm-builds --quick (smoke test; no timing is asserted)', () => {
  it('runs the plain and the shared-memory build, each figure in its own child', () => {
    const { report } = runScript('wasm_builds', ['--quick', '--only', 'infer']);
    expect(validateReport(report)).toEqual([]);
    expect(report.figures.map((f) => f.id)).toEqual([
      'mlp-infer/1/nnet-wasm-plain/1T',
      'mlp-infer/1/nnet-wasm-shared/1T',
    ]);
    for (const f of report.figures) expect(f.samples.length, `${f.id}: ${f.error}`).toBe(1);
    expect(report.ratios.map((r) => r.label)).toEqual([
      'mlp-infer 1: shared-memory build / plain build (1T)',
    ]);
  }, 120_000);
});

describe('webgpu --quick (smoke test; no timing is asserted)', () => {
  it('runs both WebGPU libraries in alternating rounds and reports every figure with its spread', () => {
    const { out, report } = runScript('webgpu', ['--quick', '--rounds', '2', '--sizes', '32']);
    expect(validateReport(report)).toEqual([]);
    expect(report.bench).toBe('webgpu-quick');
    expect(report.rounds).toBe(2);
    const jobs = ['matmul/32', 'mlp-train/16', 'cnn-train/8', 'mlp-infer/1', 'mlp-infer/256'];
    expect(report.figures.map((f) => f.id)).toEqual(
      jobs.flatMap((j) => [`${j}/nnet-webgpu/1T`, `${j}/tfjs-webgpu/1T`]),
    );
    for (const f of report.figures) expect(f.samples.length, `${f.id}: ${f.error}`).toBe(2);
    expect(report.ratios.map((r) => [r.label, r.samples.length])).toEqual([
      ['matmul 32: nnet-webgpu / tfjs-webgpu', 2],
      ['mlp-train 16: nnet-webgpu / tfjs-webgpu', 2],
      ['cnn-train 8: nnet-webgpu / tfjs-webgpu', 2],
      ['mlp-infer 1: tfjs-webgpu ms / nnet-webgpu ms', 2],
      ['mlp-infer 256: tfjs-webgpu ms / nnet-webgpu ms', 2],
    ]);
    expect(typeof report.environment.nnetWebgpuAdapter).toBe('string');
    expect(out).toMatch(/\| matmul \| 32 \| GFLOP\/s \| [\d,.]+ \[[\d,.]+–[\d,.]+\] \|/);
  }, 120_000);
});
