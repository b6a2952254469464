import { registerBackend } from '@nnet/tensor';
import { createWasmBackend } from './create.js';

// Priority 2: above the CPU backend once ready; initialisation is async, so `await setBackend('wasm')`
// (or `await ready()`) before the first op.
registerBackend('wasm', () => createWasmBackend(), 2);
