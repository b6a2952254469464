import { registerBackend } from '@nnet/tensor';
import { createWebGpuBackend } from './create.js';

/**
 * Priority 3: above wasm (2) and cpu (1), so `await ready()` takes WebGPU where a hardware adapter
 * exists. The registry tells the factory how it was chosen: with `{ requested: false }` (by
 * priority) a software adapter is refused, and so is a machine without any adapter, and `ready()`
 * moves on to wasm or cpu; with `{ requested: true }` (`await setBackend('webgpu')`) a software
 * adapter (lavapipe, SwiftShader) is accepted.
 *
 * ```ts
 * import { WEBGPU_PRIORITY } from '@nnet/backend-webgpu';
 * WEBGPU_PRIORITY; // 3: ready() prefers WebGPU (when a hardware adapter exists) to wasm (2) and cpu (1)
 * ```
 */
export const WEBGPU_PRIORITY = 3;

registerBackend(
  'webgpu',
  ({ requested }) => createWebGpuBackend({ allowSoftware: requested }),
  WEBGPU_PRIORITY,
);
