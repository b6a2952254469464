/**
 * `@nnet/tensor/testing`: the close-to rule and the finite differences every package's tests use,
 * checked with passing and failing cases (a wrong value must fail).
 */
import '@nnet/test-utils/setup';
import { describe, expect, it } from 'vitest';
import { customGrad, DTypeError, IndexError, randn, tensor, ValueError } from '../src/index.js';
import {
  assertClose,
  centralDifference,
  compareClose,
  type DifferenceArray,
  gradcheck,
  isClose,
  MismatchError,
} from '../src/testing/index.js';

const { NaN: nan, POSITIVE_INFINITY: inf, NEGATIVE_INFINITY: ninf } = Number;

describe('isClose', () => {
  it('accepts |actual − expected| ≤ atol + rtol·|expected| and nothing beyond', () => {
    expect(isClose(1.00001, 1)).toBe(true); // 1e-5 ≤ 1e-5 + 1e-4
    expect(isClose(1.0002, 1)).toBe(false);
    expect(isClose(100.01, 100)).toBe(true); // rtol·100 = 1e-2
    expect(isClose(100.02, 100)).toBe(false);
    expect(isClose(0.11, 0.1, { rtol: 0, atol: 0.02 })).toBe(true);
    expect(isClose(0.13, 0.1, { rtol: 0, atol: 0.02 })).toBe(false);
    expect(isClose(-0, 0, { rtol: 0, atol: 0 })).toBe(true);
    expect(isClose(1e-30, 0, { rtol: 0, atol: 0 })).toBe(false);
  });
  it('matches NaN and each infinity exactly; a NaN is never close to a number', () => {
    expect(isClose(nan, nan)).toBe(true);
    expect(isClose(inf, inf)).toBe(true);
    expect(isClose(ninf, ninf)).toBe(true);
    expect(isClose(ninf, inf)).toBe(false);
    expect(isClose(1e300, inf)).toBe(false);
    expect(isClose(inf, 1e300, { rtol: 1, atol: 1 })).toBe(false);
    expect(isClose(nan, 0, { rtol: 1, atol: 1 })).toBe(false);
    expect(isClose(0, nan)).toBe(false);
  });
  it('rejects a negative or non-finite tolerance with a ValueError naming it', () => {
    expect(() => isClose(1, 1, { rtol: -1 })).toThrow(ValueError);
    expect(() => isClose(1, 1, { atol: nan })).toThrow(/isClose: atol must be a finite number >= 0, got NaN/);
    expect(() => isClose(1, 1, { rtol: inf })).toThrow(/rtol must be/);
    expect(() => isClose('1' as unknown as number, 1)).toThrow(/actual and expected must be numbers/);
  });
});

