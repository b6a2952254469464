import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode, decodeNumber, KERNEL_IDS, kernelCases, OPS, opCases } from '../src/index.js';

describe('the fixture loader', () => {
  it('decodes NaN and the infinities from strings and keeps -0', () => {
    const f = decode({ dtype: 'float32', shape: [4], data: ['NaN', 'Infinity', '-Infinity', -0] });
    expect(f).toBeInstanceOf(Float32Array);
    expect(f[0]).toBeNaN();
    expect(f[1]).toBe(Number.POSITIVE_INFINITY);
    expect(f[2]).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(f[3], -0)).toBe(true);
    expect(decodeNumber('-Infinity')).toBe(Number.NEGATIVE_INFINITY);
  });

  it('returns the typed array of each dtype', () => {
    expect(decode({ dtype: 'int32', shape: [1], data: [3] })).toBeInstanceOf(Int32Array);
    expect(decode({ dtype: 'bool', shape: [2], data: [1, 0] })).toBeInstanceOf(Uint8Array);
    expect(decode({ dtype: 'float32', shape: [], data: [2] })).toEqual(Float32Array.from([2]));
    expect(decode({ dtype: 'float32', shape: [0, 3], data: [] })).toHaveLength(0);
  });

  it('rejects values that are not numbers and data that does not fit the shape', () => {
    expect(() => decode({ dtype: 'float32', shape: [1], data: ['nope'] })).toThrow(/not a number/);
    expect(() => decode({ dtype: 'float32', shape: [2, 2], data: [1, 2, 3] })).toThrow(
      /holds 3 values, not 4/,
    );
  });

  it('parses the committed fixtures, whose every tensor fits its shape', () => {
    for (const c of kernelCases()) {
      for (const t of [...c.inputs, c.out, c.out2, ...(c.expected ?? [])])
        if (t) expect(() => decode(t)).not.toThrow();
    }
    for (const c of opCases()) {
      for (const t of [...c.inputs, c.out, c.weight, ...c.grads])
        if (t) expect(() => decode(t)).not.toThrow();
    }
  });

  it('stay small (under 2 MB in all)', () => {
    const size = ['kernels.json', 'ops.json']
      .map((f) => statSync(new URL(`../fixtures/${f}`, import.meta.url)).size)
      .reduce((a, b) => a + b, 0);
    expect(size).toBeLessThan(2 * 1024 * 1024);
  });
});

describe('the kernel fixtures', () => {
  const cases = kernelCases();
  const names = cases.map((c) => c.name);

  it('cover every kernel id of the contract', () => {
    const ids = new Set(cases.map((c) => c.kernel));
    expect(KERNEL_IDS.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('name only kernel ids of the contract, each case under a unique name', () => {
    expect(cases.filter((c) => !KERNEL_IDS.includes(c.kernel)).map((c) => c.kernel)).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('cover broadcasting across every pair of ranks 0..4', () => {
    for (let a = 0; a <= 4; a++)
      for (let b = 0; b <= 4; b++) expect(names).toContain(`binary.add ranks ${a},${b}`);
  });

  it('cover 0-d, empty, NaN/Inf, int32 and bool inputs', () => {
    const shapes = cases.flatMap((c) => c.inputs.filter((t) => t !== null).map((t) => t.shape));
    expect(shapes.some((s) => s.length === 0)).toBe(true);
    expect(shapes.some((s) => s.includes(0))).toBe(true);
    const dtypes = new Set(cases.flatMap((c) => c.inputs.map((t) => t?.dtype)));
    expect([...dtypes]).toEqual(expect.arrayContaining(['float32', 'int32', 'bool']));
    const data = cases.flatMap((c) => c.inputs.flatMap((t) => t?.data ?? []));
    for (const s of ['NaN', 'Infinity', '-Infinity']) expect(data).toContain(s);
  });

  it('cover every unary op at 0-d, empty and NaN/Inf', () => {
    for (const id of KERNEL_IDS.filter((k) => k.startsWith('unary.') && k !== 'unary.logicalNot')) {
      for (const tag of ['0-d', 'empty', 'NaN/Inf'])
        expect(names.some((n) => n.startsWith(`${id} ${tag}`))).toBe(true);
    }
  });

  it('cover all four matmul transpose combinations with a broadcast batch', () => {
    const mm = cases.filter((c) => c.kernel === 'matmul');
    for (const transA of [false, true])
      for (const transB of [false, true])
        expect(mm.some((c) => c.params?.transA === transA && c.params?.transB === transB)).toBe(true);
  });
});

describe('the op fixtures', () => {
  const cases = opCases();

  it('name only ops the front-end mapping knows, each case under a unique name', () => {
    expect(cases.filter((c) => !OPS[c.op]).map((c) => c.op)).toEqual([]);
    const names = cases.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  // Whether every differentiable op of the front end has PyTorch fixtures (these and the tensor
  // package's own) is checked against the package's exports in packages/tensor/test/op_coverage.test.ts.

  it('carry a weight of the output shape and a gradient of each input shape', () => {
    for (const c of cases) {
      expect(c.weight.shape, c.name).toEqual(c.out.shape);
      c.grads.forEach((g, i) => {
        if (g) expect(g.shape, c.name).toEqual(c.inputs[i].shape);
      });
    }
  });
});
