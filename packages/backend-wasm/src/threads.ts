/** Package-level thread control for the registered 'wasm' backend. */
import { BackendError, findBackend } from '@nnet/tensor';
import { WasmBackend } from './wasm_backend.js';

function wasmBackend(op: string): WasmBackend {
  const b = findBackend('wasm');
  if (!(b instanceof WasmBackend)) {
    throw new BackendError(
      `${op}: the 'wasm' backend is not initialised yet; call await setBackend('wasm') first.`,
    );
  }
  return b;
}

/**
 * Uses `n` threads (the calling one included) for the calls the cost model splits on the
 * registered 'wasm' backend; 1 stops the pool. Throws BackendError before `setBackend('wasm')`.
 *
 * ```ts
 * import { setBackend } from '@nnet/tensor';
 * import { setThreads } from '@nnet/backend-wasm';
 * await setBackend('wasm');
 * await setThreads(2); // large products now split across 2 threads; setThreads(1) stops the pool
 * ```
 */
export async function setThreads(n: number): Promise<void> {
  await wasmBackend('setThreads').setThreads(n);
}

/**
 * Threads the registered 'wasm' backend uses (the calling one included).
 *
 * ```ts
 * import { setBackend } from '@nnet/tensor';
 * import { getThreads, setThreads } from '@nnet/backend-wasm';
 * await setBackend('wasm');
 * await setThreads(2);
 * getThreads(); // 2
 * ```
 */
export function getThreads(): number {
  return wasmBackend('getThreads').threads;
}
