/**
 * One figure of one library, timed the same way everywhere: the Node child (run-one.ts, for
 * `pnpm bench`, the anchor and the A/B command) and the browser page. Pure (no Node imports).
 */
import { type TimeOptions, time } from './harness.js';
import type { Lib } from './libs.js';

export type Workload = 'matmul' | 'mlp-train' | 'cnn-train' | 'mlp-infer';

/** The unit and direction of each workload's figure. */
export const UNITS: Record<Workload, { unit: string; better: 'higher' | 'lower' }> = {
  matmul: { unit: 'GFLOP/s', better: 'higher' },
  'mlp-train': { unit: 'samples/s', better: 'higher' },
  'cnn-train': { unit: 'samples/s', better: 'higher' },
  'mlp-infer': { unit: 'ms', better: 'lower' },
};

/**
 * A call at least this slow (tfjs-cpu matmul 1024, its CNN step) is timed three times after one
 * warm-up call, so the slowest contenders fit the run's budget.
 */
const SLOW_CALL_MS = 300;

/**
 * Inference: each sample times as many forward passes as last at least this long (ms), so a
 * batch-1 pass of ~20 µs is not measured in ticks of a 5 µs (browser) clock.
 */
const INFER_MIN_SAMPLE_MS = 1;

/** A `[quick, full]` pair: the smoke-test value and the real one. */
type QuickFull = readonly [number, number];

/**
 * Each workload's timing protocol: warm-up calls, then calls until both a minimum time (ms) and a
 * minimum count have passed. The native anchors (anchor.ts) time their contenders with the same.
 */
export const PROTOCOL: Record<Workload, { warmup: QuickFull; minTimeMs: QuickFull; minReps: QuickFull }> = {
  matmul: { warmup: [1, 2], minTimeMs: [50, 600], minReps: [2, 5] },
  'mlp-train': { warmup: [1, 2], minTimeMs: [50, 800], minReps: [2, 5] },
  'cnn-train': { warmup: [1, 2], minTimeMs: [50, 800], minReps: [2, 5] },
  'mlp-infer': { warmup: [2, 20], minTimeMs: [50, 600], minReps: [3, 20] },
};

/** A measured figure: `value` in `unit`; training also per CPU-second with a `cpuClock`. */
export interface Measured {
  value: number;
  unit: string;
  cpuValue?: number;
}

/**
 * Times `workload` at `size` (matmul n, batch) on `lib`: GFLOP/s, samples/s or ms per forward
 * pass. `quick`: a short smoke timing. `cpuClock` (Node): training also reports samples per CPU-second.
 */
export function measureWorkload(
  lib: Lib,
  workload: Workload,
  size: number,
  quick: boolean,
  cpuClock?: () => number,
): Measured {
  /** The timing of the workload (PROTOCOL), for a quick or a full run. */
  const timing = (extra: Partial<TimeOptions> = {}): TimeOptions => {
    const { warmup, minTimeMs, minReps } = PROTOCOL[workload];
    const pick = ([q, full]: QuickFull) => (quick ? q : full);
    return {
      warmup: pick(warmup),
      minTimeMs: pick(minTimeMs),
      minReps: pick(minReps),
      slowCallMs: SLOW_CALL_MS,
      ...extra,
    };
  };
  const { unit } = UNITS[workload];
  switch (workload) {
    case 'matmul': {
      const c = lib.matmul(size);
      const t = time(c.run, timing());
      c.dispose();
      return { value: (2 * size ** 3) / (t.medianMs * 1e6), unit };
    }
    case 'mlp-train':
    case 'cnn-train': {
      const w = workload === 'mlp-train' ? lib.mlpTrain(size) : lib.cnnTrain(size);
      const t = time(w.run, timing(cpuClock ? { cpuClock } : {}));
      w.dispose();
      const cpu = t.medianCpuMs ? { cpuValue: size / (t.medianCpuMs / 1000) } : {};
      return { value: size / (t.medianMs / 1000), unit, ...cpu };
    }
    case 'mlp-infer': {
      const w = lib.mlpInfer(size);
      const t = time(w.run, timing({ minSampleMs: INFER_MIN_SAMPLE_MS }));
      w.dispose();
      return { value: t.medianMs, unit };
    }
    default:
      throw new Error(`unknown workload ${String(workload)}`);
  }
}
