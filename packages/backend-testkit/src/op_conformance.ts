/**
 * `runOpConformance`: front-end ops with autograd on the backend under test, twice: once with
 * everything the backend implements, once with its optional kernels hidden, so the front end's
 * reference decompositions (conv2d = unfold + matmul, ...) run on its required kernels.
 */
import {
  type Backend,
  getBackendName,
  memory,
  REQUIRED_KERNELS,
  registerBackend,
  removeBackend,
  setBackend,
} from '@nnet/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryDelta } from './compare.js';
import { opCases } from './fixtures.js';
import { missingContract, STORAGE_METHODS } from './missing.js';
import { checkOpAgainstFixture, checkOpFiniteDifferences } from './ops.js';
import { type ConformanceOptions, opTolerance, skipSet } from './options.js';

/**
 * A view of `backend` with only its storage and required kernels: the front end sees no optional
 * kernel and uses its reference decompositions. Shares the backend's storage (and handles).
 *
 * @example
 * ```ts
 * import { CpuBackend } from '@nnet/backend-cpu';
 * import { requiredOnly } from '@nnet/backend-testkit';
 *
 * const view = requiredOnly(new CpuBackend());
 * typeof view.conv2d; // 'undefined': the front end decomposes conv2d on this view
 * ```
 */
export function requiredOnly(backend: Backend): Backend {
  const src = backend as unknown as Record<string, unknown>;
  const view: Record<string, unknown> = { name: `${backend.name} (required kernels only)` };
  for (const m of [...STORAGE_METHODS, 'readSync', ...REQUIRED_KERNELS]) {
    const f = src[m];
    if (typeof f === 'function') view[m] = (f as (...a: unknown[]) => unknown).bind(backend);
  }
  return view as unknown as Backend;
}

/**
 * Options of `runOpConformance`: `name`, `create`, `skip` and `tolerance` as in
 * `ConformanceOptions`, plus whether to rerun every case with only the required kernels.
 *
 * @example
 * ```ts
 * runOpConformance({ name: 'cpu', create: () => new CpuBackend(), requiredOnly: false });
 * ```
 */
export type OpConformanceOptions = Pick<ConformanceOptions, 'name' | 'create' | 'skip' | 'tolerance'> & {
  /** Also run every case with the optional kernels hidden (default true). */
  requiredOnly?: boolean;
};

/**
 * Declares the op-level suite: for every op case of `fixtures/ops.json`, forward values and the
 * gradients of sum(op(x) · W) against PyTorch (float64), the gradients against central finite
 * differences, and no tensor or storage left behind (`memory()` and `backend.memory()`).
 * `runBackendConformance` calls it unless `ops: false`; call it alone to test only the front end.
 * Each case's synchronous part runs in `tidy` and its results are read with `await data()`, so
 * every case runs on a backend without `readSync` too; only the caller's `skip` list skips one.
 *
 * @example
 * ```ts
 * // test/ops.test.ts of a backend package
 * import { CpuBackend } from '@nnet/backend-cpu';
 * import { runOpConformance } from '@nnet/backend-testkit';
 *
 * runOpConformance({ name: 'cpu', create: () => new CpuBackend() });
 * ```
 */
export function runOpConformance(options: OpConformanceOptions): void {
  const tol = opTolerance(options);
  const skip = skipSet(options.skip);
  const full = `testkit:${options.name}`;
  const reduced = `testkit:${options.name}:required-only`;
  let backend: Backend;
  let previous: string | null = null;

  describe(`front-end ops on '${options.name}': values and gradients vs PyTorch, finite differences, no leaks`, () => {
    beforeAll(async () => {
      previous = getBackendName();
      backend = await options.create();
      registerBackend(full, () => backend, -1000);
      registerBackend(reduced, () => requiredOnly(backend), -1000);
    });

    afterAll(async () => {
      removeBackend(reduced);
      removeBackend(full); // disposes the backend
      if (previous) await setBackend(previous).catch(() => undefined);
    });

    const variants = options.requiredOnly === false ? [full] : [full, reduced];
    for (const registryName of variants) {
      const title = registryName === full ? 'with its optional kernels' : 'with required kernels only';
      describe(title, () => {
        for (const c of opCases()) {
          it(c.name, async (ctx) => {
            if (skip.has(`op:${c.op}`) || skip.has(`op:${c.name}`)) ctx.skip();
            // A backend missing required kernels fails once, in the contract check.
            if (missingContract(backend).length) ctx.skip('the backend lacks required kernels');
            await setBackend(registryName);
            const before = memory();
            const storagesBefore = backend.memory();
            expect(await checkOpAgainstFixture(c, tol), `${c.name} vs PyTorch`).toBeNull();
            expect(await checkOpFiniteDifferences(c), `${c.name} vs finite differences`).toBeNull();
            expect(memory(), `${c.name} left tensors behind`).toEqual(before);
            expect(memoryDelta(storagesBefore, backend.memory()), `${c.name}: backend storages`).toBeNull();
          });
        }
      });
    }
  });
}
