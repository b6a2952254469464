import { runBackendConformance } from '@nnet/backend-testkit';
import { describe, expect, it } from 'vitest';
import { createWasmBackend, relaxedSimdSupported } from '../dist/index.js';

// The relaxed-SIMD build (fused multiply-add: results differ from the plain build in the last
// bits, within the testkit's tolerances). The package's test script runs this file in its own
// vitest project (vitest.config.ts) with --experimental-wasm-relaxed-simd on Node 20 and sets
// NNET_REQUIRE_RELAXED, so there it must run; run alone on a runtime without relaxed SIMD
// (`vitest run` of this file on plain Node 20) it skips.
if (relaxedSimdSupported()) {
  runBackendConformance({ name: 'wasm relaxed SIMD', create: () => createWasmBackend({ relaxed: true }) });
} else if (process.env.NNET_REQUIRE_RELAXED) {
  describe('wasm relaxed SIMD conformance', () => {
    it('runs where the test script asked for relaxed SIMD', () => {
      expect.fail(
        `Node ${process.versions.node} with execArgv [${process.execArgv.join(' ')}] does not validate relaxed SIMD`,
      );
    });
  });
} else {
  describe('wasm relaxed SIMD conformance', () => {
    it.skip(`skipped: this runtime (Node ${process.versions.node}) does not validate relaxed SIMD; Node 20 needs --experimental-wasm-relaxed-simd (pnpm test passes it)`, () => {});
  });
}
