import { describe, expect, it } from 'vitest';
import { identical, memoryDelta, mismatch, mismatchTyped } from '../src/index.js';

describe('mismatch', () => {
  it('accepts values within tolerance, equal NaNs and equal infinities', () => {
    expect(
      mismatch([1, Number.NaN, Number.NEGATIVE_INFINITY], [1.00001, Number.NaN, Number.NEGATIVE_INFINITY]),
    ).toBeNull();
    expect(mismatch([1.5], [1], { rtol: 0, atol: 0.5 })).toBeNull();
  });

  it('reports the first wrong element', () => {
    expect(mismatch([1, 2.1], [1, 2])).toMatch(/element 1: expected 2, got 2.1/);
  });

  it('fails NaN against a number and a number against NaN', () => {
    expect(mismatch([0], [Number.NaN])).toMatch(/expected NaN, got 0/);
    expect(mismatch([Number.NaN], [0])).toMatch(/expected 0, got NaN/);
  });

  it('requires the sign of an infinity to match, and a finite value is no infinity', () => {
    expect(mismatch([Number.NEGATIVE_INFINITY], [Number.POSITIVE_INFINITY])).toMatch(/expected Infinity/);
    expect(mismatch([3.4e38], [Number.POSITIVE_INFINITY])).toMatch(/expected Infinity/);
    expect(mismatch([Number.POSITIVE_INFINITY], [3.4e38])).toMatch(/expected 3.4e\+38/);
  });

  it('fails on a length mismatch either way', () => {
    expect(mismatch([1], [1, 2])).toMatch(/expected 2 values, got 1/);
    expect(mismatch([1, 2], [1])).toMatch(/expected 1 values, got 2/);
  });
});

describe('mismatchTyped', () => {
  it('is exact for int32 and bool', () => {
    expect(mismatchTyped(Int32Array.from([3]), Int32Array.from([3]))).toBeNull();
    expect(mismatchTyped(Int32Array.from([4]), Int32Array.from([3]), { rtol: 1, atol: 1 })).toMatch(
      /element 0/,
    );
  });

  it('requires the typed array of the dtype', () => {
    expect(mismatchTyped(Float32Array.from([1]), Int32Array.from([1]))).toMatch(
      /expected a Int32Array, got a Float32Array/,
    );
  });
});

describe('identical', () => {
  it('is bit-exact: NaN equals NaN, -0 differs from 0', () => {
    expect(identical([Number.NaN, -0], [Number.NaN, -0])).toBeNull();
    expect(identical([0], [-0])).toMatch(/element 0/);
    expect(identical([1 + 1e-7], [1])).toMatch(/element 0/);
  });
});

describe('memoryDelta (the leak check)', () => {
  it('is null when nothing changed', () => {
    expect(memoryDelta({ storages: 3, bytes: 40 }, { storages: 3, bytes: 40 })).toBeNull();
  });

  it('reports storages and bytes leaked or freed', () => {
    expect(memoryDelta({ storages: 3, bytes: 40 }, { storages: 4, bytes: 56 })).toBe(
      '+1 storages (+16 bytes) leaked',
    );
    expect(memoryDelta({ storages: 3, bytes: 40 }, { storages: 3, bytes: 44 })).toMatch(/\+4 bytes\) leaked/);
    expect(memoryDelta({ storages: 3, bytes: 40 }, { storages: 2, bytes: 20 })).toMatch(
      /-1 storages .* freed/,
    );
  });
});
