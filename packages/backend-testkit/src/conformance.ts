/**
 * `runBackendConformance`: the vitest suite every backend runs from its own test file.
 */
import type { Backend } from '@nnet/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryDelta } from './compare.js';
import { kernelCases } from './fixtures.js';
import { backendHas, isOptionalKernel } from './ids.js';
import { runKernelCase } from './kernels.js';
import { formatMatrix, type KernelStatus, mergeStatus } from './matrix.js';
import { runOpConformance } from './op_conformance.js';
import { type ConformanceOptions, kernelTolerance, skipSet } from './options.js';
import { checkStorage } from './storage.js';

export type { ConformanceOptions } from './options.js';

/**
 * Declares the conformance suite for one backend. Call it at the top level of a vitest file:
 *
 *   import { runBackendConformance } from '@nnet/backend-testkit';
 *   runBackendConformance({ name: 'cpu', create: () => new CpuBackend(), skip: ['unary.erf'] });
 *
 * Kernel level: storage round trips, then every fixture case straight through the contract, with
 * a leak check around each (`backend.memory()` unchanged). Optional kernels the backend lacks are
 * reported as not implemented, not failed. Op level (unless `ops: false`): `runOpConformance`.
 * Prints the kernel-support matrix at the end (unless `printMatrix: false`).
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
          const before = backend.memory();
          const err = await runKernelCase(backend, c, tol);
          const leak = memoryDelta(before, backend.memory());
          mark(c.kernel, err || leak ? 'fail' : 'pass');
          expect(err, c.name).toBeNull();
          expect(leak, `${c.name}: storages before and after the case`).toBeNull();
        });
      }
    });

    if (options.ops ?? true) runOpConformance(options);
  });
}
