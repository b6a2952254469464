export { createWasmBackend, type WasmBackendOptions } from './create.js';
export {
  availableCores,
  relaxedSimdSupported,
  simdSupported,
  threadsPossible,
  type WasmSource,
} from './loader.js';
export { getThreads, setThreads } from './threads.js';
export { type KernelExports, WasmBackend } from './wasm_backend.js';

import './register.js';
