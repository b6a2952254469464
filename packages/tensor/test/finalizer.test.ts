// Tensors the program drops without dispose() are freed when the garbage collector collects them
// (the FinalizationRegistry in tensor.ts), with their autograd graph; tensors a scope disposed are
// not reported as leaks. The collector is driven through V8's gc().
import '@nnet/test-utils/setup';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  keep,
  type MemoryInfo,
  memory,
  setAutoFree,
  setDebugLeaks,
  type Tensor,
  tensor,
  tidy,
} from '../src/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage until `done()` holds (finalizers run in later tasks), at most `rounds` times. */
async function collectUntil(done: () => boolean, rounds = 50): Promise<boolean> {
  for (let i = 0; i < rounds && !done(); i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return done();
}

const counts = (m: MemoryInfo) => ({ tensors: m.tensors, storages: m.storages, bytes: m.bytes });

describe('tensors dropped without dispose()', () => {
  afterEach(() => {
    setDebugLeaks(false);
    setAutoFree(true);
    vi.restoreAllMocks();
  });

  it('a tensor kept out of a tidy and then dropped is freed by the garbage collector, with its graph', async () => {
    const w = keep(tensor([1, -2, 3], { requiresGrad: true }));
    const before = counts(memory());
    // Made in a function so that no local of this test holds the tensor.
    (() => {
      const y: Tensor = tidy(() => keep(w.mul(2).relu()));
      expect(y.requiresGrad).toBe(true);
    })();
    expect(counts(memory())).not.toEqual(before);
    expect(await collectUntil(() => memory().storages === before.storages)).toBe(true);
    expect(counts(memory())).toEqual(before);
    w.dispose();
  });

  it('setDebugLeaks reports a collected tensor, never one a tidy disposed', async () => {
    setDebugLeaks(true);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const before = memory().storages;
    (() => {
      tidy(() => {
        tensor([1, 2]).add(1);
      });
    })();
    expect(await collectUntil(() => false, 5)).toBe(false);
    expect(warn).not.toHaveBeenCalled();
    (() => {
      tidy(() => keep(tensor([1, 2])));
    })();
    expect(await collectUntil(() => warn.mock.calls.length > 0)).toBe(true);
    expect(String(warn.mock.calls[0][0])).toMatch(/garbage-collected without dispose\(\)/);
    expect(memory().storages).toBe(before);
  });

  it('with setAutoFree(false), a loose tensor the program drops is freed by the garbage collector', async () => {
    setAutoFree(false);
    const before = counts(memory());
    (() => {
      tensor([1, 2, 3]).mul(2);
    })();
    expect(memory().tensors).toBe(before.tensors + 2);
    expect(await collectUntil(() => memory().storages === before.storages)).toBe(true);
    expect(counts(memory())).toEqual(before);
  });
});
