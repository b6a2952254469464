/**
 * vitest setup file (see `./vitest.js`): selects the backend NNET_BACKEND names — 'cpu' (default),
 * 'wasm' or 'cpu-async' — before any test of the package runs.
 */
import { useTestBackend } from './backends.js';

await useTestBackend(process.env.NNET_BACKEND ?? 'cpu');
