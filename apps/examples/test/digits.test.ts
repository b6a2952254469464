import '@nnet/backend-cpu';
import { ValueError } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { runDigits } from '../src/digits.js';
import { loadDigits, parseDigitsCsv } from '../src/digits_data.js';

const row = (pixels: number[], label: number | string) => [...pixels, label].join(',');

describe('digits', () => {
  it('loads the shipped 1797 images with pixels scaled to [0, 1]', () => {
    const { images, labels } = loadDigits();
    expect(images.shape).toEqual([1797, 64]);
    expect(labels.shape).toEqual([1797]);
    expect(images.max().item()).toBe(1);
    expect(new Set(Array.from(labels.dataSync()))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  });

  it('names the line and the problem in bad data', () => {
    const ok = new Array(64).fill(0);
    expect(() => parseDigitsCsv(`${row(ok, 3)}\n${row(ok, 12)}`)).toThrow(
      /line 2 has label 12; labels are 0..9/,
    );
    expect(() => parseDigitsCsv(row([...ok.slice(1), 17], 1))).toThrow(
      /line 1, pixel 63 is 17; pixels are 0..16/,
    );
    expect(() => parseDigitsCsv(row(ok.slice(2), 1))).toThrow(ValueError);
  });

  it('the MLP reaches at least 95 % on the held-out digits', async () => {
    const { accuracy, history } = await runDigits({ quiet: true, epochs: 15 });
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    expect(history[14].loss).toBeLessThan(history[0].loss);
  }, 120_000);
});
