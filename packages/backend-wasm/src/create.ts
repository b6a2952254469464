import { availableCores, compileModule, isNode, type WasmSource } from './loader.js';
import { WasmBackend } from './wasm_backend.js';

export interface WasmBackendOptions {
  /** The .wasm bytes or URL (for bundlers); default: the file shipped next to this module. */
  wasm?: WasmSource;
  /** Force the relaxed-SIMD build on or off (default: relaxed where the runtime supports it). */
  relaxed?: boolean;
  /**
   * Threads for large products (default: the cores available, in Node). The pool runs on
   * worker_threads over a shared memory; in browsers this version uses one thread.
   */
  threads?: number;
}

/** Compiles and instantiates the kernels and returns a ready backend. */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  // In Node the shared-memory build runs at full single-thread speed, so it is always used there.
  const shared = isNode() && options.wasm === undefined;
  const { module, relaxed } = await compileModule(options.wasm, options.relaxed, shared);
  const memory = shared ? new WebAssembly.Memory({ initial: 16, maximum: 32768, shared: true }) : undefined;
  const instance = await WebAssembly.instantiate(module, {
    env: { abort: wasmAbort, ...(memory ? { memory } : {}) },
  });
  const backend = new WasmBackend(instance, relaxed, memory ? { module, memory } : undefined);
  if (shared) await backend.setThreads(options.threads ?? (await availableCores()));
  return backend;
}

function wasmAbort(): never {
  throw new Error('nnet wasm kernel aborted');
}
