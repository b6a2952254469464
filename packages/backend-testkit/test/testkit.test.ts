import { type Backend, BINARY_OPS, COMPARE_OPS, OPTIONAL_KERNELS, REDUCE_OPS, UNARY_OPS } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TOLERANCE,
  decode,
  formatMatrix,
  kernelCases,
  mismatch,
  OPS,
  opCases,
  runKernelCase,
} from '../src/index.js';

describe('the fixtures', () => {
  it('decode NaN and infinities and keep dtypes', () => {
    const f = decode({ dtype: 'float32', shape: [3], data: ['NaN', 'Infinity', '-Infinity'] });
    expect(f).toBeInstanceOf(Float32Array);
    expect(Number.isNaN(f[0])).toBe(true);
    expect(f[1]).toBe(Number.POSITIVE_INFINITY);
    expect(f[2]).toBe(Number.NEGATIVE_INFINITY);
    expect(decode({ dtype: 'int32', shape: [1], data: [3] })).toBeInstanceOf(Int32Array);
    expect(decode({ dtype: 'bool', shape: [2], data: [1, 0] })).toBeInstanceOf(Uint8Array);
    expect(() => decode({ dtype: 'float32', shape: [1], data: ['nope'] })).toThrow(/not a number/);
  });

  it('cover every kernel of the contract', () => {
    const ids = new Set(kernelCases().map((c) => c.kernel));
    const required = [
      ...UNARY_OPS.map((o) => `unary.${o}`),
      ...BINARY_OPS.map((o) => `binary.${o}`),
      ...COMPARE_OPS.map((o) => `compare.${o}`),
      ...REDUCE_OPS.map((o) => `reduce.${o}`),
      'argReduce.argmax',
      'argReduce.argmin',
      'where',
      'cast',
      'fill',
      'copyStrided',
      'matmul',
      'gather',
      'scatterAdd',
      ...OPTIONAL_KERNELS,
    ];
    expect(required.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('cover edge cases: 0-d, empty, NaN/Inf, int32, bool and every rank pair for broadcasting', () => {
    const names = kernelCases().map((c) => c.name);
    for (const tag of ['0-d', 'empty', 'NaN/Inf', 'int32', 'bool'])
      expect(names.some((n) => n.includes(tag))).toBe(true);
    for (let a = 0; a <= 4; a++)
      for (let b = 0; b <= 4; b++) expect(names).toContain(`binary.add ranks ${a},${b}`);
  });

  it('name only ops the front-end mapping knows', () => {
    expect(
      opCases()
        .filter((c) => !OPS[c.op])
        .map((c) => c.op),
    ).toEqual([]);
  });
});

describe('comparison', () => {
  it('accepts values within tolerance and equal NaNs', () => {
    expect(
      mismatch([1, Number.NaN, Number.POSITIVE_INFINITY], [1.00001, Number.NaN, Number.POSITIVE_INFINITY]),
    ).toBeNull();
  });

  it('reports the first wrong element', () => {
    expect(mismatch([1, 2.1], [1, 2])).toMatch(/element 1: expected 2, got 2.1/);
    expect(mismatch([0], [Number.NaN])).toMatch(/expected NaN/);
    expect(mismatch([1e30], [Number.POSITIVE_INFINITY])).toMatch(/expected Infinity/);
    expect(mismatch([1], [1, 2])).toMatch(/expected 2 values/);
  });
});

describe('the support matrix', () => {
  it('lists each kernel with its status and totals', () => {
    const text = formatMatrix(
      'demo',
      new Map([
        ['matmul', 'pass'],
        ['conv2d', 'reference'],
        ['unary.erf', 'fail'],
      ] as const),
    );
    expect(text).toContain("backend 'demo'");
    expect(text).toMatch(/conv2d\s+not implemented \(front-end reference used\)/);
    expect(text).toMatch(/unary\.erf\s+FAIL/);
    expect(text).toContain('1 pass, 1 fail, 0 skipped, 1 using the reference decomposition');
  });
});

describe('a broken backend fails the kernel checks', () => {
  // Storage that works and a binary kernel that writes zeros: every binary.add case must fail.
  const arrays = new Map<number, Float32Array | Int32Array | Uint8Array>();
  let next = 1;
  const broken = {
    name: 'broken',
    alloc: (dtype: string, size: number) => {
      const id = next++;
      arrays.set(
        id,
        dtype === 'int32'
          ? new Int32Array(size)
          : dtype === 'bool'
            ? new Uint8Array(size)
            : new Float32Array(size),
      );
      return id;
    },
    free: (h: number) => arrays.delete(h),
    write: (h: number, d: ArrayLike<number>) => arrays.get(h)!.set(d),
    read: async (h: number) => arrays.get(h)!.slice(),
    memory: () => ({ storages: arrays.size, bytes: 0 }),
    binary: () => {},
  } as unknown as Backend;

  it('reports a wrong value and frees what it allocated', async () => {
    const cases = kernelCases().filter((c) => c.kernel === 'binary.add' && c.name.includes('ranks 2,2'));
    expect(cases.length).toBe(1);
    const msg = await runKernelCase(broken, cases[0], DEFAULT_TOLERANCE);
    expect(msg).toMatch(/element \d+: expected/);
    expect(arrays.size).toBe(0);
  });
});
