// Two projects in one run (one JSON report): every test file as the runtime is, and the
// relaxed-SIMD files (the relaxed conformance, and the export check that instantiates every build)
// with the V8 flag Node 20 needs to validate relaxed SIMD (CI runs Node 20; NODE_OPTIONS refuses
// the flag, so it goes to the test workers' execArgv). Newer runtimes
// validate relaxed SIMD by default and get no flag. The plain build stays covered by
// conformance.test.ts, which asks for it explicitly.
import { defineConfig } from 'vitest/config';
import { relaxedSimdSupported } from './dist/index.js';

const relaxedFiles = ['test/conformance-relaxed.test.ts', 'test/ffi.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'wasm', include: ['test/**/*.test.ts'], exclude: relaxedFiles } },
      {
        extends: true,
        test: {
          name: 'wasm-relaxed',
          include: relaxedFiles,
          execArgv: relaxedSimdSupported() ? [] : ['--experimental-wasm-relaxed-simd'],
          // The conformance file fails (not skips) when the build still does not validate under this flag.
          env: { NNET_REQUIRE_RELAXED: '1' },
        },
      },
    ],
  },
});
