/**
 * Storage conformance (`storage` and `storage.readSync`): alloc/write/read/free round trips for
 * every dtype, writes at an offset, partial reads, size-0 storages and `memory()` accounting.
 */
import type { Backend, DType, TypedArray } from '@nnet/tensor';
import { identical, memoryDelta } from './compare.js';

const SAMPLES: Readonly<Record<DType, () => TypedArray>> = {
  float32: () =>
    Float32Array.from([
      1.5,
      -0,
      0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      3.4e38,
      1e-45,
    ]),
  int32: () => Int32Array.from([0, -1, 2147483647, -2147483648, 7, 42, -5, 3]),
  bool: () => Uint8Array.from([1, 0, 0, 1, 1, 0, 1, 1]),
};

function expectedType(dtype: DType): string {
  return dtype === 'float32' ? 'Float32Array' : dtype === 'int32' ? 'Int32Array' : 'Uint8Array';
}

/**
 * Checks the storage half of the contract on `backend`; resolves to a list of problems (empty
 * when it conforms). With `sync`, checks `readSync` instead of `read` (the backend must have it).
 *
 * @example
 * ```ts
 * import { CpuBackend } from '@nnet/backend-cpu';
 * import { checkStorage } from '@nnet/backend-testkit';
 *
 * await checkStorage(new CpuBackend());       // []: no problems
 * await checkStorage(new CpuBackend(), true); // the same through readSync
 * ```
 */
export async function checkStorage(backend: Backend, sync = false): Promise<string[]> {
  const errors: string[] = [];
  const read = async (h: unknown, dtype: DType, size: number): Promise<TypedArray> => {
    if (!sync) return backend.read(h, dtype, size);
    if (!backend.readSync) throw new Error('backend has no readSync');
    return backend.readSync(h, dtype, size);
  };
  const start = backend.memory();
  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    const data = SAMPLES[dtype]();
    const before = backend.memory();
    const h = backend.alloc(dtype, data.length);
    const during = backend.memory();
    if (during.storages !== before.storages + 1) {
      errors.push(`${dtype}: alloc changed memory().storages by ${during.storages - before.storages}, not 1`);
    }
    if (!(during.bytes > before.bytes))
      errors.push(`${dtype}: alloc of ${data.length} elements added no bytes`);
    try {
      backend.write(h, data);
      const got = await read(h, dtype, data.length);
      if (got.constructor.name !== expectedType(dtype)) {
        errors.push(`${dtype}: read returned a ${got.constructor.name}, not a ${expectedType(dtype)}`);
      }
      const bad = identical(got, data);
      if (bad) errors.push(`${dtype}: write then read: ${bad}`);
      const part =
        dtype === 'bool'
          ? Uint8Array.from([0, 1])
          : dtype === 'int32'
            ? Int32Array.from([9, 8])
            : Float32Array.from([9, 8]);
      backend.write(h, part, 5);
      const want = data.slice();
      want.set(part, 5);
      const bad2 = identical(await read(h, dtype, data.length), want);
      if (bad2) errors.push(`${dtype}: write at offset 5: ${bad2}`);
      const head = await read(h, dtype, 3);
      const bad3 = identical(head, want.slice(0, 3));
      if (bad3) errors.push(`${dtype}: read of the first 3 elements: ${bad3}`);
      got[0] = 77; // a read returns a fresh array: changing it must not change the storage
      const bad4 = identical(await read(h, dtype, 1), want.slice(0, 1));
      if (bad4) errors.push(`${dtype}: read returned a view of the storage, not a fresh array (${bad4})`);
    } catch (e) {
      errors.push(`${dtype}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      backend.free(h);
    }
    const freed = memoryDelta(before, backend.memory());
    if (freed) errors.push(`${dtype}: after free, ${freed}`);
    const h0 = backend.alloc(dtype, 0);
    try {
      const empty = await read(h0, dtype, 0);
      if (empty.length !== 0)
        errors.push(`${dtype}: read of a size-0 storage returned ${empty.length} elements`);
    } catch (e) {
      errors.push(`${dtype}: size-0 storage: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      backend.free(h0);
    }
  }
  const leak = memoryDelta(start, backend.memory());
  if (leak) errors.push(`storage checks: ${leak}`);
  return errors;
}
