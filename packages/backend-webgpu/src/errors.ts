import { BackendError } from '@nnet/tensor';

/**
 * The GPU device was lost (driver reset, `device.destroy()`, the backend disposed). The backend
 * is unusable from then on: every call throws this error. Switch to another backend
 * (`await setBackend('cpu')`) or create a new WebGPU backend and move the data over.
 *
 * ```ts
 * try { await t.data(); } catch (e) { if (e instanceof DeviceLostError) await setBackend('wasm'); }
 * ```
 */
export class DeviceLostError extends BackendError {
  /** `'DeviceLostError'`. */
  override name = 'DeviceLostError';
}
