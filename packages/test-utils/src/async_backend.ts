/**
 * `asyncOnly`: a view of a backend without `readSync`, so everything above it must read with
 * `await t.data()` — the situation of a GPU backend, reproduced on the CPU. Registered by the test
 * setup as `'cpu-async'` (NNET_BACKEND=cpu-async).
 */
import { type Backend, type DType, OPTIONAL_KERNELS, REQUIRED_KERNELS, type TypedArray } from '@nnet/tensor';

const FORWARDED = ['alloc', 'free', 'write', 'memory', 'dispose', ...REQUIRED_KERNELS, ...OPTIONAL_KERNELS];

/** Resolves on a later turn of the event loop (a macrotask), as a GPU read's mapping does. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Wraps `inner`: every storage method and kernel it has is forwarded, `readSync` is absent and
 * `read` copies the values at call time (like a read queued after the kernels before it) but
 * resolves only on a later turn of the event loop, so a caller that forgets to await sees a
 * Promise, not numbers.
 *
 *   registerBackend('cpu-async', () => asyncOnly(new CpuBackend(), 'cpu-async'));
 */
export function asyncOnly(inner: Backend, name = `${inner.name}-async`): Backend {
  const src = inner as unknown as Record<string, unknown>;
  const view: Record<string, unknown> = { name };
  for (const m of FORWARDED) {
    const f = src[m];
    if (typeof f === 'function') view[m] = (f as (...a: unknown[]) => unknown).bind(inner);
  }
  view.read = async (handle: unknown, dtype: DType, size: number): Promise<TypedArray> => {
    const data = await inner.read(handle, dtype, size);
    await nextTurn();
    return data;
  };
  return view as unknown as Backend;
}
