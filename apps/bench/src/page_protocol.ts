/**
 * What the browser page measures and reports back to its driver (src/browser.ts). Pure. The page
 * times each figure as the Node child does (`measureWorkload`): batch-1 inference in samples of
 * enough passes to last ≥ 1 ms each, reported in ms per pass.
 */
import type { Workload } from './measure.js';

export type PageLib = 'nnet-wasm' | 'tfjs-wasm';

export interface PageJob {
  workload: Workload;
  size: number;
}

/** One value per job and library from one page load (one round at one thread count). */
export interface PageRow extends PageJob {
  lib: PageLib;
  value: number | null;
  unit: string;
  error?: string;
}

export interface PageResult {
  threads: number;
  crossOriginIsolated: boolean;
  userAgent: string;
  /** nnet-wasm: the relaxed-SIMD build ran; threads the pool actually uses. */
  nnetRelaxed: boolean | null;
  nnetThreads: number | null;
  /**
   * nnet-wasm's cost model after the run: how long a worker took to join a split call, dozing and
   * still polling (µs; null with one thread or on an error).
   */
  nnetDispatchUs: { cold: number; hot: number } | null;
  /** tfjs-wasm: threads its build runs and whether it found multithread support. */
  tfjsThreads: number | null;
  tfjsMultithread: boolean | null;
  rows: PageRow[];
  error?: string;
}

/** The jobs of one page load. */
export function pageJobs(quick: boolean): PageJob[] {
  const sizes = quick ? [128] : [256, 512, 1024];
  return [
    ...sizes.map((size) => ({ workload: 'matmul' as const, size })),
    { workload: 'mlp-train', size: quick ? 16 : 64 },
    ...(quick ? [] : [{ workload: 'mlp-train' as const, size: 256 }]),
    { workload: 'cnn-train', size: quick ? 8 : 64 },
    { workload: 'mlp-infer', size: 1 },
  ];
}
