/**
 * The vitest config every library package shares: the backend setup file. A package's
 * `vitest.config.ts` is `export { default } from '@nnet/test-utils/vitest';`, and its test script
 * runs vitest once per backend (NNET_BACKEND=wasm, NNET_BACKEND=cpu-async).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The shared vitest config: the setup file that selects NNET_BACKEND's backend.
 *
 * @example
 * ```ts
 * // packages/<pkg>/vitest.config.ts
 * export { default } from '@nnet/test-utils/vitest';
 * ```
 */
export default defineConfig({
  test: { setupFiles: [fileURLToPath(new URL('./setup.js', import.meta.url))] },
});
