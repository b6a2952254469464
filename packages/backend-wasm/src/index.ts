export { createWasmBackend, type WasmBackendOptions } from './create.js';
export type { KernelExports } from './ffi.js';
export {
  availableCores,
  relaxedSimdSupported,
  simdSupported,
  threadsPossible,
  type WasmSource,
} from './loader.js';
export type { CostModel, Costs } from './parallel.js';
export { getThreads, setThreads } from './threads.js';
export { WasmBackend } from './wasm_backend.js';

import './register.js';
