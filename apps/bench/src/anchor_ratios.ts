/**
 * The ratios of the native-library anchor (`anchor.ts`), from the figures a run measured. Pure, so
 * the unit tests check the arithmetic and the labels without timing anything.
 */
import { type Figure, figureId, measuredRatio, type Ratio } from './schema.js';

/** The library names of the anchor's figures. */
export const NUMPY = 'numpy-openblas';
export const TORCH = 'pytorch';

/** The workload name of the CPU-time figures (one thread). */
export const CPU_TIME = 'mlp-train-cpu-time';

/** The workloads the anchor measures, with how a ratio's label names one of their sizes. */
const TITLES: Record<string, (size: number) => string> = {
  'mlp-train': (b) => `MLP batch ${b}`,
  'cnn-train': (b) => `CNN batch ${b}`,
  matmul: (n) => `matmul ${n}`,
};

/** Issue 19's targets for nnet-wasm / numpy on the training steps, by thread count. */
const NUMPY_TARGETS = new Map([
  [1, 0.3],
  [2, 0.5],
]);

/** How each native library is named in a label. */
const SHORT: Record<string, string> = { [NUMPY]: 'numpy', [TORCH]: 'torch' };

/**
 * The anchor's ratios for the figures present (a ratio whose figures have no samples is left out),
 * per workload and batch (or matmul size):
 * - `nnet-wasm tT / numpy tT` (issue 19's targets for the MLP: 0.3× with one thread, 0.5× with two)
 *   and, for the MLP, the same on CPU time per step (one thread);
 * - `nnet-wasm 2T / 1T` (target 1.7× for the training steps);
 * - `numpy 2T / 1T` and `torch 2T / 1T`: what a native library gains from a second thread on this
 *   host, the figure to read nnet's own 2T / 1T against;
 * - `nnet-wasm tT / torch tT`.
 *
 * @example
 * anchorRatios(figures).map((r) => r.label);
 * // ['MLP batch 64: nnet-wasm 1T / numpy 1T', ..., 'matmul 512: numpy 2T / 1T']
 */
export function anchorRatios(figures: readonly Figure[]): Ratio[] {
  const out: Ratio[] = [];
  const id = (workload: string, batch: number, lib: string, threads: number) =>
    figureId(workload, batch, lib, threads);
  for (const [workload, title] of Object.entries(TITLES)) {
    const training = workload !== 'matmul';
    const mine = figures.filter((f) => f.workload === workload);
    const batches = [...new Set(mine.map((f) => f.size))];
    const threads = [...new Set(mine.map((f) => f.threads))].sort((a, b) => a - b);
    for (const b of batches) {
      const ratio = (label: string, num: string, den: string, target?: number) =>
        out.push(...measuredRatio(figures, `${title(b)}${label}`, num, den, target));
      for (const t of threads)
        ratio(
          `: nnet-wasm ${t}T / numpy ${t}T`,
          id(workload, b, 'nnet-wasm', t),
          id(workload, b, NUMPY, t),
          training ? NUMPY_TARGETS.get(t) : undefined,
        );
      if (workload === 'mlp-train')
        ratio(
          ', CPU time per step: nnet-wasm 1T / numpy 1T',
          id(CPU_TIME, b, 'nnet-wasm', 1),
          id(CPU_TIME, b, NUMPY, 1),
          NUMPY_TARGETS.get(1),
        );
      ratio(
        ': nnet-wasm 2T / 1T',
        id(workload, b, 'nnet-wasm', 2),
        id(workload, b, 'nnet-wasm', 1),
        training ? 1.7 : undefined,
      );
      for (const lib of [NUMPY, TORCH])
        ratio(`: ${SHORT[lib]} 2T / 1T`, id(workload, b, lib, 2), id(workload, b, lib, 1));
      for (const t of threads)
        ratio(`: nnet-wasm ${t}T / torch ${t}T`, id(workload, b, 'nnet-wasm', t), id(workload, b, TORCH, t));
    }
  }
  return out;
}
