import { BINARY_OPS, COMPARE_OPS, DTYPES, REDUCE_OPS, UNARY_OPS } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import {
  Activation,
  AdamField,
  ArgReduce,
  AttnField,
  Binary,
  Cast,
  CeField,
  Compare,
  GemmField,
  Reduce,
  Unary,
} from '../src/codes.js';
import { JOB_WORDS } from '../src/pool.js';

/** The member names of a numeric enum, in code order. */
const names = (codes: Record<string, string | number>) =>
  Object.keys(codes).filter((k) => typeof codes[k] === 'number');

describe('op codes shared with the AssemblyScript kernels', () => {
  it('name only ops of the contract, numbered 0, 1, 2, ...', () => {
    const contract: [Record<string, string | number>, readonly string[]][] = [
      [Unary, UNARY_OPS],
      [Binary, BINARY_OPS],
      [Compare, COMPARE_OPS],
      [Reduce, REDUCE_OPS],
      [ArgReduce, ['argmax', 'argmin']],
      [Activation, ['none', 'relu', 'tanh', 'sigmoid']],
    ];
    for (const [codes, ops] of contract) {
      for (const name of names(codes)) expect(ops).toContain(name);
      expect(names(codes).map((n) => codes[n])).toEqual(names(codes).map((_, i) => i));
    }
    // Every comparison and reduction has a kernel; unary lacks only the bool op.
    expect(names(Compare)).toEqual([...COMPARE_OPS]);
    expect(names(Reduce)).toEqual([...REDUCE_OPS]);
    expect(UNARY_OPS.filter((op) => !names(Unary).includes(op))).toEqual(['logicalNot']);
  });

  it('name casts source_target between distinct dtypes', () => {
    for (const name of names(Cast)) {
      const [from, to] = name.split('_');
      expect(DTYPES).toContain(from);
      expect(DTYPES).toContain(to);
      expect(from).not.toBe(to);
    }
  });

  it('lay out job structs that fit a worker slot with their kind', () => {
    expect(GemmField.count).toBe(14);
    for (const count of [GemmField.count, AttnField.count, AdamField.count, CeField.count])
      expect(1 + count).toBeLessThanOrEqual(JOB_WORDS);
  });
});
