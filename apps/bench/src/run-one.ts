/**
 * Child-process entry: measures one workload on one library and prints a JSON line
 * `{ value, unit, maxRssMB, relaxed? }` (see jobs.ts), so each figure comes with the peak RSS of
 * its own process.
 */

import { type TimeOptions, time } from './harness.js';
import type { Job, JobResult } from './jobs.js';
import { loadLib } from './libs.js';
import { processCpuMs } from './report.js';

/**
 * A call at least this slow (tfjs-cpu matmul 1024, its CNN step) is timed three times after one
 * warm-up call, so the slowest contenders fit the run's budget.
 */
const SLOW_CALL_MS = 300;

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as Job;
  const lib = await loadLib(job.lib, job.threads);
  /** The timing of a workload: `[quick, full]` warm-up calls, minimum time and repeats. */
  const timing = (
    warmup: [number, number],
    minTimeMs: [number, number],
    minReps: [number, number],
    extra: Partial<TimeOptions> = {},
  ): TimeOptions => {
    const pick = ([quick, full]: [number, number]) => (job.quick ? quick : full);
    return {
      warmup: pick(warmup),
      minTimeMs: pick(minTimeMs),
      minReps: pick(minReps),
      slowCallMs: SLOW_CALL_MS,
      ...extra,
    };
  };
  let value: number;
  let unit: string;
  let cpuValue: number | undefined;
  switch (job.workload) {
    case 'matmul': {
      const c = lib.matmul(job.size);
      const t = time(c.run, timing([1, 2], [50, 600], [2, 5]));
      c.dispose();
      value = (2 * job.size ** 3) / (t.medianMs * 1e6);
      unit = 'GFLOP/s';
      break;
    }
    case 'mlp-train':
    case 'cnn-train': {
      const w = job.workload === 'mlp-train' ? lib.mlpTrain(job.size) : lib.cnnTrain(job.size);
      const t = time(w.run, timing([1, 2], [50, 800], [2, 5], { cpuClock: processCpuMs }));
      w.dispose();
      value = job.size / (t.medianMs / 1000);
      if (t.medianCpuMs) cpuValue = job.size / (t.medianCpuMs / 1000);
      unit = 'samples/s';
      break;
    }
    case 'mlp-infer': {
      const w = lib.mlpInfer(job.size);
      const t = time(w.run, timing([2, 20], [50, 600], [3, 20]));
      w.dispose();
      value = t.medianMs;
      unit = 'ms';
      break;
    }
    default:
      throw new Error(`unknown workload ${String(job.workload)}`);
  }
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  const out: JobResult = {
    value,
    unit,
    maxRssMB,
    ...(cpuValue === undefined ? {} : { cpuValue }),
    ...(lib.relaxed === undefined ? {} : { relaxed: lib.relaxed }),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: String(err instanceof Error ? err.message : err) })}\n`);
  process.exit(0);
});
