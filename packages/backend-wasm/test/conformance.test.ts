import { runBackendConformance } from '@nnet/backend-testkit';
import { createWasmBackend } from '../dist/index.js';

// The plain 128-bit SIMD build on every runtime (the relaxed one has its own file), on one call
// path per kernel as the cost model picks it...
runBackendConformance({ name: 'wasm', create: () => createWasmBackend({ relaxed: false }) });

// ...and with every call that can be split run across two threads, however small.
runBackendConformance({
  name: 'wasm, every call split',
  create: async () => {
    const b = await createWasmBackend({ relaxed: false, threads: 2 });
    b.setCostModel({ dispatch: 0 });
    return b;
  },
});
