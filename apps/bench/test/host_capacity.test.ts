import { describe, expect, it } from 'vitest';
import { HOST_CPUS, HOST_WAKE, HostAnchor, hostRatios, hostValues } from '../src/host_capacity.js';
import { figureId, makeFigure, SampleSet } from '../src/schema.js';

const cpus1 = figureId(HOST_CPUS, 1, 'native-spin', 1);
const cpus2 = figureId(HOST_CPUS, 2, 'native-spin', 2);
const wake50 = figureId(HOST_WAKE, 50, 'native-futex', 2);
const wake90 = figureId(HOST_WAKE, 90, 'native-futex', 2);

describe('host capacity (pure)', () => {
  it("maps the probe's JSON to the four figures", () => {
    const out = {
      ms: 1000,
      one: 0.97,
      two: [0.5, 0.48],
      cpus2: 0.98,
      wakeUs: { p10: 5, p50: 6, p90: 80, max: 900 },
    };
    expect(hostValues(out)).toEqual({ [cpus1]: 0.97, [cpus2]: 0.98, [wake50]: 6, [wake90]: 80 });
  });

  it('pairs the 2-thread and 1-thread capacity round by round, and has no ratio without samples', () => {
    const fig = (size: number, threads: number, samples: number[]) =>
      makeFigure(
        { workload: HOST_CPUS, size, lib: 'native-spin', threads, unit: 'CPUs', better: 'higher' },
        samples,
      );
    const [ratio] = hostRatios([fig(1, 1, [0.9, 1]), fig(2, 2, [0.9, 1.9])]);
    expect(ratio.label).toBe('host: CPUs given to 2 threads / 1 thread');
    expect(ratio.samples).toEqual([1, 1.9]);
    expect(hostRatios([fig(1, 1, []), fig(2, 2, [])])).toEqual([]);
  });

  it('says what is missing instead of recording a partial output', () => {
    const partial = hostValues({ one: 0.97, two: [0.5, 0.48], wakeUs: { p50: 6, p90: 80 } });
    expect(partial).toHaveProperty('error');
    expect(String((partial as { error: string }).error)).toMatch(/no capacity and wake figures/);
    expect(hostValues(null)).toHaveProperty('error');
    expect(hostValues({ one: Number.NaN, cpus2: 1, wakeUs: { p50: 1, p90: 2 } })).toHaveProperty('error');
  });
});

describe('host capacity (the compiled probe)', () => {
  it('records one sample of each figure per round, with sane values, or says why it is skipped', () => {
    const host = new HostAnchor(true);
    const samples = new SampleSet();
    const notes: string[] = [];
    host.describe(notes);
    if (!('binary' in host.probe)) {
      expect(notes[0]).toMatch(/host capacity skipped: .+/);
      expect(host.figures(samples)).toEqual([]);
      return;
    }
    host.measure(samples, 0, () => {});
    const figures = host.figures(samples);
    expect(figures.map((f) => f.id)).toEqual([cpus1, cpus2, wake50, wake90]);
    for (const f of figures) expect(f.samples).toHaveLength(1);
    const [one, two, p50, p90] = figures.map((f) => f.samples[0]);
    // Shares of at most one CPU per thread; a wake takes some time, and p90 is not below p50.
    expect(one).toBeGreaterThan(0);
    expect(one).toBeLessThanOrEqual(1);
    expect(two).toBeGreaterThan(0);
    expect(two).toBeLessThanOrEqual(2);
    expect(p50).toBeGreaterThan(0);
    expect(p90).toBeGreaterThanOrEqual(p50);
    expect(notes[0]).toMatch(/^host-cpus/);
  });
});
