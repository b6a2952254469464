import { describe, expect, it } from 'vitest';
import { median, summarize } from '../src/harness.js';
import {
  abLib,
  type BenchReport,
  figureId,
  makeFigure,
  makeRatio,
  measuredRatio,
  SCHEMA,
  slowerBeyondSpread,
  validateReport,
} from '../src/schema.js';

const key = { workload: 'mlp-train', size: 64, unit: 'samples/s', better: 'higher' as const };

function report(): BenchReport {
  const figures = [
    makeFigure({ ...key, lib: 'nnet-wasm', threads: 1 }, [30, 10, 20]),
    makeFigure({ ...key, lib: 'numpy-openblas', threads: 1 }, [100, 50, 40]),
    makeFigure({ ...key, lib: 'tfjs-wasm', threads: 1 }, [], 'Kernel missing'),
  ];
  return {
    schema: SCHEMA,
    bench: 'test',
    title: 'a test report',
    date: '2026-11-30T09:00:00.000Z',
    command: 'none',
    rounds: 3,
    environment: { node: 'v20', cores: 2, isolated: true },
    figures,
    ratios: [makeRatio(figures, 'nnet / numpy', figures[0].id, figures[1].id, 0.3)],
    notes: ['a note'],
  };
}

describe('summaries', () => {
  it('median of odd and even counts, min and max', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(summarize([5, 1, 9, 7])).toEqual({ median: 6, min: 1, max: 9, n: 4 });
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('figures and ratios', () => {
  it('a figure keeps every sample in round order with its summary; an empty one keeps its error', () => {
    const r = report();
    expect(r.figures[0]).toMatchObject({
      id: 'mlp-train/64/nnet-wasm/1T',
      samples: [30, 10, 20],
      median: 20,
      min: 10,
      max: 30,
    });
    expect(r.figures[2]).toMatchObject({
      samples: [],
      median: null,
      min: null,
      max: null,
      error: 'Kernel missing',
    });
    expect(figureId('matmul', 256, 'tfjs-wasm', 2)).toBe('matmul/256/tfjs-wasm/2T');
  });

  it('a ratio pairs samples round by round, not medians', () => {
    const r = report().ratios[0];
    // rounds: 30/100, 10/50, 20/40 → 0.3, 0.2, 0.5 (the ratio of medians would be 20/50 = 0.4)
    expect(r.samples.map((v) => Number(v.toFixed(6)))).toEqual([0.3, 0.2, 0.5]);
    expect(r.median).toBeCloseTo(0.3, 12);
    expect(r.min).toBeCloseTo(0.2, 12);
    expect(r.max).toBeCloseTo(0.5, 12);
    expect(r.target).toBe(0.3);
  });

  it('measuredRatio gives the ratio when both figures have samples, none when one has not', () => {
    const [nnet, numpy, tfjs] = report().figures;
    expect(measuredRatio(report().figures, 'r', nnet.id, numpy.id, 0.3)).toEqual([
      makeRatio(report().figures, 'r', nnet.id, numpy.id, 0.3),
    ]);
    expect(measuredRatio(report().figures, 'r', nnet.id, tfjs.id)).toEqual([]);
    expect(measuredRatio(report().figures, 'r', tfjs.id, nnet.id)).toEqual([]);
  });

  it('a ratio naming a missing figure throws', () => {
    expect(() => makeRatio(report().figures, 'x', 'nope', 'mlp-train/64/nnet-wasm/1T')).toThrow(
      /no figure 'nope'/,
    );
  });
});

describe('validateReport', () => {
  it('accepts a well-formed report', () => {
    expect(validateReport(report())).toEqual([]);
    expect(validateReport(JSON.parse(JSON.stringify(report())))).toEqual([]);
  });

  it('names each problem', () => {
    const bad = (mutate: (r: Record<string, unknown>) => void) => {
      const r = JSON.parse(JSON.stringify(report())) as Record<string, unknown>;
      mutate(r);
      return validateReport(r).join('\n');
    };
    expect(validateReport(null)).toEqual(['the report is not an object']);
    expect(bad((r) => (r.schema = 'other'))).toMatch(/schema must be 'nnet-bench\/1'/);
    expect(bad((r) => delete r.title)).toMatch(/title must be a non-empty string/);
    expect(bad((r) => (r.rounds = 0))).toMatch(/rounds must be a positive integer/);
    expect(bad((r) => ((r.environment as Record<string, unknown>).x = { y: 1 }))).toMatch(
      /environment.x must be a scalar/,
    );
    const figs = (r: Record<string, unknown>) => r.figures as Record<string, unknown>[];
    expect(bad((r) => (figs(r)[0].median = 25))).toMatch(
      /figures\[0\].*median\/min\/max do not match its samples/,
    );
    expect(bad((r) => (figs(r)[0].samples = [1, 'x']))).toMatch(/samples must be finite numbers/);
    expect(bad((r) => (figs(r)[2].median = 1))).toMatch(/no samples, so median, min and max must be null/);
    expect(bad((r) => (figs(r)[1].id = figs(r)[0].id))).toMatch(/duplicate id/);
    expect(bad((r) => (figs(r)[0].better = 'more'))).toMatch(/better must be 'higher' or 'lower'/);
    expect(bad((r) => (figs(r)[0].extra = { a: [1] }))).toMatch(/extra must be an object of scalars/);
    expect(bad((r) => ((r.ratios as Record<string, unknown>[])[0].numerator = 'gone'))).toMatch(
      /ratios\[0\]: numerator must name a figure/,
    );
    expect(bad((r) => ((r.ratios as Record<string, unknown>[])[0].max = 9))).toMatch(
      /ratios\[0\].*do not match/,
    );
  });
});

describe('A/B helpers', () => {
  const ratio = (samples: number[]) => ({
    samples,
    min: samples.length ? Math.min(...samples) : null,
    max: samples.length ? Math.max(...samples) : null,
  });

  it('names a figure of build A or B', () => {
    expect(abLib('nnet-wasm', 'B')).toBe('nnet-wasm@B');
  });

  it('flags B slower only when every paired round is on the slow side', () => {
    expect(slowerBeyondSpread(ratio([0.9, 0.85, 0.97]), 'higher')).toBe(true);
    expect(slowerBeyondSpread(ratio([0.9, 0.85, 1.02]), 'higher')).toBe(false);
    expect(slowerBeyondSpread(ratio([1.1, 1.05]), 'lower')).toBe(true);
    expect(slowerBeyondSpread(ratio([1.1, 0.99]), 'lower')).toBe(false);
    expect(slowerBeyondSpread(ratio([0.9, 0.8]), 'lower')).toBe(false);
  });

  it('does not flag with fewer than two paired rounds', () => {
    expect(slowerBeyondSpread(ratio([0.5]), 'higher')).toBe(false);
    expect(slowerBeyondSpread(ratio([]), 'higher')).toBe(false);
  });
});
