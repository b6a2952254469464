/**
 * Debug switches that trade speed for checks.
 */
import { ValueError } from './errors.js';

/** The checks `setDebug` switches. */
export interface DebugOptions {
  /**
   * Range-check the indices of `gather`, `indexSelect`, `oneHot` and the losses built on them,
   * throwing an `IndexError` that names the bad index (default true). The check reads the indices
   * on the host, so it runs only on backends that read synchronously (cpu, wasm: the indices are
   * already in host memory). Elsewhere (a GPU backend) and when off, the backend contract decides:
   * an out-of-range index never reads or writes out of bounds — `gather` yields 0 (false for bool)
   * there and `scatterAdd` drops that contribution.
   */
  checkIndices?: boolean;
  /**
   * Anomaly detection, like `torch.autograd.detect_anomaly` (default false). In the forward pass,
   * every kernel output outside `noGrad` and every op recorded on the autograd graph is checked;
   * in the backward pass, every gradient rule checks the gradients it returns. The first NaN or ±Infinity throws an
   * `AnomalyError` naming the op (and, in backward, that its gradient rule produced it). The
   * checks read values on the host, so they run on backends that read synchronously (cpu, wasm)
   * and are skipped elsewhere. Off, it costs one flag test per op. A mask built with -Infinity
   * (attention) trips it: use a large negative number while debugging.
   */
  detectAnomaly?: boolean;
}

const state: Required<DebugOptions> = { checkIndices: true, detectAnomaly: false };

/**
 * Turns debug checks on or off; returns the previous settings.
 *
 *   setDebug({ checkIndices: false }); // skip index range checks in a hot loop
 */
export function setDebug(options: DebugOptions): Required<DebugOptions> {
  if (typeof options !== 'object' || options === null) {
    throw new ValueError('setDebug: expected an options object, e.g. setDebug({ checkIndices: false }).');
  }
  const known = Object.keys(state);
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) {
      throw new ValueError(`setDebug: unknown option '${k}'; the options are ${known.join(', ')}.`);
    }
  }
  const prev = { ...state };
  if (options.checkIndices !== undefined) {
    if (typeof options.checkIndices !== 'boolean') {
      throw new ValueError(
        `setDebug: checkIndices must be true or false, got ${String(options.checkIndices)}.`,
      );
    }
    state.checkIndices = options.checkIndices;
  }
  if (options.detectAnomaly !== undefined) {
    if (typeof options.detectAnomaly !== 'boolean') {
      throw new ValueError(
        `setDebug: detectAnomaly must be true or false, got ${String(options.detectAnomaly)}.`,
      );
    }
    state.detectAnomaly = options.detectAnomaly;
  }
  return prev;
}

/** The current debug settings. */
export function getDebug(): Readonly<Required<DebugOptions>> {
  return state;
}
