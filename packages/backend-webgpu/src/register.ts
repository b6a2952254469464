import { registerBackend } from '@nnet/tensor';
import { createWebGpuBackend } from './create.js';

/**
 * Priority 3: above wasm (2) and cpu (1) when a hardware adapter exists. The factory may receive
 * how it was chosen: `{ requested: true }` from `setBackend('webgpu')`, `{ requested: false }` when
 * the registry picks by priority. A software adapter is accepted only when requested; a registry
 * that passes nothing is treated as a request (today's `@nnet/tensor` does not distinguish).
 */
export const WEBGPU_PRIORITY = 3;

registerBackend(
  'webgpu',
  (context?: { requested?: boolean }) => createWebGpuBackend({ allowSoftware: context?.requested ?? true }),
  WEBGPU_PRIORITY,
);
