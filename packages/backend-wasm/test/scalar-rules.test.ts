// The AssemblyScript kernels restate @nnet/kernels-js's scalar rules in their own language; these
// tests hold the two to one rule: every unary op, C's pow, NaN-propagating maximum/minimum, and
// the SGD/Adam updates, on edge values (NaN, ±0, ±Inf, halves) and random ones.
import { adamUpdate, BINARY, type Dense, sgdUpdate, UNARY } from '@nnet/kernels-js';
import type { AdamUpdateParams, Backend, DType, SGDUpdateParams, TypedArray, UnaryOp } from '@nnet/tensor';
import { assertClose } from '@nnet/tensor/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend } from '../dist/index.js';
import { Unary } from '../src/codes.js';

let be: Backend<number>;
beforeAll(async () => {
  be = await createWasmBackend({ threads: 1 });
});

let seed = 11;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const EDGES = [
  Number.NaN,
  0,
  -0,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  1,
  -1,
];
const values = Float32Array.from([
  ...EDGES,
  ...Array.from({ length: 500 }, () => (rnd() - 0.5) * 20),
  ...Array.from({ length: 100 }, () => Math.round((rnd() - 0.5) * 40) / 2),
  ...Array.from({ length: 100 }, () => (rnd() - 0.5) * 200),
]);

function onWasm(data: TypedArray, dtype: DType = 'float32') {
  const handle = be.alloc(dtype, data.length);
  be.write(handle, data);
  return { handle, dtype, shape: [data.length] };
}
const read = (t: { handle: number; shape: number[] }) => be.readSync!(t.handle, 'float32', t.shape[0]);
const dense = (data: Float32Array): Dense => ({ handle: { data }, dtype: 'float32', shape: [data.length] });

/** Equal as float32 (NaN to NaN, zeros with their sign), or within `ulps` units in the last place. */
function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, ulps: number, what: string): void {
  for (let i = 0; i < want.length; i++) {
    const w = Math.fround(want[i]);
    const g = got[i];
    if (Number.isNaN(w) || !Number.isFinite(w) || w === 0) {
      expect(Object.is(g, w), `${what} at ${values[i]}: ${g} vs ${w}`).toBe(true);
      continue;
    }
    const ulp = 2 ** (Math.floor(Math.log2(Math.abs(w))) - 23);
    expect(Math.abs(g - w) / ulp, `${what} at ${values[i]}: ${g} vs ${w}`).toBeLessThanOrEqual(ulps);
  }
}

/** Within `tol` of each other (the updates run in float32 in WASM, in float64 in TypeScript). */
const expectNear = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): number =>
  assertClose(got, want, { rtol: 0, atol: tol, what });

describe('AssemblyScript scalar rules match @nnet/kernels-js', () => {
  it('every float32 unary op', () => {
    const x = onWasm(values);
    for (const op of Object.keys(Unary).filter((k) => Number.isNaN(Number(k))) as UnaryOp[]) {
      const out = onWasm(new Float32Array(values.length));
      be.unary(op, x, out);
      const transcendental = ['exp', 'log', 'log1p', 'sin', 'cos', 'tanh', 'sigmoid', 'erf'].includes(op);
      expectSame(read(out), Array.from(values, UNARY[op]), transcendental ? 1 : 0, op);
    }
  });

  it("pow (C's rules), maximum and minimum (NaN propagates)", () => {
    const a = Float32Array.from(values, (v, i) => (i % 5 === 0 ? 1 : v));
    const b = Float32Array.from(values, (_, i) => values[(i * 7) % values.length] / (i % 3 === 0 ? 1 : 8));
    for (const op of ['pow', 'maximum', 'minimum'] as const) {
      const out = onWasm(new Float32Array(a.length));
      be.binary(op, onWasm(a), onWasm(b), out);
      expectSame(
        read(out),
        Array.from(a, (v, i) => BINARY[op](v, b[i])),
        op === 'pow' ? 1 : 0,
        op,
      );
    }
  });

  it('the SGD and Adam updates', () => {
    const n = 600;
    const p0 = Float32Array.from({ length: n }, () => rnd() - 0.5);
    const g = Float32Array.from({ length: n }, () => rnd() - 0.5);
    const m0 = Float32Array.from({ length: n }, () => rnd() - 0.5);
    const v0 = Float32Array.from({ length: n }, () => rnd());
    const sgds: SGDUpdateParams[] = [
      { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true, weightDecay: 0.01, first: false },
      { lr: 0.05, momentum: 0.5, dampening: 0, nesterov: false, weightDecay: 0, first: true },
    ];
    for (const o of sgds) {
      const [pw, bw] = [onWasm(p0), onWasm(m0)];
      be.sgdUpdate!(pw, onWasm(g), bw, o);
      const [p, b] = [p0.slice(), m0.slice()];
      sgdUpdate(dense(p), dense(g), dense(b), o);
      expectNear(read(pw), p, 1e-6, 'sgd param');
      expectNear(read(bw), b, 1e-6, 'sgd buffer');
    }
    const adams: AdamUpdateParams[] = [
      {
        lr: 1e-2,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weightDecay: 0.1,
        decoupled: true,
        amsgrad: true,
        step: 3,
      },
      {
        lr: 1e-3,
        beta1: 0.8,
        beta2: 0.99,
        eps: 1e-6,
        weightDecay: 0.01,
        decoupled: false,
        amsgrad: false,
        step: 1,
      },
    ];
    for (const o of adams) {
      const [pw, mw, vw, xw] = [onWasm(p0), onWasm(m0), onWasm(v0), onWasm(v0)];
      be.adamUpdate!(pw, onWasm(g), mw, vw, o.amsgrad ? xw : null, o);
      const [p, m, v, x] = [p0.slice(), m0.slice(), v0.slice(), v0.slice()];
      adamUpdate(dense(p), dense(g), dense(m), dense(v), o.amsgrad ? dense(x) : null, o);
      for (const [got, want, what] of [
        [pw, p, 'param'],
        [mw, m, 'm'],
        [vw, v, 'v'],
      ] as const)
        expectNear(read(got), want, 1e-6, `adam ${what}`);
    }
  });
});
