// The AssemblyScript kernels restate @nnet/kernels-js's scalar rules in their own language; these
// tests hold the two to one rule: every unary op, C's pow, NaN-propagating maximum/minimum, and
// the SGD/Adam updates, on edge values (NaN, ±0, ±Inf, halves) and random ones. The SIMD paths
// (cheap unary ops, same-shape add..div, every optimizer variant) are held bit for bit to the scalar rules (the
// updates to a float32 restatement of the kernels' order of operations), on lengths that leave
// every tail.
import { adamUpdate, BINARY, type Dense, sgdUpdate, UNARY } from '@nnet/kernels-js';
import {
  type AdamUpdateParams,
  adamBiasCorrections,
  type Backend,
  type DType,
  type SGDUpdateParams,
  type TypedArray,
  type UnaryOp,
} from '@nnet/tensor';
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

  it("pow (C's rules), maximum and minimum (NaN propagates, +0 above -0 in either order)", () => {
    // Then the signed-zero pairs both ways round, which a compare-and-select rule gets wrong.
    const zeros = [0, -0, -0, 0, 0, 0, -0, -0];
    const a = Float32Array.from([...values, ...zeros], (v, i) => (i < values.length && i % 5 === 0 ? 1 : v));
    const b = Float32Array.from([
      ...values.map((_, i) => values[(i * 7) % values.length] / (i % 3 === 0 ? 1 : 8)),
      -0,
      0,
      0,
      -0,
      0,
      -0,
      0,
      -0,
    ]);
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
});

/** `values` rotated to start at `start`, `length` long (wrapping): every edge in every lane and tail slot. */
const window = (start: number, length: number) =>
  Float32Array.from({ length }, (_, i) => values[(start + i) % values.length]);

/** Equal as float32 bit for bit up to NaN payloads (NaN to NaN, zeros with their sign). */
function expectIdentical(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], Math.fround(want[i])))
      expect.fail(`${what} [${i}] of ${want.length}: ${got[i]} vs ${want[i]}`);
  }
}

