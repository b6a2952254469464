/** Timing helpers: run a closure until enough time has passed and report the median. */
import { performance } from 'node:perf_hooks';

export interface Timing {
  /** Median milliseconds per call. */
  medianMs: number;
  reps: number;
}

/** Calls `fn` `warmup` times, then in rounds until `minTimeMs` passed (at least `minReps` rounds). */
export function time(
  fn: () => void,
  options: { warmup?: number; minTimeMs?: number; minReps?: number } = {},
): Timing {
  const warmup = options.warmup ?? 2;
  const minTimeMs = options.minTimeMs ?? 500;
  const minReps = options.minReps ?? 5;
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minReps || performance.now() - start < minTimeMs) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
    if (samples.length > 10000) break;
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)], reps: samples.length };
}
