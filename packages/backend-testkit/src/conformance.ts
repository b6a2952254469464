/**
 * `runBackendConformance`: the vitest suite every backend runs from its own test file.
 */
import type { Backend } from '@nnet/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryDelta } from './compare.js';
import { kernelCases } from './fixtures.js';
import { backendHas, isOptionalKernel, kernelMethod } from './ids.js';
import { runKernelCase } from './kernels.js';
import { formatMatrix, type KernelStatus, mergeStatus } from './matrix.js';
import { missingContract, missingMessage } from './missing.js';
import { runOpConformance } from './op_conformance.js';
import { type ConformanceOptions, kernelTolerance, skipSet } from './options.js';
import { runReferenceConformance } from './references.js';
import { checkFloat32Rounding } from './rounding.js';
import { checkStorage } from './storage.js';

export type { ConformanceOptions } from './options.js';

/**
 * Declares the conformance suite for one backend. Call it at the top level of a vitest file
 * (the example below).
 *
 * First one up-front check that the backend has every storage method and required kernel (a
 * single failure listing everything missing; the cases of a missing kernel are then not run).
 * Kernel level: storage round trips, then every fixture case straight through the contract, with
 * a leak check around each (`backend.memory()` unchanged), and float32 rounding of `fill` and
 * `cast` (for storage wider than float32). Optional kernels the backend lacks are reported as not
 * implemented, not failed. Then every optional-kernel case again through the front end's
 * reference decompositions on the backend's required kernels (`runReferenceConformance`). Op level (unless `ops: false`): `runOpConformance`. Everything is read
 * with `await read()`, so a backend without `readSync` runs every case; nothing is skipped that
 * the caller did not list in `skip`. A failure shows the case's inputs (dtypes, shapes, values).
 * Prints the kernel-support matrix at the end (unless `printMatrix: false`).
 *
 * @example
 * ```ts
 * // test/conformance.test.ts of a backend package
 * import { CpuBackend } from '@nnet/backend-cpu';
 * import { runBackendConformance } from '@nnet/backend-testkit';
 *
 * runBackendConformance({ name: 'cpu', create: () => new CpuBackend(), skip: ['unary.erf'] });
 * ```
 */
export function runBackendConformance(options: ConformanceOptions): void {
  const tol = kernelTolerance(options);
  const skip = skipSet(options.skip);
  const status = new Map<string, KernelStatus>();
  const mark = (id: string, s: KernelStatus) => status.set(id, mergeStatus(status.get(id), s));
  let backend: Backend;

  describe(`backend conformance: ${options.name}`, () => {
    beforeAll(async () => {
      backend = await options.create();
    });

    afterAll(() => {
      backend?.dispose?.();
      if (options.printMatrix ?? true) console.log(formatMatrix(options.name, status));
    });

    it('implements every storage method and required kernel of the contract', () => {
      const missing = missingContract(backend);
      expect(missing, missingMessage(options.name, missing)).toEqual([]);
    });

    describe('storage: alloc, write, read, free, memory()', () => {
      it('storage round trips every dtype', async (ctx) => {
        if (skip.has('storage')) {
          mark('storage', 'skipped');
          ctx.skip();
        }
        const errors = await checkStorage(backend);
        mark('storage', errors.length ? 'fail' : 'pass');
        expect(errors).toEqual([]);
      });
      it('storage.readSync (optional) agrees with read', async (ctx) => {
        if (skip.has('storage.readSync')) {
          mark('storage.readSync', 'skipped');
          ctx.skip();
        }
        if (typeof backend.readSync !== 'function') {
          mark('storage.readSync', 'not-implemented');
          ctx.skip();
        }
        const errors = await checkStorage(backend, true);
        mark('storage.readSync', errors.length ? 'fail' : 'pass');
        expect(errors).toEqual([]);
      });
    });

    describe('kernels against PyTorch fixtures (outputs, untouched inputs, no leaks)', () => {
      for (const c of kernelCases()) {
        it(c.name, async (ctx) => {
          if (skip.has(c.kernel)) {
            mark(c.kernel, 'skipped');
            ctx.skip();
          }
          if (isOptionalKernel(c.kernel) && !backendHas(backend, c.kernel)) {
            mark(c.kernel, 'not-implemented');
            ctx.skip();
          }
          if (!backendHas(backend, c.kernel)) {
            // A missing required kernel fails once, in the up-front check, not once per case.
            mark(c.kernel, 'fail');
            ctx.skip(`required kernel '${kernelMethod(c.kernel)}' is missing (see the contract check)`);
          }
          const before = backend.memory();
          const err = await runKernelCase(backend, c, tol);
          const leak = memoryDelta(before, backend.memory());
          mark(c.kernel, err || leak ? 'fail' : 'pass');
          expect(err, c.name).toBeNull();
          expect(leak, `${c.name}: storages before and after the case`).toBeNull();
        });
      }
    });

    describe('storage wider than float32: fill and cast round to float32', () => {
      for (const kernel of ['fill', 'cast'] as const) {
        it(`${kernel} gives float32 values (tensor([0.1]).eq(0.1) holds)`, async (ctx) => {
          if (skip.has(kernel)) {
            mark(kernel, 'skipped');
            ctx.skip();
          }
          if (!backendHas(backend, kernel) || !backendHas(backend, 'compare')) {
            mark(kernel, 'fail');
            ctx.skip('a required kernel is missing (see the contract check)');
          }
          const err = await checkFloat32Rounding(backend, kernel);
          mark(kernel, err ? 'fail' : 'pass');
          expect(err).toBeNull();
        });
      }
    });

    runReferenceConformance(options, () => backend);

    if (options.ops ?? true) runOpConformance(options);
  });
}
