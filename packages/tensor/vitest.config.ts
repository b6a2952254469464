import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The tensor package's own tests run its ops on the backend NNET_BACKEND names (cpu, or wasm), selected by
// @nnet/test-utils' setup, which the test files import. Tensor, backend-cpu and test-utils resolve to
// their sources so that one copy of the registry exists and no package-graph cycle (tensor <->
// backend-cpu, tensor <-> test-utils) is needed; a clean checkout runs them before any package is built.
export default defineConfig({
  resolve: {
    alias: {
      // Subpaths before their package (the first match wins; '@nnet/tensor' would match the subpath too).
      '@nnet/tensor/testing': fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)),
      '@nnet/tensor': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      '@nnet/test-utils/setup': fileURLToPath(new URL('../test-utils/src/setup.ts', import.meta.url)),
      '@nnet/backend-cpu': fileURLToPath(new URL('../backend-cpu/src/index.ts', import.meta.url)),
      // backend-cpu's kernels live in kernels-js: its source too, so nothing here needs a build.
      '@nnet/kernels-js': fileURLToPath(new URL('../kernels-js/src/index.ts', import.meta.url)),
      // NNET_BACKEND=wasm (test-utils' setup): the built package, whose .wasm `pnpm build` compiles;
      // its `@nnet/tensor` import resolves to the same sources.
      '@nnet/backend-wasm': fileURLToPath(new URL('../backend-wasm/dist/index.js', import.meta.url)),
    },
  },
  test: { include: ['test/**/*.test.ts', 'src/**/*.test.ts'] },
});
