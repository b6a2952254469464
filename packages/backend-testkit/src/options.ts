/** The options of `runBackendConformance` / `runOpConformance`, and their validation. */
import type { Backend } from '@nnet/tensor';
import { DEFAULT_TOLERANCE, type Tolerance } from './compare.js';
import { opCases } from './fixtures.js';
import { KERNEL_IDS, STORAGE_IDS } from './ids.js';

/**
 * The options of `runBackendConformance` (and, in part, `runOpConformance`): the backend under
 * test, what to skip, the float tolerance, and which parts to run.
 *
 * @example
 * ```ts
 * runBackendConformance({ name: 'wasm', create: () => createWasmBackend(), skip: ['op:conv2d'] });
 * ```
 */
export interface ConformanceOptions {
  /** Name shown in the suite titles and the support matrix. */
  name: string;
  /** Makes a fresh backend (may be async, e.g. WASM instantiation). Called once per suite. */
  create: () => Backend | Promise<Backend>;
  /**
   * What not to run: kernel ids ('unary.erf', 'conv2d', 'storage.readSync', ...) and front-end
   * op cases as 'op:<op>' (every case of that op, e.g. 'op:conv2d') or 'op:<case name>'.
   * An id the testkit does not know throws, so a typo cannot silently skip nothing.
   */
  skip?: readonly string[];
  /** Tolerance for float32 kernel values (default rtol 1e-4, atol 1e-5); op cases use 2x rtol, 10x atol. */
  tolerance?: {
    /** Relative tolerance: accepts |got − want| <= atol + rtol·|want|; default 1e-4. */
    rtol?: number;
    /** Absolute tolerance (same rule); default 1e-5. */
    atol?: number;
  };
  /** Print the kernel-support matrix after the suite (default true). */
  printMatrix?: boolean;
  /**
   * Run the op-level part (front-end ops with autograd on this backend, `runOpConformance`) as
   * well as the kernel-level part. Default true.
   */
  ops?: boolean;
}

export function kernelTolerance(options: Pick<ConformanceOptions, 'tolerance'>): Tolerance {
  return {
    rtol: options.tolerance?.rtol ?? DEFAULT_TOLERANCE.rtol,
    atol: options.tolerance?.atol ?? DEFAULT_TOLERANCE.atol,
  };
}

export function opTolerance(options: Pick<ConformanceOptions, 'tolerance'>): Tolerance {
  const t = kernelTolerance(options);
  return { rtol: t.rtol * 2, atol: t.atol * 10 };
}

/** The skip list as a set; throws on an id that names no kernel, storage check or op case. */
export function skipSet(skip: readonly string[] | undefined): Set<string> {
  const known = new Set<string>([...KERNEL_IDS, ...STORAGE_IDS]);
  for (const c of opCases()) {
    known.add(`op:${c.op}`);
    known.add(`op:${c.name}`);
  }
  const unknown = (skip ?? []).filter((id) => !known.has(id));
  if (unknown.length) {
    throw new Error(
      `runBackendConformance: unknown skip id(s) ${unknown.map((s) => `'${s}'`).join(', ')}. ` +
        `Kernel ids: ${[...STORAGE_IDS, ...KERNEL_IDS].join(', ')}; op cases: 'op:<op>' or 'op:<case name>'.`,
    );
  }
  return new Set(skip ?? []);
}
