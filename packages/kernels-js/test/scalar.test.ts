import { describe, expect, it } from 'vitest';
import { BINARY, erf, powC, roundHalfEven, sigmoid, UNARY } from '../src/index.js';

/** erf by Simpson's rule on 2/√π·e^(-t²) over [0, x] (an independent reference). */
function erfByQuadrature(x: number): number {
  const n = 2000;
  const h = x / n;
  let s = 1 + Math.exp(-x * x);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return ((s * h) / 3) * (2 / Math.sqrt(Math.PI));
}

describe('scalar rules', () => {
  it('erf matches quadrature to 1.2e-7 and is odd', () => {
    for (const x of [0.01, 0.1, 0.5, 1, 1.5, 2, 3, 4.5]) {
      expect(Math.abs(erf(x) - erfByQuadrature(x))).toBeLessThan(1.2e-7);
      expect(erf(-x)).toBe(-erf(x));
    }
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(erf(Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(erf(Number.NaN)).toBeNaN();
  });

  it('erf keeps its relative accuracy near 0: erf(±0) = ±0, the sign right for tiny x', () => {
    expect(Object.is(erf(0), 0)).toBe(true);
    expect(Object.is(erf(-0), -0)).toBe(true);
    for (const x of [1e-30, 1e-9, 1e-4, 0.03, 0.2, 0.45, 0.4999]) {
      const want = erfByQuadrature(x);
      expect(Math.abs(erf(x) - want) / want).toBeLessThan(1e-9);
      expect(erf(-x)).toBe(-erf(x));
    }
    // The two branches meet at 0.5 within the fit's error.
    expect(Math.abs(erf(0.5 - 1e-12) - erf(0.5))).toBeLessThan(1.2e-7);
  });

  it('round goes half to even, keeping the sign of zero', () => {
    const cases: [number, number][] = [
      [0.5, 0],
      [1.5, 2],
      [2.5, 2],
      [3.5, 4],
      [-1.5, -2],
      [-2.5, -2],
      [2.4999, 2],
      [2.5001, 3],
      [-7, -7],
    ];
    for (const [x, want] of cases) expect(roundHalfEven(x)).toBe(want);
    expect(Object.is(roundHalfEven(-0.5), -0)).toBe(true);
    expect(UNARY.round).toBe(roundHalfEven);
  });

  it("pow follows C's rules where JavaScript's ** differs", () => {
    expect(powC(1, Number.NaN)).toBe(1);
    expect(powC(1, Number.POSITIVE_INFINITY)).toBe(1);
    expect(powC(Number.NaN, 0)).toBe(1);
    expect(powC(-2, 3)).toBe(-8);
    expect(powC(-2, 0.5)).toBeNaN();
    expect(BINARY.pow).toBe(powC);
  });

  it('sigmoid saturates without overflow on both sides', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
    expect(Math.abs(sigmoid(-2) - 1 / (1 + Math.E ** 2))).toBeLessThan(1e-15);
    expect(sigmoid(Number.NaN)).toBeNaN();
  });

  it('sign, relu, maximum and minimum follow PyTorch at NaN and ±0', () => {
    expect(UNARY.sign(Number.NaN)).toBe(0);
    expect(Object.is(UNARY.sign(-0), -0)).toBe(true);
    expect(UNARY.relu(Number.NaN)).toBeNaN();
    expect(UNARY.relu(-3)).toBe(0);
    expect(BINARY.maximum(Number.NaN, 1)).toBeNaN();
    expect(BINARY.minimum(1, Number.NaN)).toBeNaN();
  });
});
