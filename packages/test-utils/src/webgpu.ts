/** A WebGPU backend for the tests that compare webgpu with cpu. */
import type { WebGpuBackend } from '@nnet/backend-webgpu';

/**
 * A WebGPU backend on whatever adapter exists (lavapipe in CI, a software adapter included), or
 * null, with the reason printed, on a machine with no adapter at all; any other failure (the
 * `webgpu` package missing, a device error) throws. For tests that compare webgpu with cpu.
 *
 *   const gpu = await webgpuForTests();
 *   describe.skipIf(gpu === null)('on webgpu', () => { ... });
 */
export async function webgpuForTests(): Promise<WebGpuBackend | null> {
  // Imported here, not at the top: importing the package registers 'webgpu' (priority 3).
  const { createWebGpuBackend } = await import('@nnet/backend-webgpu');
  try {
    return await createWebGpuBackend({ allowSoftware: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (!/no WebGPU adapter is available/.test(msg)) throw e;
    console.warn(`webgpu tests SKIPPED: ${msg}`);
    return null;
  }
}
