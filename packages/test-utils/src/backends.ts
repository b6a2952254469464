/**
 * The backends a package's tests run on, chosen by NNET_BACKEND: 'cpu' (default), 'wasm',
 * 'cpu-async' (the CPU backend without `readSync`, see `asyncOnly`) and 'webgpu' (any adapter, a
 * software one such as lavapipe included).
 *
 * Only backend-cpu and tensor are imported by name, so the packages that test-utils cannot be a
 * dependency of (tensor, whose vitest config and tsconfig point `@nnet/test-utils/setup` at this
 * source) load and typecheck it without the other backends built.
 */
import { CpuBackend } from '@nnet/backend-cpu';
import { getBackend, registerBackend, setBackend } from '@nnet/tensor';
import { asyncOnly } from './async_backend.js';

const WASM_PACKAGE = '@nnet/backend-wasm';
const WEBGPU_PACKAGE = '@nnet/backend-webgpu';

/**
 * The backends NNET_BACKEND may name, in the order CI runs them.
 *
 * @example
 * ```ts
 * for (const name of TEST_BACKENDS) console.log(`NNET_BACKEND=${name} pnpm test`);
 * ```
 */
export const TEST_BACKENDS = ['cpu', 'wasm', 'cpu-async', 'webgpu'] as const;
/**
 * One of {@link TEST_BACKENDS}: `'cpu' | 'wasm' | 'cpu-async' | 'webgpu'`.
 *
 * @example
 * ```ts
 * const name: TestBackend = await useTestBackend(process.env.NNET_BACKEND ?? 'cpu');
 * ```
 */
export type TestBackend = (typeof TEST_BACKENDS)[number];

/**
 * Registers `'cpu-async'`: a fresh CPU backend behind `asyncOnly` (priority -1: never a default).
 *
 * @example
 * ```ts
 * registerCpuAsync();
 * await setBackend('cpu-async'); // tensors read only through `await data()` from here on
 * ```
 */
export function registerCpuAsync(): void {
  registerBackend('cpu-async', () => asyncOnly(new CpuBackend(), 'cpu-async'), -1);
}

/**
 * Registers and selects the backend `name` names (NNET_BACKEND in the setup file).
 *
 *   await useTestBackend(process.env.NNET_BACKEND ?? 'cpu');
 */
export async function useTestBackend(name: string): Promise<TestBackend> {
  if (!(TEST_BACKENDS as readonly string[]).includes(name)) {
    throw new Error(`NNET_BACKEND='${name}' is not a test backend; use one of ${TEST_BACKENDS.join(', ')}.`);
  }
  // Named through variables: typechecking this file never needs those packages' builds.
  if (name === 'wasm') await import(WASM_PACKAGE);
  if (name === 'cpu-async') registerCpuAsync();
  // Registers 'webgpu'; selected by name, it takes a software adapter (lavapipe) too.
  if (name === 'webgpu') await import(WEBGPU_PACKAGE);
  await setBackend(name);
  return name as TestBackend;
}

/**
 * True when the current backend reads synchronously (cpu, wasm; not cpu-async or webgpu): for the few tests
 * of APIs that are synchronous by design (`train()`, `encodeSafetensors`).
 *
 *   it.runIf(readsSynchronously())('train() ...', () => { ... });
 */
export function readsSynchronously(): boolean {
  return typeof getBackend().readSync === 'function';
}
