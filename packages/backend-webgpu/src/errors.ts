import { BackendError } from '@nnet/tensor';

/**
 * The GPU device was lost (driver reset, `device.destroy()`, the backend disposed). The backend
 * is unusable from then on: every call throws this error. Switch to another backend
 * (`await setBackend('cpu')`) or create a new WebGPU backend and move the data over.
 *
 * ```ts
 * import '@nnet/backend-wasm';
 *
 * const gpu = await createWebGpuBackend({ allowSoftware: true });
 * gpu.dispose(); // as a driver reset or gpu.device.destroy() would
 * try {
 *   gpu.alloc('float32', 4);
 * } catch (e) {
 *   if (e instanceof DeviceLostError) await setBackend('wasm'); // carry on elsewhere
 * }
 * getBackendName()   // 'wasm'
 * ```
 */
export class DeviceLostError extends BackendError {
  /** `'DeviceLostError'`. */
  override name = 'DeviceLostError';
}
