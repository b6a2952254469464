import { wasmAbort } from './ffi.js';
import { availableCores, compileModule, threadsPossible, type WasmSource } from './loader.js';
import { WasmBackend } from './wasm_backend.js';

/**
 * Options of createWasmBackend.
 *
 * Example:
 *   await createWasmBackend({ relaxed: false, threads: 1 }); // the plain SIMD build on one thread
 */
export interface WasmBackendOptions {
  /** The .wasm bytes or URL (for bundlers); default: the file shipped next to this module. */
  wasm?: WasmSource;
  /** Force the relaxed-SIMD build on or off (default: relaxed where the runtime supports it). */
  relaxed?: boolean;
  /**
   * Threads for large products (default: the cores available). The pool runs on worker_threads
   * in Node and on Web Workers in a cross-origin-isolated page (COOP/COEP headers), over a shared
   * memory; elsewhere one thread.
   */
  threads?: number;
}

/**
 * Compiles and instantiates the kernels and returns a ready backend (not registered: pass it to
 * `registerBackend(name, () => backend)` to use it through the front end).
 *
 * ```ts
 * import { registerBackend, setBackend, tensor } from '@nnet/tensor';
 * import { createWasmBackend } from '@nnet/backend-wasm';
 * const b = await createWasmBackend({ threads: 1 });
 * registerBackend('wasm-1', () => b);
 * await setBackend('wasm-1');
 * tensor([1, 2, 3]).mul(2).toArray(); // [2, 4, 6], computed on b
 * ```
 */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  // The shared-memory build runs at full single-thread speed, so it is used wherever threads can run.
  const shared = threadsPossible() && options.wasm === undefined;
  const { module, relaxed } = await compileModule(options.wasm, options.relaxed, shared);
  const memory = shared ? new WebAssembly.Memory({ initial: 16, maximum: 32768, shared: true }) : undefined;
  const instance = await WebAssembly.instantiate(module, {
    env: { abort: wasmAbort, ...(memory ? { memory } : {}) },
  });
  const backend = new WasmBackend(instance, relaxed, memory ? { module, memory } : undefined);
  if (shared) await backend.setThreads(options.threads ?? (await availableCores()));
  return backend;
}
