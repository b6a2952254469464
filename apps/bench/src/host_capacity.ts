/**
 * The host's capacity, an anchor for every two-thread figure (`pnpm bench`'s training part and the
 * `anchor` command, once per round): on a shared VM two vCPUs need not give two CPUs' worth, and a
 * second thread can only pay with the CPU time the host gives it. `native/host_capacity.cpp`
 * (compiled with g++ at bench time, native.ts) spins one thread, then two, reading the clock, and
 * counts the gaps in which a thread did not run; then times waking a thread blocked in a futex,
 * which is what a pool pays to start a sleeping worker; then times a small matrix product on each
 * CPU in turn (pinned), since vCPUs need not be equally fast. Skipped with the reason where g++ is
 * missing.
 */
import { runJsonCommand } from './child.js';
import { type Compiled, compileNative } from './native.js';
import { type Figure, figureId, measuredRatio, type Ratio, type SampleSet } from './schema.js';

/**
 * The workloads of the anchor: CPUs' worth given to spinning threads, a futex wake's latency, and
 * the speed of a small matrix product on the fastest and the slowest CPU.
 */
export const HOST_CPUS = 'host-cpus';
export const HOST_WAKE = 'host-wake';
export const HOST_SPEED = 'host-cpu-speed';

/** Flops of the probe's product: 100 times C += A·B on 64 × 64 floats. */
const PRODUCT_FLOPS = 100 * 2 * 64 ** 3;

/** What the probe prints (a JSON line). */
export interface HostOut {
  /** Running share of one spinning thread (1: it never waited). */
  one: number;
  /** Running shares of two threads spinning together. */
  two: [number, number];
  /** Their sum: the CPUs' worth the host gave two threads (ideal 2). */
  cpus2: number;
  /** Percentiles of a futex wake's round trip, µs. */
  wakeUs: { p10: number; p50: number; p90: number; max: number };
  /** The product's time (ms) on each CPU of the affinity mask, one at a time. */
  cpuMs: number[];
  /** Those CPUs' numbers. */
  cpus: number[];
}

/** The figure ids and values of one probe run. */
const FIGURES = [
  { workload: HOST_CPUS, size: 1, lib: 'native-spin', threads: 1, unit: 'CPUs', better: 'higher' },
  { workload: HOST_CPUS, size: 2, lib: 'native-spin', threads: 2, unit: 'CPUs', better: 'higher' },
  { workload: HOST_WAKE, size: 50, lib: 'native-futex', threads: 2, unit: 'µs', better: 'lower' },
  { workload: HOST_WAKE, size: 90, lib: 'native-futex', threads: 2, unit: 'µs', better: 'lower' },
  // size 1: the fastest CPU, 2: the slowest.
  { workload: HOST_SPEED, size: 1, lib: 'native-product', threads: 1, unit: 'GFLOP/s', better: 'higher' },
  { workload: HOST_SPEED, size: 2, lib: 'native-product', threads: 1, unit: 'GFLOP/s', better: 'higher' },
] as const;

/** The figures' ids, in FIGURES's order. */
const IDS = FIGURES.map((f) => figureId(f.workload, f.size, f.lib, f.threads));
const [CPUS_1T, CPUS_2T, WAKE_P50, , FASTEST, SLOWEST] = IDS;

/**
 * The figures' values in one probe output (figure id → value), or why it is not one.
 *
 * @example
 * hostValues({ one: 0.97, two: [0.5, 0.48], cpus2: 0.98, wakeUs: { p10: 5, p50: 6, p90: 80, max: 900 }, cpuMs: [0.84, 1.68], cpus: [0, 1] });
 * // { 'host-cpus/1/native-spin/1T': 0.97, ..., 'host-cpu-speed/1/native-product/1T': 62.4, 'host-cpu-speed/2/...': 31.2 }
 */
