/**
 * The backends a package's tests run on, chosen by NNET_BACKEND: 'cpu' (default), 'wasm' and
 * 'cpu-async' (the CPU backend without `readSync`, see `asyncOnly`).
 */
import { CpuBackend } from '@nnet/backend-cpu';
import { getBackend, registerBackend, setBackend } from '@nnet/tensor';
import { asyncOnly } from './async_backend.js';

export const TEST_BACKENDS = ['cpu', 'wasm', 'cpu-async'] as const;
export type TestBackend = (typeof TEST_BACKENDS)[number];

/** Registers `'cpu-async'`: a fresh CPU backend behind `asyncOnly` (priority -1: never a default). */
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
  if (name === 'wasm') await import('@nnet/backend-wasm');
  if (name === 'cpu-async') registerCpuAsync();
  await setBackend(name);
  return name as TestBackend;
}

/**
 * True when the current backend reads synchronously (cpu, wasm; not cpu-async): for the few tests
 * of APIs that are synchronous by design (`train()`, `encodeSafetensors`).
 *
 *   it.runIf(readsSynchronously())('train() ...', () => { ... });
 */
export function readsSynchronously(): boolean {
  return typeof getBackend().readSync === 'function';
}
