import { compileModule, type WasmSource } from './loader.js';
import { WasmBackend } from './wasm_backend.js';

export interface WasmBackendOptions {
  /** The .wasm bytes or URL (for bundlers); default: the file shipped next to this module. */
  wasm?: WasmSource;
  /** Force the relaxed-SIMD build on or off (default: relaxed where the runtime supports it). */
  relaxed?: boolean;
}

/** Compiles and instantiates the kernels and returns a ready backend. */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const { module, relaxed } = await compileModule(options.wasm, options.relaxed);
  const instance = await WebAssembly.instantiate(module, { env: { abort: wasmAbort } });
  return new WasmBackend(instance, relaxed);
}

function wasmAbort(): never {
  throw new Error('nnet wasm kernel aborted');
}
