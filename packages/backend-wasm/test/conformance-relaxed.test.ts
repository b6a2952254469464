import { runBackendConformance } from '@nnet/backend-testkit';
import { describe, it } from 'vitest';
import { createWasmBackend, relaxedSimdSupported } from '../dist/index.js';

// The relaxed-SIMD build (fused multiply-add: results differ from the plain build in the last
// bits, within the testkit's tolerances), where the runtime validates it: Node 22+, current
// Chromium and Firefox; Node 20 only with --experimental-wasm-relaxed-simd, which NODE_OPTIONS
// refuses (`pnpm run test:relaxed` passes it to the test workers).
if (relaxedSimdSupported()) {
  runBackendConformance({ name: 'wasm relaxed SIMD', create: () => createWasmBackend({ relaxed: true }) });
} else {
  describe('wasm relaxed SIMD conformance', () => {
    it.skip(`skipped: this runtime (Node ${process.versions.node}) does not validate relaxed SIMD; Node 20 needs --experimental-wasm-relaxed-simd (pnpm run test:relaxed)`, () => {});
  });
}
