/**
 * The front end's reference decompositions of the optional kernels (`referenceKernels` of
 * @nnet/tensor), checked against the same PyTorch kernel fixtures as a backend's own kernels: run
 * on the required kernels of the backend under test, so a reference bug cannot hide behind a
 * backend that implements the kernel, and a backend's required kernels are shown to carry every
 * reference.
 */
import {
  type Backend,
  getBackendName,
  referenceKernels,
  registerBackend,
  removeBackend,
  setBackend,
} from '@nnet/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryDelta } from './compare.js';
import { kernelCases } from './fixtures.js';
import { isOptionalKernel } from './ids.js';
import { runKernelCase } from './kernels.js';
import { missingContract } from './missing.js';
import { requiredOnly } from './op_conformance.js';
import { type ConformanceOptions, kernelTolerance } from './options.js';

/**
 * A view of `backend` with its storage and required kernels and, as its optional kernels, the
 * reference decompositions. The references compute with front-end ops on the current backend,
 * so register the view and select it (`setBackend`) before calling its optional kernels.
 *
 * @example
 * ```ts
 * import { CpuBackend } from '@nnet/backend-cpu';
 * import { withReferenceKernels } from '@nnet/backend-testkit';
 * import { registerBackend, setBackend } from '@nnet/tensor';
 *
 * const backend = new CpuBackend();
 * registerBackend('refs', () => withReferenceKernels(backend), -1000);
 * await setBackend('refs'); // conv2d and the other optional kernels now run their decompositions
 * ```
 */
export function withReferenceKernels(backend: Backend): Backend {
  return { ...requiredOnly(backend), ...referenceKernels, name: `${backend.name} (reference kernels)` };
}

/**
 * Declares one test per optional-kernel fixture case that runs the case through the reference
 * decompositions on `backend`'s required kernels (see `withReferenceKernels`), with the same
 * checks as a backend's kernel: values, every output written, inputs untouched, nothing leaked.
 * `runBackendConformance` calls it; `backend` is read when the tests run.
 *
 * @example
 * ```ts
 * // test/references.test.ts of a backend package
 * import { CpuBackend } from '@nnet/backend-cpu';
 * import { runReferenceConformance } from '@nnet/backend-testkit';
 *
 * const backend = new CpuBackend();
 * runReferenceConformance({ name: 'cpu' }, () => backend);
 * ```
 */
export function runReferenceConformance(
  options: Pick<ConformanceOptions, 'name' | 'tolerance'>,
  backend: () => Backend,
): void {
  const tol = kernelTolerance(options);
  const registryName = `testkit:${options.name}:reference-kernels`;
  let previous: string | null = null;

  describe(`reference decompositions of the optional kernels on '${options.name}' against PyTorch fixtures`, () => {
    beforeAll(() => {
      previous = getBackendName();
      const view = withReferenceKernels(backend());
      registerBackend(registryName, () => view, -1000);
    });

    afterAll(async () => {
      removeBackend(registryName);
      if (previous) await setBackend(previous).catch(() => undefined);
    });

    for (const c of kernelCases().filter((k) => isOptionalKernel(k.kernel))) {
      it(`reference ${c.name}`, async (ctx) => {
        if (missingContract(backend()).length) ctx.skip('the backend lacks required kernels');
        await setBackend(registryName);
        const before = backend().memory();
        const err = await runKernelCase(withReferenceKernels(backend()), c, tol);
        expect(err, `reference ${c.name}`).toBeNull();
        expect(memoryDelta(before, backend().memory()), `reference ${c.name}: storages`).toBeNull();
      });
    }
  });
}
