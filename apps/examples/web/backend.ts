/**
 * The workers' backend: registers cpu, wasm and webgpu and picks one, the same way for both demos.
 * 'auto' takes the registered backends by priority: webgpu where a hardware adapter exists (its
 * factory refuses a software one unless asked for by name), then wasm (SIMD; with worker threads
 * when the page is cross-origin isolated, on one thread otherwise), then cpu. A backend named in
 * the URL (`?backend=`) is taken as asked, a software WebGPU adapter included.
 */
import '@nnet/backend-cpu';
import '@nnet/backend-wasm';
import '@nnet/backend-webgpu';
import { getThreads, simdSupported } from '@nnet/backend-wasm';
import type { WebGpuBackend } from '@nnet/backend-webgpu';
import { findBackend, getBackendName, ready, setBackend } from '@nnet/tensor';
import type { BackendChoice, BackendInfo } from './protocol.js';

/** Makes the chosen backend current and describes it for the page's status line. */
export async function startBackend(choice: BackendChoice): Promise<BackendInfo> {
  if (choice === 'auto') await ready();
  else await setBackend(choice);
  const backend = getBackendName() ?? 'none';
  return {
    backend,
    adapter: backend === 'webgpu' ? (findBackend('webgpu') as WebGpuBackend).adapter.description : null,
    threads: backend === 'wasm' ? getThreads() : 1,
    simd: simdSupported(),
    isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
  };
}

/** Lets queued messages (a stop) in: a macrotask, so the worker's message handler can run. */
export const yieldToEvents = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