export function hostValues(out: unknown): Record<string, number> | { error: string } {
  const o = out as Partial<HostOut> | null;
  const w = o?.wakeUs;
  const ms = Array.isArray(o?.cpuMs) ? o.cpuMs : [];
  const speeds = ms.map((t) => (typeof t === 'number' && t > 0 ? PRODUCT_FLOPS / (t * 1e6) : Number.NaN));
  const nums = [o?.one, o?.cpus2, w?.p50, w?.p90, Math.max(...speeds), Math.min(...speeds)];
  if (!nums.every((v) => typeof v === 'number' && Number.isFinite(v)))
    return { error: `host_capacity printed no capacity, wake and CPU speed figures: ${JSON.stringify(out)}` };
  return Object.fromEntries(IDS.map((id, i) => [id, nums[i] as number]));
}

/**
 * The anchor's ratio among `figures`: the CPUs' worth two spinning threads got over one's, round
 * by round — how far any two-thread figure of the same run could gain over one thread (none when
 * the anchor was skipped).
 *
 * @example
 * hostRatios(report.figures).map((r) => r.label); // ['host: CPUs given to 2 threads / 1 thread']
 */
export function hostRatios(figures: readonly Figure[]): Ratio[] {
  return [
    ...measuredRatio(figures, 'host: CPUs given to 2 threads / 1 thread', CPUS_2T, CPUS_1T),
    ...measuredRatio(figures, "host: the slowest CPU's speed / the fastest's", SLOWEST, FASTEST),
  ];
}

/** What the anchor shows (a report's note). */
export const HOST_NOTE =
  "host-cpus / host-wake: what this host gave the run, measured by native/host_capacity.cpp (g++ -O2) once per round between the contenders: threads spinning on the clock for 1 s, one and then two, each losing the gaps (> 20 µs) in which it did not run; host-cpus is the sum of their running shares (2 threads: 2.0 on two free CPUs, about 1.0 when the host gives the VM one CPU's worth), host-wake the 50th and 90th percentile of waking a thread blocked in a futex (µs), the latency a pool's sleeping worker adds to a split call. host-cpu-speed: a 64×64 float matrix product (in L1: loads, stores and multiply-adds, like a GEMM tile) timed on each CPU in turn, pinned; size 1 is the fastest CPU, 2 the slowest (GFLOP/s of scalar-ish native code, for the ratio only). A two-thread figure can gain over one thread only as far as host-cpus 2T exceeds 1T, and, for work like a GEMM, by at most 1 + slowest/fastest over one thread on the fastest CPU.";

/**
 * The anchor inside a bench's rounds: compiled once (or skipped with the reason), then `measure`
 * runs the probe (about 2.2 s) and records its values.
 */
export class HostAnchor {
  readonly probe: Compiled = compileNative('host_capacity', ['-O2', '-pthread']);

  constructor(private readonly quick: boolean) {
    if ('skip' in this.probe) console.log(`host capacity skipped: ${this.probe.skip}`);
  }

  /** One round's figures (nothing when skipped). */
  measure(samples: SampleSet, round: number, log: (line: string) => void = console.error): void {
    if (!('binary' in this.probe)) return;
    const r = runJsonCommand<HostOut>(this.probe.binary, ['--ms', this.quick ? '200' : '1000']);
    const values = 'error' in r ? r : hostValues(r);
    for (const id of IDS)
      samples.add(
        id,
        'error' in values ? null : values[id],
        'error' in values ? String(values.error) : 'no value',
      );
    log(
      'error' in values
        ? `round ${round + 1} host capacity: ${values.error}`
        : `round ${round + 1} host capacity: 1 thread ${values[CPUS_1T].toFixed(2)} CPUs, 2 threads ${values[CPUS_2T].toFixed(2)}; futex wake p50 ${values[WAKE_P50].toFixed(1)} µs; CPU speed slowest/fastest ${(values[SLOWEST] / values[FASTEST]).toFixed(2)}`,
    );
  }

  /** The anchor's figures (none when skipped). */
  figures(samples: SampleSet): Figure[] {
    if (!('binary' in this.probe)) return [];
    return FIGURES.map((f) => samples.figure({ ...f }, {}, 'not measured'));
  }

  /** The note a report needs: what the anchor is, or why it is absent. */
  describe(notes: string[]): void {
    notes.push(
      'binary' in this.probe
        ? HOST_NOTE
        : `host capacity skipped: ${this.probe.skip}. Nothing was measured for it.`,
    );
  }
}
