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

/** Uses `n` threads (the calling one included) for large products on the 'wasm' backend. */
export async function setThreads(n: number): Promise<void> {
  await wasmBackend('setThreads').setThreads(n);
}

/** Threads the 'wasm' backend uses. */
export function getThreads(): number {
  return wasmBackend('getThreads').threads;
}
