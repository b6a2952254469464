/**
 * The reference decompositions of the session-4 optional kernels, called with the kernel's own
 * signature and checked against plain loops written here (an independent reference).
 */
import { CpuBackend } from '@nnet/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type DType,
  memory,
  type ResizeAxisParams,
  referenceKernels,
  registerBackend,
  setBackend,
  type Tensor,
  type TensorInfo,
  tensor,
  zeros,
} from '../src/index.js';
import { assertClose } from '../src/testing/index.js';

beforeAll(async () => {
  registerBackend('cpu', () => new CpuBackend(), 0);
  await setBackend('cpu');
});

const out = (shape: number[], dtype: DType = 'float32'): Tensor => zeros(shape, { dtype });
const info = (t: Tensor): TensorInfo => t._info();
const values = (t: Tensor): number[] => Array.from(t.dataSync());

/** |got − want| ≤ tol·(1 + |want|), NaN for NaN: the shared rule of `@nnet/tensor/testing`. */
const close = (got: number[], want: number[], tol = 1e-5): number =>
  assertClose(got, want, { rtol: tol, atol: tol });

describe('sortRows reference', () => {
  const rows = [
    [3, Number.NaN, 1, 3, -2, Number.NaN],
    [0, 5, 5, -1, 2, 2],
  ];
  function sortedLoop(row: number[], descending: boolean): number[] {
    const key = (v: number) => (Number.isNaN(v) ? Number.POSITIVE_INFINITY : v);
    const idx = row.map((_, i) => i);
    // Array.prototype.sort is stable; NaN largest (last ascending, first descending).
    return idx.sort((a, b) => {
      const na = Number.isNaN(row[a]);
      const nb = Number.isNaN(row[b]);
      if (na || nb) return na === nb ? 0 : descending ? (na ? -1 : 1) : na ? 1 : -1;
      return descending ? key(row[b]) - key(row[a]) : key(row[a]) - key(row[b]);
    });
  }
  for (const descending of [false, true]) {
    for (const n of [6, 300]) {
      it(`sorts ${descending ? 'descending' : 'ascending'}, stable, NaN largest (rows of ${n})`, () => {
        const data =
          n === 6 ? rows : rows.map((r, k) => Array.from({ length: n }, (_, i) => r[(i * 7 + k) % 6]));
        const x = tensor(data);
        const v = out([2, n]);
        const ix = out([2, n], 'int32');
        referenceKernels.sortRows(info(x), descending, info(v), info(ix));
        const want = data.map((r) => sortedLoop(r, descending));
        expect(values(ix)).toEqual(want.flat());
        close(
          values(v),
          want.flatMap((p, r) => p.map((i) => data[r][i])),
        );
      });
    }
  }
  it('sorts int32 rows', () => {
    const x = tensor([[4, -1, 4, 0]], { dtype: 'int32' });
    const v = out([1, 4], 'int32');
    const ix = out([1, 4], 'int32');
    referenceKernels.sortRows(info(x), false, info(v), info(ix));
    expect(values(v)).toEqual([-1, 0, 4, 4]);
    expect(values(ix)).toEqual([1, 3, 0, 2]);
  });
});

describe('cumsum reference', () => {
  for (const reverse of [false, true]) {
    it(`running sums along axis 1 of [2, 5, 3]${reverse ? ', reversed' : ''}`, () => {
      const data = Array.from({ length: 30 }, (_, i) => ((i * 37) % 11) - 5);
      const x = tensor(data, { shape: [2, 5, 3] });
      const o = out([2, 5, 3]);
      referenceKernels.cumsum(info(x), 1, reverse, info(o));
      const want = data.map((_, f) => {
        const [a, i, c] = [Math.floor(f / 15), Math.floor(f / 3) % 5, f % 3];
        let s = 0;
        for (let j = 0; j < 5; j++) if (reverse ? j >= i : j <= i) s += data[a * 15 + j * 3 + c];
        return s;
      });
      close(values(o), want);
    });
  }
  it('int32 stays int32', () => {
    const x = tensor([1, 2, 3, 4], { dtype: 'int32' });
    const o = out([4], 'int32');
    referenceKernels.cumsum(info(x), 0, false, info(o));
    expect(values(o)).toEqual([1, 3, 6, 10]);
  });
});

