/**
 * The tests' one way to get a backend: a WebGPU backend on whatever adapter exists (lavapipe in
 * CI). Only a machine with no adapter at all skips, with the reason printed; any other failure
 * (the `webgpu` package missing, a device error) fails the tests.
 */
import { createWebGpuBackend, type WebGpuBackend } from '../src/index.js';

export const NO_ADAPTER = /no WebGPU adapter is available/;

/** A fresh backend, or the reason there is none (only "no adapter" is tolerated). */
export async function tryBackend(): Promise<{ backend: WebGpuBackend } | { skip: string }> {
  try {
    return { backend: await createWebGpuBackend({ allowSoftware: true }) };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (NO_ADAPTER.test(msg)) {
      console.warn(`@nnet/backend-webgpu tests SKIPPED: ${msg}`);
      return { skip: msg };
    }
    throw e;
  }
}
