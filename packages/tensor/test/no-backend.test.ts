// This file deliberately imports no backend package: the registry starts empty.
import { describe, expect, it } from 'vitest';
import { BackendError, getBackend, ready, registerBackend, tensor, zeros } from '../src/index.js';

describe('before any backend is ready', () => {
  it('an op throws a BackendError that says what to call', () => {
    expect(() => zeros([2])).toThrow(BackendError);
    expect(() => tensor([1])).toThrow(/import '@nnet\/backend-cpu'/);
    expect(() => getBackend()).toThrow(/no backend is registered/);
  });

  it('ready() rejects with the same advice', async () => {
    await expect(ready()).rejects.toThrow(/no backend is registered/);
  });

  it('an async backend must be awaited before the first op', () => {
    registerBackend('slow', () => new Promise(() => {}));
    void ready();
    expect(() => zeros([1])).toThrow(/still initialising.*await ready\(\)/);
  });
});
