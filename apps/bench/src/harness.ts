/**
 * Timing and summary helpers, the one place for them: every bench (Node, browser page, kernels,
 * WebGPU) times with `time`/`timeAsync` and summarises repeats with `summarize`. Uses the global
 * `performance`, so the browser page imports it too.
 */

/** Median, min and max of a list of numbers (the spread a reader needs to judge the noise). */
export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** The median (mean of the two middle values for an even count) of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median: no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median, min and max of `values` (non-empty, finite). */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError('summarize: no values');
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

export interface TimeOptions {
  /** Untimed calls first (default 2). */
  warmup?: number;
  /** Keep timing until this much time passed (default 500 ms)... */
  minTimeMs?: number;
  /** ...and at least this many calls (default 5). */
  minReps?: number;
  /**
   * A CPU-time clock in ms (Node: the process's user + system time). When given, the median CPU
   * time per call is reported too: on a host shared with other busy processes it says what a call
   * costs when it runs, where wall time also counts the time the process waited for a core.
   */
  cpuClock?: () => number;
  /**
   * A call slower than this (ms, timed during the first warm-up call) is timed with no further
   * warm-up and exactly `slowReps` calls, so a slow contender (tfjs-cpu at n = 1024) does not eat
   * a whole run's budget. Unset: every call follows `warmup`/`minTimeMs`/`minReps`.
   */
  slowCallMs?: number;
  /** Timed calls of a slow call (default 3: the median of three). */
  slowReps?: number;
  /**
   * Each sample times a group of calls lasting at least this long (ms; default 0: one call per
   * sample), the group's size chosen after the warm-up by `nextGroupSize`; the figures are per call.
   * A call far shorter than the clock's resolution (the browser's 5 µs clock against a 20 µs batch-1
   * forward pass) is otherwise measured as a few clock ticks.
   */
  minSampleMs?: number;
}

export interface Timing {
  /** Median milliseconds per call. */
  medianMs: number;
  /** Median CPU milliseconds per call (with `cpuClock`). */
  medianCpuMs?: number;
  /** Samples taken. */
  reps: number;
  /** Calls timed together in each sample (1 unless `minSampleMs` asked for more). */
  callsPerSample: number;
}

const MAX_REPS = 10000;
/** The largest group of calls one sample times. */
const MAX_GROUP = 1 << 20;

/**
 * The sample-grouping rule of `time`: after a group of `calls` calls took `elapsedMs`, the next
 * group to try, or `null` when this one already lasts `minSampleMs` (its size is the one to use).
 * The next size is what the measured rate predicts with a quarter to spare, at least twice the
 * last (a clock that saw nothing, or a noisy first call, still converges) and at most 100 times it.
 *
 * @example
 * nextGroupSize(1, 0.02, 1); // 63: one call took 20 µs, so 63 calls should take ≥ 1 ms
 * nextGroupSize(63, 1.3, 1); // null: a sample of 63 calls lasts ≥ 1 ms
 */
export function nextGroupSize(calls: number, elapsedMs: number, minSampleMs: number): number | null {
  if (calls >= MAX_GROUP || elapsedMs >= minSampleMs) return null;
  const predicted = elapsedMs > 0 ? Math.ceil((1.25 * calls * minSampleMs) / elapsedMs) : 0;
  return Math.min(MAX_GROUP, 100 * calls, Math.max(2 * calls, predicted));
}

/** Runs `fn` `calls` times. */
function repeat(fn: () => void, calls: number): void {
  for (let i = 0; i < calls; i++) fn();
}

/**
 * Calls `fn` `warmup` times, then takes samples until `minTimeMs` passed (at least `minReps`): one
 * call per sample, or with `minSampleMs` a group of calls sized by `nextGroupSize` (the calibration
 * groups are further warm-up). Reports the median per call.
 */
export function time(fn: () => void, options: TimeOptions = {}): Timing {
  const { warmup = 2, cpuClock, slowCallMs, slowReps = 3, minSampleMs = 0 } = options;
  let { minTimeMs = 500, minReps = 5 } = options;
  let slow = false;
  for (let i = 0; i < warmup; i++) {
    const t0 = performance.now();
    fn();
    if (i === 0 && slowCallMs !== undefined && performance.now() - t0 >= slowCallMs) {
      minTimeMs = 0;
      minReps = slowReps;
      slow = true;
      break;
    }
  }
  let calls = 1;
  while (minSampleMs > 0 && !slow) {
    const t0 = performance.now();
    repeat(fn, calls);
    const next = nextGroupSize(calls, performance.now() - t0, minSampleMs);
    if (next === null) break;
    calls = next;
  }
  const samples: number[] = [];
  const cpu: number[] = [];
  const start = performance.now();
  while (samples.length < minReps || performance.now() - start < minTimeMs) {
    const c0 = cpuClock?.() ?? 0;
    const t0 = performance.now();
    repeat(fn, calls);
    samples.push((performance.now() - t0) / calls);
    if (cpuClock) cpu.push((cpuClock() - c0) / calls);
    if (samples.length >= MAX_REPS) break;
  }
  return {
    medianMs: median(samples),
    ...(cpuClock ? { medianCpuMs: median(cpu) } : {}),
    reps: samples.length,
    callsPerSample: calls,
  };
}

/** `time` for work that must be awaited (a GPU read, a worker round trip). */
export async function timeAsync(fn: () => Promise<void>, options: TimeOptions = {}): Promise<Timing> {
  const { warmup = 2, minTimeMs = 500, minReps = 5 } = options;
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minReps || performance.now() - start < minTimeMs) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
    if (samples.length >= MAX_REPS) break;
  }
  return { medianMs: median(samples), reps: samples.length, callsPerSample: 1 };
}
