/**
 * Debug switches that trade speed for checks.
 */
import { describeValue, ValueError } from './errors.js';

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
  /**
   * Range-check input values a loss requires (bce's probabilities in [0, 1]), throwing a
   * `ValueError` (default true, as PyTorch raises). Reads one number on backends that read
   * synchronously (cpu, wasm); skipped elsewhere and when off (then an out-of-range element's
   * loss is NaN). Switch it off in a hot loop whose inputs are known to be valid.
   *
   *   setDebug({ checkValues: false }); // no range read per bce call
   */
  checkValues?: boolean;
}

const state: Required<DebugOptions> = { checkIndices: true, detectAnomaly: false, checkValues: true };

/**
 * Turns debug checks on or off; returns the previous settings.
 *
 * ```ts
 * setDebug({ checkIndices: false }); // skip index range checks in a hot loop
 * ```
 */
export function setDebug(options: DebugOptions): Required<DebugOptions> {
  if (typeof options !== 'object' || options === null) {
    throw new ValueError('setDebug: expected an options object, e.g. setDebug({ checkIndices: false }).');
  }
  const known = Object.keys(state) as (keyof DebugOptions)[];
  const given = options as Record<string, unknown>;
  for (const k of Object.keys(given)) {
    if (!(known as string[]).includes(k)) {
      throw new ValueError(`setDebug: unknown option '${k}'; the options are ${known.join(', ')}.`);
    }
    const v = given[k];
    if (v !== undefined && typeof v !== 'boolean') {
      throw new ValueError(`setDebug: ${k} must be true or false, got ${describeValue(v)}.`);
    }
  }
  // Checked in full above, so a bad option changes nothing.
  const prev = { ...state };
  for (const k of known) {
    const v = options[k];
    if (v !== undefined) state[k] = v;
  }
  return prev;
}

/**
 * The current debug settings.
 *
 * ```ts
 * getDebug()   // { checkIndices: true, detectAnomaly: false, checkValues: true } (the defaults)
 * ```
 */
export function getDebug(): Readonly<Required<DebugOptions>> {
  return state;
}
