import { defineConfig } from 'vitest/config';

// NNET_BACKEND=wasm runs the same suite on the WebAssembly backend (the test script runs both).
export default defineConfig({ test: { setupFiles: ['./test/setup.ts'] } });
