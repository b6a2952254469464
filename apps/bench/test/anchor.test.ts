import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorRatios, CPU_TIME, NUMPY, TORCH } from '../src/anchor_ratios.js';
import { type Figure, figureId, makeFigure, validateReport } from '../src/schema.js';
import { runScript } from './run_script.js';

const quickArgs = [
  '--quick',
  '--rounds',
  '1',
  '--batches',
  '16',
  '--cnn-batches',
  '8',
  '--matmul-sizes',
  '32',
  '--threads',
  '1',
];

describe('native anchors without Python (as on CI; no timing is asserted)', () => {
  it('skips numpy and torch with the reason, and writes no figure or ratio for them', () => {
    const { out, report } = runScript('anchor', ['--python', '/nonexistent/python3', ...quickArgs]);
    expect(out).toContain('numpy/OpenBLAS anchor skipped: /nonexistent/python3 is missing');
    expect(out).toContain('PyTorch anchor skipped: /nonexistent/python3 is missing');
    expect(validateReport(report)).toEqual([]);
    expect(report.notes.join(' ')).toMatch(/PyTorch anchor skipped: \/nonexistent\/python3 is missing/);
    // The host's capacity (native, no Python) is there when g++ is: all six figures or none.
    const host = report.figures.filter((f) => f.workload.startsWith('host-'));
    expect([0, 6]).toContain(host.length);
    expect(report.figures.filter((f) => !host.includes(f)).map((f) => `${f.workload} ${f.lib}`)).toEqual([
      'mlp-train nnet-wasm',
      'cnn-train nnet-wasm',
      'matmul nnet-wasm',
      'mlp-train-cpu-time nnet-wasm',
    ]);
    expect(report.figures.find((f) => f.workload === 'matmul')?.unit).toBe('GFLOP/s');
    for (const f of report.figures) expect(f.samples.length, f.id).toBe(1);
    // Only the host's own ratios can remain (numpy and torch have none).
    expect(report.ratios.map((r) => r.label)).toEqual(
      host.length
        ? ['host: CPUs given to 2 threads / 1 thread', "host: the slowest CPU's speed / the fastest's"]
        : [],
    );
  }, 120_000);

  it('says why torch is skipped when the script refuses, and goes on', () => {
    // A stand-in for python whose torch script reports torch missing, as torch_train.py does.
    const fake = join(mkdtempSync(join(tmpdir(), 'nnet-anchor-')), 'python3');
    writeFileSync(
      fake,
      `#!/bin/sh\ncase "$1" in *torch_train.py) echo '{"error": "PyTorch is not installed for fake: No module named torch"}'; exit 3;;\n*) echo 'Traceback'; echo 'ImportError: no numpy' >&2; exit 1;;\nesac\n`,
    );
    chmodSync(fake, 0o755);
    const { out, report } = runScript('anchor', ['--python', fake, ...quickArgs]);
    expect(out).toContain('PyTorch anchor skipped: PyTorch is not installed for fake: No module named torch');
    expect(out).toMatch(/numpy\/OpenBLAS anchor skipped: .*failed: ImportError: no numpy/);
    expect(validateReport(report)).toEqual([]);
    expect(report.figures.some((f) => f.lib === TORCH || f.lib === NUMPY)).toBe(false);
  }, 120_000);
});

