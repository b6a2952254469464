// The registry's selection rule (registry.ts): validation of every required kernel, what an op does
// before `ready()` when backends of different priorities initialise, failures passed over.
import { CpuBackend } from '@nnet/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Backend,
  BackendError,
  getBackendName,
  listBackends,
  ready,
  registerBackend,
  removeBackend,
  setBackend,
  zeros,
} from '../src/index.js';

/** A backend object that lacks the named methods. */
function without(...names: string[]): Backend {
  const b = new CpuBackend() as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { name: 'partial' };
  for (const k of [...Object.getOwnPropertyNames(Object.getPrototypeOf(b)), ...Object.keys(b)]) {
    if (k === 'constructor' || names.includes(k)) continue;
    const v = b[k];
    out[k] = typeof v === 'function' ? v.bind(b) : v;
  }
  return out as unknown as Backend;
}

describe('the backend registry', () => {
  // Importing CpuBackend registers 'cpu'; these tests register their own backends instead.
  beforeAll(() => removeBackend('cpu'));

  it('validates every required method when the backend is made, listing all that are missing', async () => {
    registerBackend('partial', () => without('reduce', 'gather', 'read'));
    const err = await setBackend('partial').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(String(err)).toMatch(/lacks 3 required method\(s\): read, reduce, gather/);
    removeBackend('partial');
  });

  it('names what is registered for an unknown name, without inventing a package', async () => {
    registerBackend('cpu-a', () => new CpuBackend(), -5);
    const err = String(await setBackend('gpu').catch((e: unknown) => e));
    expect(err).toMatch(/no backend named 'gpu' is registered \(registered: .*cpu-a/);
    expect(err).not.toMatch(/@nnet\/backend-gpu/);
    removeBackend('cpu-a');
  });

  it('an op before ready() never binds a lower-priority backend while a better one initialises', async () => {
    let resolve!: (b: Backend) => void;
    registerBackend('sync-low', () => new CpuBackend(), 1);
    registerBackend('async-high', () => new Promise<Backend>((r) => (resolve = r)), 5);
    expect(() => zeros([1])).toThrow(/backend 'async-high' .* is still initialising.*await ready\(\)/);
    const whenReady = ready();
    resolve(new CpuBackend());
    await whenReady;
    expect(getBackendName()).toBe('async-high');
    expect(zeros([2]).backend).toBe('async-high');
    removeBackend('async-high');
    removeBackend('sync-low');
  });

  it('ready() passes over a backend that fails to initialise and reports every failure when none is left', async () => {
    registerBackend('broken', () => Promise.reject(new Error('no adapter')), 9);
    registerBackend('works', () => new CpuBackend(), 2);
    await ready();
    expect(getBackendName()).toBe('works');
    removeBackend('works');
    expect(listBackends()).toEqual(['broken']);
    await expect(ready()).rejects.toThrow(/no registered backend could initialise \(broken: no adapter\)/);
    expect(() => zeros([1])).toThrow(/broken: no adapter/);
    removeBackend('broken');
  });

  it('tells the factory whether it was asked for by name (a software adapter only on request)', async () => {
    const calls: boolean[] = [];
    registerBackend(
      'only-by-name',
      ({ requested }) => {
        calls.push(requested);
        if (!requested) throw new BackendError('only a software adapter; ask for it by name');
        return new CpuBackend();
      },
      20,
    );
    registerBackend('fallback', () => new CpuBackend(), 1);
    await ready();
    expect(getBackendName()).toBe('fallback');
    await setBackend('only-by-name');
    expect(getBackendName()).toBe('only-by-name');
    expect(calls).toEqual([false, true]);
    removeBackend('only-by-name');
    removeBackend('fallback');
  });
});