describe('SIMD paths keep the scalar rules bit for bit, whole vectors and tails', () => {
  it('neg, abs, sign, relu, floor, ceil, round, sqrt, reciprocal on NaN, ±0, ±Infinity, halves, lengths 1..9 and 37', () => {
    const ops: UnaryOp[] = ['neg', 'abs', 'sign', 'relu', 'floor', 'ceil', 'round', 'sqrt', 'reciprocal'];
    for (const length of [1, 2, 3, 4, 5, 6, 7, 8, 9, 37]) {
      for (let start = 0; start < EDGES.length + 4; start++) {
        const data = window(start, length);
        const x = onWasm(data);
        const out = onWasm(new Float32Array(length));
        for (const op of ops) {
          be.unary(op, x, out);
          expectIdentical(read(out), Array.from(data, UNARY[op]), `${op} from ${start}`);
        }
        be.free(x.handle);
        be.free(out.handle);
      }
    }
  });

  it('add, sub, mul, div of same-shape operands on NaN, ±0, ±Infinity, lengths 1..9 and 37', () => {
    for (const length of [1, 2, 3, 4, 5, 6, 7, 8, 9, 37]) {
      for (let start = 0; start < EDGES.length + 4; start++) {
        const [a, b] = [window(start, length), window(start * 5 + 1, length)];
        const [x, y, out] = [onWasm(a), onWasm(b), onWasm(new Float32Array(length))];
        for (const op of ['add', 'sub', 'mul', 'div'] as const) {
          be.binary(op, x, y, out);
          expectIdentical(
            read(out),
            Array.from(a, (v, i) => BINARY[op](v, b[i])),
            `${op} from ${start}`,
          );
        }
        for (const t of [x, y, out]) be.free(t.handle);
      }
    }
  });

  // The AssemblyScript updates in float32, one rounding per operation in the kernels' order.
  const f = Math.fround;
  function sgdF32(p: Float32Array, g: Float32Array, b: Float32Array | null, o: SGDUpdateParams): void {
    const [lr, mom, damp, wd] = [f(o.lr), f(o.momentum), f(o.dampening), f(o.weightDecay)];
    for (let i = 0; i < p.length; i++) {
      let d = f(g[i] + f(wd * p[i]));
      if (b) {
        b[i] = o.first ? d : f(f(mom * b[i]) + f(f(1 - damp) * d));
        d = o.nesterov ? f(d + f(mom * b[i])) : b[i];
      }
      p[i] = f(p[i] - f(lr * d));
    }
  }
  function adamF32(
    p: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    vmax: Float32Array | null,
    o: AdamUpdateParams,
  ): void {
    const { bc1, sqrtBc2 } = adamBiasCorrections(o);
    const [lr, b1, b2, eps, wd, c1, bc] = [o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, bc1, sqrtBc2].map(f);
    for (let i = 0; i < p.length; i++) {
      let [pv, gv] = [p[i], g[i]];
      if (wd !== 0) {
        if (o.decoupled) pv = f(pv * f(1 - f(lr * wd)));
        else gv = f(gv + f(wd * pv));
      }
      m[i] = f(f(b1 * m[i]) + f(f(1 - b1) * gv));
      v[i] = f(f(b2 * v[i]) + f(f(f(1 - b2) * gv) * gv));
      let vh = v[i];
      if (vmax) {
        vmax[i] = Math.max(vmax[i], vh);
        vh = vmax[i];
      }
      p[i] = f(pv - f(f(lr / c1) * f(m[i] / f(f(f(Math.sqrt(vh)) / bc) + eps))));
    }
  }

  const SGDS: SGDUpdateParams[] = [];
  for (const momentum of [0, 0.9])
    for (const first of [false, true])
      for (const nesterov of momentum ? [false, true] : [false])
        for (const [weightDecay, dampening] of [
          [0, 0],
          [0.01, 0.1],
        ])
          SGDS.push({ lr: 0.1, momentum, dampening, nesterov, weightDecay, first });
  const ADAMS: AdamUpdateParams[] = [];
  for (const amsgrad of [false, true])
    for (const [weightDecay, decoupled] of [
      [0, false],
      [0.1, false],
      [0.1, true],
    ] as const)
      ADAMS.push({ lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay, decoupled, amsgrad, step: 3 });

  /** Optimizer inputs of `length`: params and gradients with the edge values, moments random. */
  const state = (length: number, start: number) => ({
    p: window(start, length),
    g: window(start + 5, length),
    m: Float32Array.from({ length }, () => rnd() - 0.5),
    v: Float32Array.from({ length }, (_, i) => (i % 7 === 3 ? 0 : rnd())),
    x: Float32Array.from({ length }, (_, i) => (i % 3 === 0 ? 2 : rnd())),
  });

  /**
   * One adamUpdate on wasm and `reference` (given copies of p, m, v and vmax, or null without
   * amsgrad, to update in place) from the same state: [output, wasm's values, the reference's].
   */
  function adamBoth(
    o: AdamUpdateParams,
    s: { p: Float32Array; g: Float32Array; m: Float32Array; v: Float32Array; x: Float32Array },
    reference: (p: Float32Array, m: Float32Array, v: Float32Array, x: Float32Array | null) => void,
  ): [string, TypedArray, Float32Array][] {
    const w = [s.p, s.g, s.m, s.v, s.x].map((a) => onWasm(a));
    be.adamUpdate!(w[0], w[1], w[2], w[3], o.amsgrad ? w[4] : null, o);
    const want = [s.p.slice(), s.m.slice(), s.v.slice(), s.x.slice()];
    reference(want[0], want[1], want[2], o.amsgrad ? want[3] : null);
    const got = [w[0], w[2], w[3], w[4]].map(read);
    for (const t of w) be.free(t.handle);
    return ['param', 'm', 'v', 'vmax'].map((name, i) => [name, got[i], want[i]]);
  }

  it('SGD: plain, weight decay, momentum, dampening, nesterov, first step, on lengths 1..9 and 37', () => {
    for (const o of SGDS) {
      for (const length of [1, 2, 3, 4, 5, 6, 7, 8, 9, 37]) {
        for (const start of [0, 3]) {
          const s = state(length, start);
          const [pw, gw, bw] = [onWasm(s.p), onWasm(s.g), onWasm(s.m)];
          be.sgdUpdate!(pw, gw, o.momentum ? bw : null, o);
          const [p, b] = [s.p.slice(), s.m.slice()];
          sgdF32(p, s.g, o.momentum ? b : null, o);
          const what = `sgd ${JSON.stringify(o)} n ${length} from ${start}`;
          expectIdentical(read(pw), p, `${what} param`);
          expectIdentical(read(bw), b, `${what} buffer`);
          for (const t of [pw, gw, bw]) be.free(t.handle);
        }
      }
    }
  });

  it('Adam and AdamW, with and without amsgrad and weight decay, on lengths 1..9 and 37', () => {
    for (const o of ADAMS) {
      for (const length of [1, 2, 3, 4, 5, 6, 7, 8, 9, 37]) {
        for (const start of [0, 3]) {
          const s = state(length, start);
          for (const [name, got, want] of adamBoth(o, s, (p, m, v, x) => adamF32(p, s.g, m, v, x, o)))
            expectIdentical(got, want, `adam ${JSON.stringify(o)} n ${length} from ${start} ${name}`);
        }
      }
    }
  });

  it('every SGD and Adam variant stays within 1e-6 of @nnet/kernels-js (float64) on finite inputs', () => {
    const n = 203;
    const p0 = Float32Array.from({ length: n }, () => rnd() - 0.5);
    const g = Float32Array.from({ length: n }, () => rnd() - 0.5);
    const m0 = Float32Array.from({ length: n }, () => rnd() - 0.5);
    const v0 = Float32Array.from({ length: n }, () => rnd());
    for (const o of SGDS) {
      const [pw, gw, bw] = [onWasm(p0), onWasm(g), onWasm(m0)];
      be.sgdUpdate!(pw, gw, o.momentum ? bw : null, o);
      const [p, b] = [p0.slice(), m0.slice()];
      sgdUpdate(dense(p), dense(g), o.momentum ? dense(b) : null, o);
      expectNear(read(pw), p, 1e-6, `sgd param ${JSON.stringify(o)}`);
      expectNear(read(bw), b, 1e-6, `sgd buffer ${JSON.stringify(o)}`);
      for (const t of [pw, gw, bw]) be.free(t.handle);
    }
    for (const o of ADAMS) {
      const s = { p: p0, g, m: m0, v: v0, x: v0 };
      const reference = (p: Float32Array, m: Float32Array, v: Float32Array, x: Float32Array | null) =>
        adamUpdate(dense(p), dense(g), dense(m), dense(v), x ? dense(x) : null, o);
      for (const [name, got, want] of adamBoth(o, s, reference))
        expectNear(got, want, 1e-6, `adam ${name} ${JSON.stringify(o)}`);
    }
  });
});
