import type { DType, ResizeAxisParams } from '@nnet/tensor';
import { allocArray } from '@nnet/tensor';
import { assertClose, centralDifference } from '@nnet/tensor/testing';
import { describe, expect, it } from 'vitest';
import type { Dense } from '../src/index.js';
import {
  crossEntropy,
  crossEntropyBackward,
  cumsum,
  resizeAxis,
  resizeAxisBackward,
  sortRows,
} from '../src/index.js';

let seed = 7;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
function dense(data: ArrayLike<number>, shape: number[], dtype: DType = 'float32'): Dense {
  const arr = allocArray(dtype, size(shape));
  arr.set(Array.from(data));
  return { handle: { data: arr }, dtype, shape };
}
const empty = (shape: number[], dtype: DType = 'float32'): Dense => ({
  handle: { data: allocArray(dtype, size(shape)).fill(77) },
  dtype,
  shape,
});
/** The kernels' float32 results against float64 loops: |got − want| ≤ 1e-5·(1 + |want|). */
const TOL = { rtol: 1e-5, atol: 1e-5 };

describe('sortRows', () => {
  /** The independent reference: Array.prototype.sort on (class, value, position) keys. */
  function referenceOrder(row: number[], descending: boolean): number[] {
    const key = (v: number) => (Number.isNaN(v) ? (descending ? 0 : 1) : descending ? 1 : 0);
    return row
      .map((_, i) => i)
      .sort((i, j) => {
        const a = row[i];
        const b = row[j];
        if (key(a) !== key(b)) return key(a) - key(b);
        if (!Number.isNaN(a) && a !== b) return descending ? b - a : a - b;
        return i - j;
      });
  }
  for (const n of [1, 5, 16, 17, 70, 300]) {
    for (const dtype of ['float32', 'int32'] as const) {
      for (const descending of [false, true]) {
        it(`rows of ${n} ${dtype}, ${descending ? 'descending' : 'ascending'}: stable, NaN the largest`, () => {
          const R = 3;
          // Few distinct values so ties are common; NaNs sprinkled into float rows.
          const data = Array.from({ length: R * n }, () => {
            const v = Math.floor(rnd() * 7) - 3;
            return dtype === 'float32' && rnd() < 0.15 ? Number.NaN : dtype === 'float32' ? v / 2 : v;
          });
          const values = empty([R, n], dtype);
          const indices = empty([R, n], 'int32');
          sortRows(dense(data, [R, n], dtype), descending, values, indices);
          for (let r = 0; r < R; r++) {
            const row = data.slice(r * n, (r + 1) * n);
            const order = referenceOrder(row, descending);
            expect(Array.from(indices.handle.data.subarray(r * n, (r + 1) * n))).toEqual(order);
            assertClose(
              values.handle.data.subarray(r * n, (r + 1) * n),
              order.map((i) => row[i]),
              { rtol: 0, atol: 0 },
            );
          }
        });
      }
    }
  }

  it('empty rows write nothing', () => {
    const values = empty([2, 0]);
    sortRows(dense([], [2, 0]), false, values, empty([2, 0], 'int32'));
    expect(values.handle.data.length).toBe(0);
  });
});

describe('cumsum', () => {
  it('along each axis of a 3-D tensor, forward and reverse, accumulating in float32 in order', () => {
    const shape = [2, 3, 4];
    const data = Array.from({ length: 24 }, () => rnd() * 2 - 1);
    const x = dense(data, shape);
    for (let axis = 0; axis < 3; axis++) {
      for (const reverse of [false, true]) {
        const out = empty(shape);
        cumsum(x, axis, reverse, out);
        const want = new Float32Array(24);
        const strides = [12, 4, 1];
        for (let p = 0; p < 24; p++) {
          const coord = [Math.floor(p / 12), Math.floor(p / 4) % 3, p % 4];
          let acc = 0;
          const from = reverse ? shape[axis] - 1 : 0;
          const step = reverse ? -1 : 1;
          for (let j = from; reverse ? j >= coord[axis] : j <= coord[axis]; j += step) {
            acc = Math.fround(acc + x.handle.data[p + (j - coord[axis]) * strides[axis]]);
          }
          want[p] = acc;
        }
        assertClose(out.handle.data, want, { rtol: 0, atol: 0 });
      }
    }
  });

  it('int32 wraps like int32 arithmetic; 0-d copies', () => {
    const out = empty([3], 'int32');
    cumsum(dense([2 ** 31 - 1, 1, 5], [3], 'int32'), 0, false, out);
    expect(Array.from(out.handle.data)).toEqual([2 ** 31 - 1, -(2 ** 31), -(2 ** 31) + 5]);
    const s = empty([]);
    cumsum(dense([4.5], []), 0, false, s);
    expect(s.handle.data[0]).toBe(4.5);
  });
});

