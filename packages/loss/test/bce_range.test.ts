/**
 * bce's range check on its probabilities: PyTorch raises for p outside [0, 1], and so does bce by
 * default on backends that read synchronously (cpu, wasm). `setDebug({ checkValues: false })`
 * switches the check off, and a backend without readSync never runs it: then nothing is read and an
 * out-of-range element's loss is NaN, never a finite value.
 */
import { getBackend, setDebug, type Tensor, tensor, ValueError } from '@nnet/tensor';
import { readItem, readsSynchronously, values } from '@nnet/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bce } from '../src/index.js';

const BAD = [1.5, -0.25, Number.NaN, 1e6];

/** Each bad p gives a NaN loss (mean and per element) and the good element its finite loss. */
async function expectNaNPerElement(readsDuringLoss: () => number): Promise<void> {
  for (const p of BAD) {
    const before = readsDuringLoss();
    const loss: Tensor = bce(tensor([0.5, p]), tensor([1, 0]));
    const each = bce(tensor([0.5, p]), tensor([1, 1]), { reduction: 'none' });
    expect(readsDuringLoss() - before, `bce read back for p = ${p}`).toBe(0);
    expect(await readItem(loss)).toBeNaN();
    const [ok, bad] = await values(each);
    expect(ok).toBeCloseTo(Math.LN2, 6);
    expect(bad).toBeNaN();
  }
}

describe('bce with probabilities outside [0, 1]', () => {
  afterEach(() => {
    setDebug({ checkValues: true });
    vi.restoreAllMocks();
  });

  it.runIf(readsSynchronously())('by default throws a ValueError as PyTorch does', () => {
    for (const p of [1.0001, -0.0001, Number.NaN, ...BAD]) {
      expect(() => bce(tensor([0.5, p]), tensor([1, 0])), `p = ${p}`).toThrow(ValueError);
    }
    expect(() => bce(tensor([0.5, 2]), tensor([1, 0]))).toThrow(
      /^bce: all elements of input should be between 0 and 1/,
    );
    // In range, including the ends: no error.
    expect(() => bce(tensor([0, 1, 0.5]), tensor([0, 1, 1]))).not.toThrow();
  });

  it.runIf(readsSynchronously())(
    'with setDebug({ checkValues: false }) reads nothing back and gives NaN for each bad element',
    async () => {
      const backend = getBackend();
      const spy = vi.spyOn(backend as Required<typeof backend>, 'readSync');
      setDebug({ checkValues: false });
      await expectNaNPerElement(() => spy.mock.calls.length);
    },
  );

  it.skipIf(readsSynchronously())(
    'on a backend without readSync reads nothing back and gives NaN for each bad element',
    async () => {
      const spy = vi.spyOn(getBackend(), 'read');
      await expectNaNPerElement(() => spy.mock.calls.length);
    },
  );
});
