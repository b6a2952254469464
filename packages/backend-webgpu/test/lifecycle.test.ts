/**
 * A backend's life: created and disposed at once (as a probe for WebGPU does), several in a row,
 * with the garbage collector run in between. Dawn's Node binding frees its native instance when
 * the `GPU` object is collected while devices made from it still poll that instance; a backend
 * that let go of its `GPU` in dispose() made this file's process abort
 * ("std::system_error: Invalid argument"), segfault or hang, so a regression fails the run.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BackendError, registerBackend, removeBackend, setBackend, tensor } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { createWebGpuBackend, DeviceLostError, type WebGpuBackend } from '../src/index.js';
import { tryBackend } from './adapter.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Two full collections with a macrotask between, so Dawn's setImmediate poll runs after each. */
async function collect(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const probe = await tryBackend();
const first = 'backend' in probe ? probe.backend : null;
// Disposed at once, as code that only checks for WebGPU does.
first?.dispose();
await collect();

/** A fresh backend made the current one under `name`. */
async function current(name: string): Promise<WebGpuBackend> {
  const b = await createWebGpuBackend({ allowSoftware: true });
  registerBackend(name, () => b, -1);
  await setBackend(name);
  return b;
}

describe.skipIf(first === null)('backend lifetime', () => {
  it('creating and disposing backends in a row, collecting garbage between, leaves the process running', async () => {
    for (let i = 0; i < 2; i++) {
      const b = await createWebGpuBackend({ allowSoftware: true });
      b.dispose();
      await collect();
    }
    // A backend dropped without dispose (its device still live) is collected as well.
    await createWebGpuBackend({ allowSoftware: true });
    await collect();
    const b = await current('lifecycle-after');
    expect(Array.from(await tensor([1, 2, 3]).mul(2).sum().data())).toEqual([12]);
    expect(b.gpu).toBe(first?.gpu); // one GPU object per process, never let go
    b.dispose();
    removeBackend('lifecycle-after');
    await collect();
  });

  it('a disposed backend throws DeviceLostError (a BackendError) naming the call, and dispose again is a no-op', async () => {
    const b = first!;
    const calls: [string, () => unknown][] = [
      ['alloc', () => b.alloc('float32', 4)],
      ['flush', () => b.flush()],
    ];
    for (const [op, call] of calls) {
      let err: unknown;
      try {
        call();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DeviceLostError);
      expect(err).toBeInstanceOf(BackendError);
      expect((err as Error).message).toMatch(new RegExp(`^webgpu\\.${op}: .*the backend was disposed`));
    }
    expect(() => b.dispose()).not.toThrow();
    await expect(b.lost).resolves.toMatch(/disposed|destroyed/);
  });

  it('a tensor of a disposed backend: data() rejects with DeviceLostError, also for a read already in flight', async () => {
    const b = await current('lifecycle-tensors');
    const x = tensor([1, 2, 3, 4]);
    const inFlight = x.add(1).data();
    b.dispose();
    await expect(inFlight).rejects.toThrow(DeviceLostError);
    await expect(x.data()).rejects.toThrow(/webgpu\.read: .*the backend was disposed/);
    removeBackend('lifecycle-tensors');
    await collect();
  });
});
