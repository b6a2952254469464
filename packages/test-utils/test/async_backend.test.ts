import { CpuBackend } from '@nnet/backend-cpu';
import { BackendError, registerBackend, setBackend, tensor } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { asyncOnly, readArray, readItem, values } from '../src/index.js';

describe('asyncOnly', () => {
  it('has no readSync, so dataSync throws and await data() works', async () => {
    registerBackend('async-check', () => asyncOnly(new CpuBackend(), 'async-check'), -1);
    const b = await setBackend('async-check');
    expect(b.readSync).toBeUndefined();
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(() => t.dataSync()).toThrow(BackendError);
    expect(await values(t)).toEqual([1, 2, 3, 4]);
    expect(await readArray(t)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(await readItem(t.sum())).toBe(10);
  });

  it('reads the values at call time but resolves on a later turn of the event loop', async () => {
    const inner = new CpuBackend();
    const b = asyncOnly(inner);
    const h = b.alloc('float32', 2);
    b.write(h, Float32Array.of(1, 2));
    let resolved = false;
    const pending = b.read(h, 'float32', 2).then((v) => {
      resolved = true;
      return v;
    });
    b.write(h, Float32Array.of(7, 8)); // a later write does not change what was read
    await Promise.resolve();
    expect(resolved).toBe(false);
    expect(Array.from(await pending)).toEqual([1, 2]);
    b.free(h);
    expect(b.memory()).toMatchObject({ storages: 0, bytes: 0 }); // the cpu backend under it may keep freed arrays (reserved)
  });
});
