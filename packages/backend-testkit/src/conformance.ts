/**
 * `runBackendConformance`: the vitest suite every backend runs from its own test file.
 */
import { type Backend, memory, registerBackend, setBackend } from '@nnet/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOLERANCE, type Tolerance } from './compare.js';
import { kernelCases, opCases } from './fixtures.js';
import { isOptional, kernelMethod, runKernelCase } from './kernels.js';
import { formatMatrix, type KernelStatus } from './matrix.js';
import { checkOpAgainstFixture, checkOpFiniteDifferences } from './ops.js';

export interface ConformanceOptions {
  /** Name shown in the suite title and the support matrix. */
  name: string;
  /** Makes a fresh backend (may be async, e.g. WASM instantiation). */
  create: () => Backend | Promise<Backend>;
  /** Stable kernel ids to skip ('unary.erf', 'conv2d', ...), or op names prefixed 'op:'. */
  skip?: readonly string[];
  /** Tolerances for float32 values (defaults rtol 1e-4, atol 1e-5; ops use 2x rtol, 10x atol). */
  tolerance?: Partial<Tolerance>;
  /** Print the kernel-support matrix after the suite (default true). */
  printMatrix?: boolean;
}

/**
 * Declares the conformance suite for one backend. Call it at the top level of a test file:
 *
 *   import { runBackendConformance } from '@nnet/backend-testkit';
 *   runBackendConformance({ name: 'cpu', create: () => new CpuBackend() });
 */
export function runBackendConformance(options: ConformanceOptions): void {
  const tol: Tolerance = { ...DEFAULT_TOLERANCE, ...options.tolerance };
  const opTol: Tolerance = { rtol: tol.rtol * 2, atol: tol.atol * 10 };
  const skip = new Set(options.skip ?? []);
  const status = new Map<string, KernelStatus>();
  const mark = (id: string, s: KernelStatus) => {
    const prev = status.get(id);
    if (prev === 'fail') return;
    if (s === 'fail' || !prev || prev === 'pass') status.set(id, s);
  };
  const registryName = `conformance:${options.name}`;
  let backend: Backend;

  describe(`backend conformance: ${options.name}`, () => {
    beforeAll(async () => {
      backend = await options.create();
      registerBackend(registryName, () => backend, -1000);
      await setBackend(registryName);
    });

    afterAll(() => {
      if (options.printMatrix ?? true) console.log(formatMatrix(options.name, status));
    });

    describe('kernels against PyTorch fixtures (with a leak check)', () => {
      for (const c of kernelCases()) {
        it(c.name, async (ctx) => {
          if (skip.has(c.kernel)) {
            mark(c.kernel, 'skipped');
            ctx.skip();
          }
          if (
            isOptional(c.kernel) &&
            typeof (backend as unknown as Record<string, unknown>)[kernelMethod(c.kernel)] !== 'function'
          ) {
            mark(c.kernel, 'reference');
            ctx.skip();
          }
          const before = backend.memory();
          let err: string | null;
          try {
            err = await runKernelCase(backend, c, tol);
          } catch (e) {
            err = `threw: ${e instanceof Error ? e.message : String(e)}`;
          }
          mark(c.kernel, err ? 'fail' : 'pass');
          expect(err, c.name).toBeNull();
          expect(backend.memory(), `${c.name} leaked a storage`).toEqual(before);
        });
      }
    });

    describe('ops: values and gradients against PyTorch, finite differences, no leaks', () => {
      for (const c of opCases()) {
        it(`${c.op}`, async (ctx) => {
          if (skip.has(`op:${c.op}`)) ctx.skip();
          await setBackend(registryName);
          const before = memory();
          expect(checkOpAgainstFixture(c, opTol), `${c.op} vs PyTorch`).toBeNull();
          expect(checkOpFiniteDifferences(c), `${c.op} vs finite differences`).toBeNull();
          expect(memory(), `${c.op} left tensors behind`).toEqual(before);
        });
      }
    });
  });
}
