/**
 * One figure measured in its own child process (`run-one.js`), so each library starts fresh and
 * reports its own peak RSS. The Node benches (`pnpm bench`, the numpy anchor) run their rounds
 * through `runJob`.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LibName } from './libs.js';
import { UNITS, type Workload } from './measure.js';
import { pinned } from './pin.js';

export interface Job {
  lib: LibName;
  workload: Workload;
  size: number;
  threads: number;
  quick: boolean;
  /** nnet-wasm: run the child with Node 20's relaxed-SIMD flag (its figure is `nnet-wasm-relaxed`). */
  relaxed?: boolean;
  /**
   * Import nnet from another built checkout: the file URL of its root, ending in `/` (the child
   * loads `packages/<pkg>/dist/index.js` under it; the A/B command). Unset: this workspace's nnet.
   */
  root?: string;
}

/** What the child prints: the figure, or why there is none. */
export interface JobResult {
  value: number | null;
  unit: string;
  maxRssMB: number | null;
  /** Training workloads: samples per CPU-second of the process (median CPU time per step). */
  cpuValue?: number;
  /** nnet-wasm only: whether the relaxed-SIMD build ran. */
  relaxed?: boolean;
  error?: string;
}

/** The library name of a job's figure: `nnet-wasm-relaxed` for a relaxed-SIMD child. */
export function jobLib(job: Job): string {
  return job.relaxed ? `${job.lib}-relaxed` : job.lib;
}

/** Node flag that enables relaxed SIMD in Node 20 (refused inside NODE_OPTIONS, so passed on argv). */
export const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';

/**
 * Runs `job` in a child process (with `nodeFlags` before the script; one-thread jobs pinned to a
 * CPU, pin.ts) and parses its JSON line.
 */
export function runJob(job: Job, nodeFlags: readonly string[] = []): JobResult {
  const script = fileURLToPath(new URL('./run-one.js', import.meta.url));
  const flags = job.relaxed && !nodeFlags.includes(RELAXED_FLAG) ? [...nodeFlags, RELAXED_FLAG] : nodeFlags;
  try {
    const [command, args] = pinned(job.threads, process.execPath, [...flags, script, JSON.stringify(job)]);
    const out = execFileSync(command, args, {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Partial<JobResult>;
    return {
      value: r.value ?? null,
      unit: r.unit ?? UNITS[job.workload].unit,
      maxRssMB: r.maxRssMB ?? null,
      ...(r.cpuValue === undefined ? {} : { cpuValue: r.cpuValue }),
      ...(r.relaxed === undefined ? {} : { relaxed: r.relaxed }),
      ...(r.error ? { error: r.error } : {}),
    };
  } catch (err) {
    return {
      value: null,
      unit: UNITS[job.workload].unit,
      maxRssMB: null,
      error: `child died: ${(err as Error).message.split('\n')[0]}`,
    };
  }
}
