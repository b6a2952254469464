import { describe, expect, it } from 'vitest';
import {
  HOST_CPUS,
  HOST_SPEED,
  HOST_WAKE,
  HostAnchor,
  hostRatios,
  hostValues,
} from '../src/host_capacity.js';
import { figureId, makeFigure, SampleSet } from '../src/schema.js';

const cpus1 = figureId(HOST_CPUS, 1, 'native-spin', 1);
const cpus2 = figureId(HOST_CPUS, 2, 'native-spin', 2);
const wake50 = figureId(HOST_WAKE, 50, 'native-futex', 2);
const wake90 = figureId(HOST_WAKE, 90, 'native-futex', 2);
const fastest = figureId(HOST_SPEED, 1, 'native-product', 1);
const slowest = figureId(HOST_SPEED, 2, 'native-product', 1);

describe('host capacity (pure)', () => {
  it("maps the probe's JSON to the figures, the CPUs' times to the fastest and slowest speed", () => {
    const out = {
      ms: 1000,
      one: 0.97,
      two: [0.5, 0.48],
      cpus2: 0.98,
      wakeUs: { p10: 5, p50: 6, p90: 80, max: 900 },
      // 100 products of 2·64³ flops: 52.4288 Mflop, in 1 ms and 2 ms.
      cpuMs: [2, 1],
      cpus: [0, 1],
    };
    expect(hostValues(out)).toEqual({
      [cpus1]: 0.97,
      [cpus2]: 0.98,
      [wake50]: 6,
      [wake90]: 80,
      [fastest]: 52.4288,
      [slowest]: 26.2144,
    });
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
    const speed = (size: number, samples: number[]) =>
      makeFigure(
        { workload: HOST_SPEED, size, lib: 'native-product', threads: 1, unit: 'GFLOP/s', better: 'higher' },
        samples,
      );
    const [, cpus] = hostRatios([fig(1, 1, [1]), fig(2, 2, [2]), speed(1, [50]), speed(2, [30])]);
    expect(cpus.label).toBe("host: the slowest CPU's speed / the fastest's");
    expect(cpus.samples).toEqual([0.6]);
  });

  it('says what is missing instead of recording a partial output', () => {
    const partial = hostValues({ one: 0.97, two: [0.5, 0.48], wakeUs: { p50: 6, p90: 80 } });
    expect(partial).toHaveProperty('error');
    expect(String((partial as { error: string }).error)).toMatch(/no capacity, wake and CPU speed figures/);
    const noSpeed = { one: 1, two: [0.5, 0.5], cpus2: 1, wakeUs: { p50: 1, p90: 2 }, cpuMs: [], cpus: [] };
    expect(hostValues(noSpeed)).toHaveProperty('error');
    expect(hostValues({ ...noSpeed, cpuMs: [1, 0] })).toHaveProperty('error');
    expect(hostValues({ ...noSpeed, cpuMs: [1, 2] })).not.toHaveProperty('error');
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
    expect(figures.map((f) => f.id)).toEqual([cpus1, cpus2, wake50, wake90, fastest, slowest]);
    for (const f of figures) expect(f.samples).toHaveLength(1);
    const [one, two, p50, p90, fast, slow] = figures.map((f) => f.samples[0]);
    // Shares of at most one CPU per thread; a wake takes some time, and p90 is not below p50.
    expect(one).toBeGreaterThan(0);
    expect(one).toBeLessThanOrEqual(1);
    expect(two).toBeGreaterThan(0);
    expect(two).toBeLessThanOrEqual(2);
    expect(p50).toBeGreaterThan(0);
    expect(p90).toBeGreaterThanOrEqual(p50);
    expect(slow).toBeGreaterThan(0);
    expect(fast).toBeGreaterThanOrEqual(slow);
    expect(notes[0]).toMatch(/^host-cpus/);
  });
});
