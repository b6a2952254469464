import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type ArgReduceOp,
  BINARY_OPS,
  COMPARE_OPS,
  DTYPES,
  type FusedActivation,
  REDUCE_OPS,
  UNARY_OPS,
} from '@nnet/tensor';
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
  it('are what scripts/gen-codes.mjs writes from the contract (stale: run it)', () => {
    const run = spawnSync(process.execPath, ['scripts/gen-codes.mjs', '--check'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it("number each op by its index in the contract's list", () => {
    const contract: [Record<string, string | number>, readonly string[]][] = [
      [Unary, UNARY_OPS],
      [Binary, BINARY_OPS],
      [Compare, COMPARE_OPS],
      [Reduce, REDUCE_OPS],
    ];
    for (const [codes, ops] of contract) {
      expect(names(codes).length).toBeGreaterThan(0);
      for (const name of names(codes)) expect(codes[name]).toBe(ops.indexOf(name));
    }
    // binaryF32's SIMD path takes the codes up to Binary.div.
    expect(names(Binary).filter((n) => Binary[n as keyof typeof Binary] <= Binary.div)).toEqual([
      'add',
      'sub',
      'mul',
      'div',
    ]);
  });

  it('name the hand-written op enums after the contract, numbered 0, 1, 2, ...', () => {
    const handWritten: [Record<string, string | number>, readonly string[]][] = [
      [ArgReduce, ['argmax', 'argmin'] satisfies ArgReduceOp[]],
      [Activation, ['none', 'relu', 'tanh', 'sigmoid'] satisfies FusedActivation[]],
    ];
    for (const [codes, ops] of handWritten) {
      expect(names(codes)).toEqual(ops);
      expect(names(codes).map((n) => codes[n])).toEqual(ops.map((_, i) => i));
    }
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
