export { createWasmBackend, type WasmBackendOptions } from './create.js';
export { relaxedSimdSupported, simdSupported, type WasmSource } from './loader.js';
export { type KernelExports, WasmBackend } from './wasm_backend.js';

import './register.js';
