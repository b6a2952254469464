/** Checks every package's suite runs once, in its own test file, with one call. */
import { getBackendName, tensor } from '@nnet/tensor';
import { expect, it } from 'vitest';

/**
 * Adds the test that the suite runs on the backend NNET_BACKEND names ('cpu' when unset): the
 * current backend's name and a new tensor's backend are that name. A package's
 * `test/backend.test.ts` is this one call, so a setup file that selects the wrong backend (or
 * none) fails the suite instead of silently testing 'cpu' twice.
 *
 * @example
 * ```ts
 * // packages/<pkg>/test/backend.test.ts
 * import { itRunsOnTheSelectedBackend } from '@nnet/test-utils';
 * itRunsOnTheSelectedBackend();
 * ```
 */
export function itRunsOnTheSelectedBackend(): void {
  it('runs on the backend NNET_BACKEND names (cpu by default)', () => {
    const want = process.env.NNET_BACKEND ?? 'cpu';
    expect(getBackendName()).toBe(want);
    expect(tensor([1]).backend).toBe(want);
  });
}
