import { describe, expect, it } from 'vitest';
import { Generator, ValueError } from '../src/index.js';

describe('Generator.shuffle', () => {
  it('returns the same array, holding a permutation of its items', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const out = new Generator(3).shuffle(items);
    expect(out).toBe(items);
    expect([...out].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(out).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('repeats for a seed and follows Fisher–Yates: swap i with int(0, i + 1), from the end', () => {
    const a = new Generator(7).shuffle(['a', 'b', 'c', 'd', 'e']);
    expect(new Generator(7).shuffle(['a', 'b', 'c', 'd', 'e'])).toEqual(a);
    const g = new Generator(7);
    const expected = ['a', 'b', 'c', 'd', 'e'];
    for (let i = expected.length - 1; i > 0; i--) {
      const j = g.int(0, i + 1);
      [expected[i], expected[j]] = [expected[j], expected[i]];
    }
    expect(a).toEqual(expected);
  });

  it('draws each of the 6 orders of 3 items about equally often', () => {
    const g = new Generator(11);
    const counts = new Map<string, number>();
    for (let t = 0; t < 6000; t++) {
      const key = g.shuffle([0, 1, 2]).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    // 1000 expected each; a binomial spread of ~29, so 850–1150 is over 5 standard deviations.
    for (const c of counts.values()) {
      expect(c).toBeGreaterThan(850);
      expect(c).toBeLessThan(1150);
    }
  });

  it('leaves empty and one-item arrays as they are, and refuses a non-array', () => {
    expect(new Generator(0).shuffle([])).toEqual([]);
    expect(new Generator(0).shuffle([4])).toEqual([4]);
    expect(() => new Generator(0).shuffle('abc' as unknown as string[])).toThrow(ValueError);
    expect(() => new Generator(0).shuffle('abc' as unknown as string[])).toThrow(/Generator\.shuffle: items/);
  });
});