describe('compareClose and assertClose', () => {
  it('return the largest error over the finite expected values', () => {
    const r = compareClose(Float32Array.of(1, 2, nan, inf), [1, 2.0001, nan, inf]);
    expect(r.ok).toBe(true);
    expect(r.message).toBeNull();
    expect(r.worst).toBeCloseTo(1e-4, 6);
    expect(assertClose([0.5, -1], Float64Array.of(0.5, -1))).toBe(0);
    expect(assertClose([], [])).toBe(0);
  });
  it('name the first failing element, its expected and its actual value', () => {
    const r = compareClose([1, 5, 7], [1, 2, 3]);
    expect(r).toMatchObject({ ok: false, index: 1, actual: 5, expected: 2, worst: 4 });
    expect(r.message).toBe('element 1: expected 2, got 5 (|diff| 3.00e+0)');
    expect(compareClose([0], [nan]).message).toBe('element 0: expected NaN, got 0');
    expect(compareClose([nan], [0]).message).toBe('element 0: expected 0, got NaN (|diff| NaN)');
    expect(compareClose([1, 2], [1]).message).toBe('expected 1 values, got 2');
    expect(compareClose([0], [1], { what: 'loss' }).message).toMatch(/^loss: element 0: expected 1/);
  });
  it('assertClose throws a MismatchError carrying the element; a wrong value always fails', () => {
    let caught: unknown;
    try {
      assertClose([1, 2, 3.001], [1, 2, 3]);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(MismatchError);
    expect(caught).toMatchObject({ name: 'MismatchError', index: 2, actual: 3.001, expected: 3 });
    expect(() => assertClose([1, 2], [1])).toThrow(MismatchError);
    expect(() => assertClose([ninf], [inf])).toThrow(/element 0: expected Infinity, got -Infinity/);
    expect(() => assertClose([nan], [1], { rtol: 1, atol: 1 })).toThrow(MismatchError);
    expect(() => assertClose([1.1], [1], { rtol: 0.05, atol: 0.04 })).toThrow(MismatchError);
    expect(assertClose([1.09], [1], { rtol: 0.05, atol: 0.05 })).toBeCloseTo(0.09, 12);
  });
  it('reject what is not an array and a bad tolerance, naming the function', () => {
    expect(() => assertClose(tensor([1]) as unknown as number[], [1])).toThrow(
      /assertClose: actual must be an array or a typed array of numbers, got object; read a tensor/,
    );
    expect(() => compareClose([1], null as unknown as number[])).toThrow(/compareClose: expected must be/);
    expect(() => assertClose([1], [1], { rtol: -1e-3 })).toThrow(ValueError);
  });
});

describe('centralDifference', () => {
  it('differentiates a function of float32 arrays along one element, leaving the inputs alone', async () => {
    const xs = [Float32Array.of(5), Float32Array.of(1, 2)];
    const f = (v: Float32Array[]) => v[0][0] * v[1][1] ** 3;
    expect(centralDifference(f, xs, 1, 1)).toBeCloseTo(5 * 3 * 4, 2);
    expect(await centralDifference(async (v: Float32Array[]) => f(v), xs, 0, 0)).toBeCloseTo(8, 4);
    expect(xs).toEqual([Float32Array.of(5), Float32Array.of(1, 2)]);
  });
  it('divides by the step actually taken: float32 rounding, float64 and plain numbers', () => {
    // x = 1e4 in float32: x ± 1e-2 rounds to a step of 2·0.009765625, not 2e-2.
    const lin = (v: DifferenceArray[]) => 3 * v[0][0];
    expect(centralDifference(lin, [Float32Array.of(1e4)], 0, 0)).toBe(3);
    expect(centralDifference(lin, [Float64Array.of(1e4)], 0, 0, 1e-6)).toBeCloseTo(3, 6);
    const sq = (v: number[][]) => v[0].reduce((s, x) => s + x * x, 0);
    expect(centralDifference(sq, [[0.5, -2]], 0, 1, 1e-4)).toBeCloseTo(-4, 8);
  });
  it('rejects an input or element that does not exist and a step ≤ 0', () => {
    const xs = [Float32Array.of(1)];
    expect(() => centralDifference(() => 0, xs, 1, 0)).toThrow(IndexError);
    expect(() => centralDifference(() => 0, xs, 1, 0)).toThrow(/input 1 does not exist/);
    expect(() => centralDifference(() => 0, xs, 0, 1)).toThrow(/element 1 of input 0 does not exist/);
    expect(() => centralDifference(() => 0, xs, 0, 0, 0)).toThrow(/eps must be a finite number > 0/);
  });
});

describe('gradcheck', () => {
  it('passes correct gradients: an elementwise op (random W) and a one-element loss', async () => {
    expect(await gradcheck((a, b) => a.mul(b).tanh(), [randn([2, 3]), randn([2, 3])])).toBeLessThan(2e-2);
    await gradcheck((a) => a.mul(a).sum(), [randn([4])], { stride: 2 });
  });
  it('fails a wrong gradient with a MismatchError naming the input and element', async () => {
    const badSquare = customGrad(
      (x) => ({ value: x.mul(x), save: [x] }),
      (g, [x]) => [g.mul(x)], // should be 2x
    );
    const run = gradcheck((x) => badSquare(x), [tensor([1, 2, 3])]);
    await expect(run).rejects.toThrow(MismatchError);
    const err = await gradcheck((x) => badSquare(x).sum(), [tensor([1, 2, 3])]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MismatchError);
    expect((err as Error).message).toMatch(/^gradcheck: input 0 element 0: gradient 1 vs finite difference /);
    expect(err).toMatchObject({ index: 0, actual: 1 });
    expect((err as MismatchError).expected).toBeCloseTo(2, 3); // d(x²)/dx at 1
  });
  it('rejects a non-float32 input, eps <= 0, a stride below 1 and a bad tolerance', async () => {
    const x = randn([2]);
    await expect(gradcheck((a) => a, [tensor([1], { dtype: 'int32' })])).rejects.toThrow(DTypeError);
    await expect(gradcheck((a) => a, [tensor([1], { dtype: 'int32' })])).rejects.toThrow(/input 0 is int32/);
    await expect(gradcheck((a) => a, [x], { eps: 0 })).rejects.toThrow(/eps must be > 0/);
    await expect(gradcheck((a) => a, [x], { stride: 0 })).rejects.toThrow(/stride must be an integer >= 1/);
    await expect(gradcheck((a) => a, [x], { atol: -1 })).rejects.toThrow(/gradcheck: atol must be/);
  });
});