describe('resizeAxis reference and its adjoint', () => {
  const cases: [string, ResizeAxisParams, number, number][] = [
    ['nearest up', { axis: 1, mode: 'nearest', alignCorners: false, scale: 3 / 7 }, 3, 7],
    ['nearest down', { axis: 1, mode: 'nearest', alignCorners: false, scale: 7 / 3 }, 7, 3],
    ['linear up', { axis: 1, mode: 'linear', alignCorners: false, scale: 3 / 7 }, 3, 7],
    ['linear down', { axis: 1, mode: 'linear', alignCorners: false, scale: 7 / 4 }, 7, 4],
    ['linear align corners', { axis: 1, mode: 'linear', alignCorners: true, scale: 0.5 }, 4, 8],
    ['linear to one', { axis: 1, mode: 'linear', alignCorners: true, scale: 4 }, 4, 1],
  ];
  function loop(x: number[][], p: ResizeAxisParams, n: number, o: number): number[][] {
    return x.map((row) =>
      Array.from({ length: o }, (_, i) => {
        if (p.mode === 'nearest') return row[Math.min(Math.floor(i * p.scale), n - 1)];
        const src = p.alignCorners
          ? o > 1
            ? (i * (n - 1)) / (o - 1)
            : 0
          : Math.max((i + 0.5) * p.scale - 0.5, 0);
        const i0 = Math.floor(src);
        const i1 = Math.min(i0 + 1, n - 1);
        const l = src - i0;
        return (1 - l) * row[i0] + l * row[i1];
      }),
    );
  }
  for (const [name, p, n, o] of cases) {
    it(`${name}: values as the index rule, backward is the adjoint`, () => {
      const data = [
        Array.from({ length: n }, (_, i) => Math.sin(i + 1)),
        Array.from({ length: n }, (_, i) => i * i),
      ];
      const x = tensor(data);
      const y = out([2, o]);
      referenceKernels.resizeAxis(info(x), p, info(y));
      const want = loop(data, p, n, o);
      close(values(y), want.flat());
      // <resize(x), g> = <x, resizeBackward(g)> for every x and g.
      const gData = Array.from({ length: 2 * o }, (_, i) => Math.cos(3 * i));
      const g = tensor(gData, { shape: [2, o] });
      const dx = out([2, n]);
      referenceKernels.resizeAxisBackward(info(g), p, info(dx));
      const lhs = want.flat().reduce((s, v, i) => s + v * gData[i], 0);
      const rhs = values(dx).reduce((s, v, i) => s + v * data.flat()[i], 0);
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-3 * (1 + Math.abs(lhs)));
    });
  }
});

describe('crossEntropy reference and its backward', () => {
  const logits = [
    [1, 2, 3],
    [-1, 0.5, 4],
    [0, 0, 0],
    [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
  ];
  const target = [2, 0, -100, 1];
  const params = { ignoreIndex: -100 };
  const lse = logits.map((r) => {
    const m = Math.max(...r);
    return m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0));
  });
  it('loss = logsumexp − logits[target], 0 where ignored, NaN for an all −Infinity row', () => {
    const loss = out([4]);
    const l = out([4]);
    referenceKernels.crossEntropy(
      info(tensor(logits)),
      info(tensor(target, { dtype: 'int32' })),
      params,
      info(loss),
      info(l),
    );
    close(values(loss), [lse[0] - 3, lse[1] + 1, 0, Number.NaN]);
    close(values(l).slice(0, 3), lse.slice(0, 3));
  });
  it('dlogits = dloss·(softmax − onehot), zero rows where ignored', () => {
    const dloss = [0.5, 2, 3, 1];
    const finite = logits.slice(0, 3);
    const got = out([3, 3]);
    referenceKernels.crossEntropyBackward(
      info(tensor(finite)),
      info(tensor(target.slice(0, 3), { dtype: 'int32' })),
      info(tensor(lse.slice(0, 3))),
      info(tensor(dloss.slice(0, 3))),
      params,
      info(got),
    );
    const want = finite.map((r, n) =>
      r.map((v, c) =>
        target[n] === -100 ? 0 : dloss[n] * (Math.exp(v - lse[n]) - (c === target[n] ? 1 : 0)),
      ),
    );
    close(values(got), want.flat());
  });
  it('allocates nothing that outlives the call', () => {
    const x = tensor(logits.slice(0, 2));
    const t = tensor([1, 2], { dtype: 'int32' });
    const loss = out([2]);
    const l = out([2]);
    const before = memory();
    referenceKernels.crossEntropy(info(x), info(t), params, info(loss), info(l));
    const after = memory();
    expect([after.tensors, after.storages, after.bytes]).toEqual([
      before.tensors,
      before.storages,
      before.bytes,
    ]);
  });
});
