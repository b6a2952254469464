import { runBackendConformance } from '@nnet/backend-testkit';
import { createWasmBackend } from '../dist/index.js';

runBackendConformance({ name: 'wasm', create: () => createWasmBackend() });
