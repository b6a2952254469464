import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The testkit's own tests run against the tensor sources, and check the reference decompositions
// on the CPU backend's required kernels (test/references.test.ts): tensor, backend-cpu and
// kernels-js resolve to their sources so that one registry exists and nothing needs a build.
export default defineConfig({
  resolve: {
    alias: {
      // Before '@nnet/tensor', which would also match the subpath (the first match wins).
      '@nnet/tensor/testing': fileURLToPath(new URL('../tensor/src/testing/index.ts', import.meta.url)),
      '@nnet/tensor': fileURLToPath(new URL('../tensor/src/index.ts', import.meta.url)),
      '@nnet/backend-cpu': fileURLToPath(new URL('../backend-cpu/src/index.ts', import.meta.url)),
      '@nnet/kernels-js': fileURLToPath(new URL('../kernels-js/src/index.ts', import.meta.url)),
    },
  },
});
