import { describe, expect, it } from 'vitest';
import { alongOffsets, forEachAlong, sizeOf } from '../src/index.js';

/** The reference: p's multi-index, its axis coordinate replaced by index[p], flattened in the target. */
function naive(shape: number[], axis: number, target: number[], index: number[]): number[] {
  return index.map((i, p) => {
    if (shape.length === 0) return i === 0 ? 0 : -1;
    if (i < 0 || i >= target[axis]) return -1;
    const coords = shape.map((_, d) => Math.floor(p / sizeOf(shape.slice(d + 1))) % shape[d]);
    coords[axis] = i;
    return coords.reduce((off, c, d) => off * target[d] + c, 0);
  });
}

describe('alongOffsets and forEachAlong', () => {
  const cases: [number[], number[]][] = [
    [[], []],
    [[4], [3]],
    [
      [2, 3, 2],
      [2, 4, 2],
    ],
    [
      [3, 1, 2],
      [3, 2, 5],
    ],
  ];
  it('map every position to its target offset, -1 where the index is out of range', () => {
    for (const [shape, target] of cases) {
      for (let axis = 0; axis < Math.max(1, shape.length); axis++) {
        const len = shape.length === 0 ? 1 : target[axis];
        // Every in-range index and one out of range on each side, in turn.
        const index = Array.from({ length: sizeOf(shape) }, (_, p) => (p % (len + 2)) - 1);
        const want = naive(shape, axis, target, index);
        expect(Array.from(alongOffsets(shape, axis, target, index))).toEqual(want);
        const seen: number[] = [];
        forEachAlong(shape, axis, target, index, (p, t) => {
          expect(p).toBe(seen.length);
          seen.push(t);
        });
        expect(seen).toEqual(want);
      }
    }
  });
});
