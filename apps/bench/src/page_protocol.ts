/** What the browser page measures and reports back to its driver (src/browser.ts). Pure. */

export type PageLib = 'nnet-wasm' | 'tfjs-wasm';
export type PageWorkload = 'matmul' | 'mlp-train' | 'cnn-train' | 'mlp-infer';

export interface PageJob {
  workload: PageWorkload;
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