describe('resizeAxis', () => {
  const p = (mode: 'nearest' | 'linear', alignCorners: boolean, scale: number): ResizeAxisParams => ({
    axis: 1,
    mode,
    alignCorners,
    scale,
  });
  // Values from torch 1.13 F.interpolate on a [1, 1, 4] (or [1, 1, 3]) input.
  it('matches PyTorch: linear 4 → 8, align_corners False', () => {
    const out = empty([1, 8]);
    resizeAxis(dense([1, 2, 3, 4], [1, 4]), p('linear', false, 0.5), out);
    assertClose(out.handle.data, [1, 1.25, 1.75, 2.25, 2.75, 3.25, 3.75, 4], TOL);
  });
  it('matches PyTorch: linear 3 → 5, align_corners True; nearest 4 → 6 and 4 → 2', () => {
    const out = empty([1, 5]);
    resizeAxis(dense([1, 2, 3], [1, 3]), p('linear', true, 0.6), out);
    assertClose(out.handle.data, [1, 1.5, 2, 2.5, 3], TOL);
    const up = empty([1, 6]);
    resizeAxis(dense([1, 2, 3, 4], [1, 4]), p('nearest', false, 4 / 6), up);
    assertClose(up.handle.data, [1, 1, 2, 3, 3, 4], TOL);
    const down = empty([1, 2]);
    resizeAxis(dense([1, 2, 3, 4], [1, 4]), p('nearest', false, 2), down);
    assertClose(down.handle.data, [1, 3], TOL);
  });

  it('the backward is the adjoint: <resize(x), dy> = <x, resizeBackward(dy)> along a middle axis', () => {
    for (const [mode, alignCorners, inS, outS] of [
      ['linear', false, 5, 9],
      ['linear', true, 5, 3],
      ['linear', true, 4, 1],
      ['nearest', false, 3, 7],
      ['nearest', false, 7, 3],
    ] as const) {
      const params: ResizeAxisParams = { axis: 1, mode, alignCorners, scale: inS / outS };
      const xs = [2, inS, 3];
      const ys = [2, outS, 3];
      const x = dense(
        Array.from({ length: size(xs) }, () => rnd() - 0.5),
        xs,
      );
      const dy = dense(
        Array.from({ length: size(ys) }, () => rnd() - 0.5),
        ys,
      );
      const y = empty(ys);
      const dx = empty(xs);
      resizeAxis(x, params, y);
      resizeAxisBackward(dy, params, dx);
      let lhs = 0;
      let rhs = 0;
      for (let i = 0; i < y.handle.data.length; i++) lhs += y.handle.data[i] * dy.handle.data[i];
      for (let i = 0; i < dx.handle.data.length; i++) rhs += x.handle.data[i] * dx.handle.data[i];
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-5);
    }
  });

  it('the backward writes zeros where nothing maps', () => {
    const dx = empty([1, 4]);
    resizeAxisBackward(dense([1, 1], [1, 2]), p('nearest', false, 2), dx);
    expect(Array.from(dx.handle.data)).toEqual([1, 0, 1, 0]);
  });
});

describe('crossEntropy', () => {
  const N = 4;
  const C = 5;
  const logits = Array.from({ length: N * C }, () => rnd() * 6 - 3);
  const target = [2, -100, 0, 4];
  const params = { ignoreIndex: -100 };

  function lossOf(x: number[]): number[] {
    return target.map((t, n) => {
      if (t === params.ignoreIndex) return 0;
      const row = x.slice(n * C, (n + 1) * C);
      const probs = row.map(Math.exp);
      return -Math.log(probs[t] / probs.reduce((a, b) => a + b, 0));
    });
  }

  it('loss and logsumexp match the softmax definition; ignored rows give 0', () => {
    const loss = empty([N]);
    const lse = empty([N]);
    crossEntropy(dense(logits, [N, C]), dense(target, [N], 'int32'), params, loss, lse);
    assertClose(loss.handle.data, lossOf(logits), TOL);
    const wantLse = [0, 1, 2, 3].map((n) =>
      Math.log(logits.slice(n * C, (n + 1) * C).reduce((s, v) => s + Math.exp(v), 0)),
    );
    assertClose(lse.handle.data, wantLse, TOL);
  });

  it('is stable for large logits and NaN for a row of all -Infinity', () => {
    const loss = empty([2]);
    const lse = empty([2]);
    const inf = Number.NEGATIVE_INFINITY;
    crossEntropy(dense([1000, 0, inf, inf], [2, 2]), dense([1, 0], [2], 'int32'), params, loss, lse);
    assertClose(loss.handle.data, [1000, Number.NaN], TOL);
    assertClose(lse.handle.data, [1000, Number.NaN], TOL);
  });

  it('the gradient matches central finite differences of Σ dloss·loss', () => {
    const dloss = [0.5, 2, -1, 1.5];
    const lse = empty([N]);
    crossEntropy(dense(logits, [N, C]), dense(target, [N], 'int32'), params, empty([N]), lse);
    const d = empty([N, C]);
    crossEntropyBackward(
      dense(logits, [N, C]),
      dense(target, [N], 'int32'),
      lse,
      dense(dloss, [N]),
      params,
      d,
    );
    const objective = (x: number[]) => lossOf(x).reduce((s, l, n) => s + dloss[n] * l, 0);
    const want = logits.map((_, i) => centralDifference(([x]) => objective(x), [logits], 0, i, 1e-4));
    assertClose(d.handle.data, want, { rtol: 1e-4, atol: 1e-4 });
    // The ignored row is written in full with zeros.
    expect(Array.from(d.handle.data.subarray(C, 2 * C))).toEqual([0, 0, 0, 0, 0]);
  });
});
