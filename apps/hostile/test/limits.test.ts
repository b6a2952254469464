/**
 * Storage limits: a backend's declared `maxStorageBytes` is enforced before anything is allocated,
 * and an allocation the backend still fails (RangeError from a typed array, WebAssembly memory that
 * cannot grow) reaches the user as a MemoryError naming the op, never as a JavaScript error.
 */
import {
  type Backend,
  DEFAULT_MAX_STORAGE_BYTES,
  getBackend,
  MAX_STORAGE_ELEMENTS,
  MemoryError,
  memory,
  ones,
  registerBackend,
  removeBackend,
  setBackend,
  tensor,
  zeros,
} from '@nnet/tensor';
import { afterEach, describe, expect, it } from 'vitest';

const backend = process.env.NNET_BACKEND ?? 'cpu';

/** The current backend seen through a proxy that overrides some members (dispose never reaches it). */
async function useWrapped(name: string, overrides: Record<string, unknown>): Promise<void> {
  const real = getBackend();
  registerBackend(name, () => {
    return new Proxy(real, {
      get(target, key, receiver) {
        if (key === 'dispose') return undefined;
        if (typeof key === 'string' && key in overrides) return overrides[key];
        const v = Reflect.get(target, key, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as Backend;
  });
  await setBackend(name);
}

describe(`storage limits (${backend})`, () => {
  afterEach(async () => {
    await setBackend(backend);
    removeBackend('hostile-small');
    removeBackend('hostile-failing');
  });

  it('the defaults are 2^31 - 1 elements and 4 GiB', () => {
    expect(MAX_STORAGE_ELEMENTS).toBe(2 ** 31 - 1);
    expect(DEFAULT_MAX_STORAGE_BYTES).toBe(2 ** 32);
  });

  it("a backend's maxStorageBytes is enforced before alloc is called, naming the op and both numbers", async () => {
    let allocs = 0;
    const real = getBackend();
    await useWrapped('hostile-small', {
      maxStorageBytes: 1024,
      alloc: (dtype: 'float32', size: number) => {
        allocs++;
        return real.alloc(dtype, size);
      },
    });
    expect(ones([256]).size).toBe(256); // exactly 1024 bytes: allowed
    const before = allocs;
    const live = memory().tensors;
    expect(() => zeros([257])).toThrow(MemoryError);
    expect(() => zeros([257])).toThrow(
      /^zeros: a float32 tensor of shape \[257\] needs 1,028 bytes .*1,024 bytes/,
    );
    expect(() => tensor(new Float32Array(300))).toThrow(/^tensor: /);
    expect(allocs).toBe(before); // refused before the backend was asked
    expect(memory().tensors).toBe(live);
    expect(ones([1024], { dtype: 'bool' }).size).toBe(1024); // bool is one byte per element
  });

  it('a backend alloc that throws a RangeError becomes a MemoryError naming the op', async () => {
    await useWrapped('hostile-failing', {
      alloc: () => {
        throw new RangeError('Array buffer allocation failed');
      },
    });
    let err: unknown = null;
    try {
      ones([8, 8]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MemoryError);
    expect((err as Error).message).toMatch(/^ones: backend 'hostile-failing' could not allocate 256 bytes/);
    expect((err as Error).message).toContain('RangeError: Array buffer allocation failed');
  });

  it.runIf(backend === 'wasm')(
    'wasm: a storage its memory cannot grow to is a MemoryError, not a WebAssembly error',
    () => {
      // 2 GiB is within the front end's default limit, but beyond what the wasm memory can grow to.
      let err: unknown = null;
      try {
        zeros([2 ** 29]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MemoryError);
      expect((err as Error).message).toMatch(/^zeros: /);
    },
  );
});