describe('anchorRatios (pure)', () => {
  const fig = (workload: string, size: number, lib: string, threads: number, samples: number[]): Figure =>
    makeFigure({ workload, size, lib, threads, unit: 'samples/s', better: 'higher' }, samples);

  it('pairs rounds and labels every ratio of the MLP and the CNN', () => {
    const figures = [
      fig('mlp-train', 64, 'nnet-wasm', 1, [100, 90, 80]),
      fig('mlp-train', 64, 'nnet-wasm', 2, [150, 90, 120]),
      fig('mlp-train', 64, NUMPY, 1, [200, 200, 200]),
      fig('mlp-train', 64, NUMPY, 2, [300, 200, 400]),
      fig('mlp-train', 64, TORCH, 1, [50, 100, 200]),
      fig('mlp-train', 64, TORCH, 2, [100, 100, 100]),
      fig(CPU_TIME, 64, 'nnet-wasm', 1, [10, 10, 10]),
      fig(CPU_TIME, 64, NUMPY, 1, [20, 40, 50]),
      fig('cnn-train', 64, 'nnet-wasm', 1, [10, 10, 10]),
      fig('cnn-train', 64, 'nnet-wasm', 2, [15, 20, 10]),
      fig('cnn-train', 64, TORCH, 1, [20, 20, 20]),
      fig('cnn-train', 64, TORCH, 2, [10, 40, 30]),
      fig('matmul', 512, 'nnet-wasm', 1, [48, 50, 45]),
      fig('matmul', 512, 'nnet-wasm', 2, [90, 80, 90]),
      fig('matmul', 512, NUMPY, 1, [96, 100, 90]),
      fig('matmul', 512, NUMPY, 2, [192, 200, 150]),
    ];
    const got = Object.fromEntries(
      anchorRatios(figures).map((r) => [r.label, [r.median, r.min, r.max, r.target]]),
    );
    expect(got).toEqual({
      'MLP batch 64: nnet-wasm 1T / numpy 1T': [0.45, 0.4, 0.5, 0.3],
      'MLP batch 64: nnet-wasm 2T / numpy 2T': [0.45, 0.3, 0.5, 0.5],
      'MLP batch 64, CPU time per step: nnet-wasm 1T / numpy 1T': [0.25, 0.2, 0.5, 0.3],
      'MLP batch 64: nnet-wasm 2T / 1T': [1.5, 1, 1.5, 1.7],
      'MLP batch 64: numpy 2T / 1T': [1.5, 1, 2, undefined],
      'MLP batch 64: torch 2T / 1T': [1, 0.5, 2, undefined],
      'MLP batch 64: nnet-wasm 1T / torch 1T': [0.9, 0.4, 2, undefined],
      'MLP batch 64: nnet-wasm 2T / torch 2T': [1.2, 0.9, 1.5, undefined],
      'CNN batch 64: nnet-wasm 2T / 1T': [1.5, 1, 2, 1.7],
      'CNN batch 64: torch 2T / 1T': [1.5, 0.5, 2, undefined],
      'CNN batch 64: nnet-wasm 1T / torch 1T': [0.5, 0.5, 0.5, undefined],
      'CNN batch 64: nnet-wasm 2T / torch 2T': [0.5, 1 / 3, 1.5, undefined],
      // The product has no target of its own here (the node suite's matmul ratios have theirs).
      'matmul 512: nnet-wasm 1T / numpy 1T': [0.5, 0.5, 0.5, undefined],
      'matmul 512: nnet-wasm 2T / numpy 2T': [0.46875, 0.4, 0.6, undefined],
      'matmul 512: nnet-wasm 2T / 1T': [1.875, 1.6, 2, undefined],
      'matmul 512: numpy 2T / 1T': [2, 1.6666666666666667, 2, undefined],
    });
  });

  it('leaves out the ratios of a contender that was skipped or not measured', () => {
    const figures = [
      fig('mlp-train', 256, 'nnet-wasm', 1, [100]),
      fig('mlp-train', 256, 'nnet-wasm', 2, [120]),
      fig('mlp-train', 256, TORCH, 1, [200]),
      makeFigure(
        { workload: 'mlp-train', size: 256, lib: TORCH, threads: 2, unit: 'samples/s', better: 'higher' },
        [],
        'died',
      ),
    ];
    expect(anchorRatios(figures).map((r) => r.label)).toEqual([
      'MLP batch 256: nnet-wasm 2T / 1T',
      'MLP batch 256: nnet-wasm 1T / torch 1T',
    ]);
    expect(figureId('mlp-train', 256, TORCH, 2)).toBe('mlp-train/256/pytorch/2T');
  });
});
