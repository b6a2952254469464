import '@nnet/backend-cpu';
import { ValueError } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { sketchToDigit } from '../src/sketch.js';

describe('sketchToDigit', () => {
  it('returns null for an empty canvas and rejects a wrong-sized one', () => {
    expect(sketchToDigit(new Uint8Array(100), 10, 10)).toBeNull();
    expect(() => sketchToDigit(new Uint8Array(99), 10, 10)).toThrow(ValueError);
  });

  it('scales the ink box to 32x32 and counts 4x4 blocks, like the UCI preprocessing', () => {
    // A filled 20x20 square anywhere on a 100x100 canvas fills every block.
    const ink = new Uint8Array(100 * 100);
    for (let y = 50; y < 70; y++) for (let x = 10; x < 30; x++) ink[y * 100 + x] = 1;
    expect(Array.from(sketchToDigit(ink, 100, 100)!)).toEqual(new Array(64).fill(1));
  });

  it('centres a tall stroke: a vertical bar inks the middle columns only', () => {
    const ink = new Uint8Array(64 * 64);
    for (let y = 4; y < 60; y++) for (let x = 30; x < 34; x++) ink[y * 64 + x] = 1;
    const d = sketchToDigit(ink, 64, 64)!;
    // 56 tall x 4 wide → 32 x 2.3 bitmap pixels around x = 16: columns 3 and 4 get the ink.
    for (let r = 0; r < 8; r++) {
      const row = Array.from(d.subarray(r * 8, r * 8 + 8));
      expect(row.slice(0, 3).every((v) => v === 0) && row.slice(5).every((v) => v === 0)).toBe(true);
      expect(row[3] + row[4]).toBeGreaterThan(0);
    }
  });
});
