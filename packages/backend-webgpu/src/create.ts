/// <reference types="@webgpu/types" preserve="true" />
import { BackendError } from '@nnet/tensor';
import { chooseAdapter, describeAdapter, getGpu, isSoftwareAdapter, retainGpu } from './gpu.js';
import { GpuRuntime } from './runtime.js';
import { WebGpuBackend } from './webgpu_backend.js';

/** Options of `createWebGpuBackend`. */
export interface WebGpuBackendOptions {
  /**
   * Accept a software adapter (Mesa's lavapipe, SwiftShader, WARP) when no hardware one exists.
   * Default false: a software adapter is slower than the wasm backend, so it is only used when
   * asked for (`await setBackend('webgpu')` asks for it).
   */
  allowSoftware?: boolean;
  /** Passed to `requestAdapter` (e.g. 'high-performance' to prefer a discrete GPU). */
  powerPreference?: GPUPowerPreference;
  /**
   * The `GPU` to use (default: `navigator.gpu`, or in Node one `create([])` of the `webgpu` package
   * shared by every backend of the process). A `GPU` passed here is held until the process exits:
   * Dawn's Node binding aborts the process when a `GPU` is collected before its devices.
   */
  gpu?: GPU;
}

/**
 * Finds an adapter, opens a device with the adapter's largest buffer limits and returns a ready
 * backend. Rejects with `BackendError` when there is no WebGPU, no adapter, or only a software
 * adapter and `allowSoftware` is not set.
 *
 * ```ts
 * import { createWebGpuBackend } from '@nnet/backend-webgpu';
 * const gpu = await createWebGpuBackend({ allowSoftware: true });
 * gpu.adapter.description; // 'mesa / software / llvmpipe-… / llvmpipe: Mesa 25.0.7 …'
 * ```
 */
export async function createWebGpuBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  if (options.gpu !== undefined && (typeof options.gpu !== 'object' || options.gpu === null)) {
    throw new BackendError(
      'createWebGpuBackend: options.gpu must be a GPU object (navigator.gpu), or left out.',
    );
  }
  const pref = options.powerPreference;
  if (pref !== undefined && pref !== 'low-power' && pref !== 'high-performance') {
    throw new BackendError(
      `createWebGpuBackend: powerPreference must be 'low-power' or 'high-performance', got ${JSON.stringify(pref)}.`,
    );
  }
  // Retained for the life of the process: Dawn aborts when a GPU is collected before its devices.
  const gpu = options.gpu !== undefined ? retainGpu(options.gpu) : await getGpu();
  const adapter = await chooseAdapter(gpu, {
    allowSoftware: options.allowSoftware === true,
    powerPreference: options.powerPreference,
  });
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
      },
    });
  } catch (e) {
    throw new BackendError(
      `webgpu: the adapter (${describeAdapter(adapter)}) refused a device: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const summary = { description: describeAdapter(adapter), software: isSoftwareAdapter(adapter) };
  return new WebGpuBackend(new GpuRuntime(device), summary, gpu);
}
