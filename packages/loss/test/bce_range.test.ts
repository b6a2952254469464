/**
 * bce's range check on its probabilities: PyTorch raises for p outside [0, 1]; the check needs a
 * synchronous read, so it runs only in anomaly mode. Without it nothing is read and an
 * out-of-range element's loss is NaN, never a finite value.
 */
import { getBackend, setDebug, tensor, ValueError } from '@nnet/tensor';
import { readItem, readsSynchronously, values } from '@nnet/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bce } from '../src/index.js';

describe('bce with probabilities outside [0, 1]', () => {
  afterEach(() => {
    setDebug({ detectAnomaly: false });
    vi.restoreAllMocks();
  });

  it('by default reads nothing back and gives NaN (for each bad element), never a finite loss', async () => {
    const backend = getBackend();
    const spy = typeof backend.readSync === 'function' ? vi.spyOn(backend, 'readSync') : null;
    for (const p of [1.5, -0.25, Number.NaN, 1e6]) {
      const loss = bce(tensor([0.5, p]), tensor([1, 0]));
      if (spy) expect(spy, `bce read back for p = ${p}`).not.toHaveBeenCalled();
      expect(await readItem(loss)).toBeNaN();
      const each = bce(tensor([0.5, p]), tensor([1, 1]), { reduction: 'none' });
      const [ok, bad] = await values(each);
      expect(ok).toBeCloseTo(Math.LN2, 6);
      expect(bad).toBeNaN();
      spy?.mockClear();
    }
  });

  it.runIf(readsSynchronously())(
    'under setDebug({ detectAnomaly: true }) throws ValueError as PyTorch does',
    () => {
      setDebug({ detectAnomaly: true });
      for (const p of [1.0001, -0.0001, Number.NaN]) {
        expect(() => bce(tensor([0.5, p]), tensor([1, 0]))).toThrow(ValueError);
      }
      expect(() => bce(tensor([0.5, 2]), tensor([1, 0]))).toThrow(
        /^bce: all elements of input should be between 0 and 1/,
      );
      // In range, including the ends: no error.
      expect(() => bce(tensor([0, 1, 0.5]), tensor([0, 1, 1]))).not.toThrow();
    },
  );
});
