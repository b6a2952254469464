import type {
  Conv2dParams,
  DType,
  FusedActivation,
  Pool2dParams,
  TensorInfo,
  TypedArray,
} from '@nnet/tensor';
import { assertClose } from '@nnet/tensor/testing';
import { describe, expect, it } from 'vitest';
import { CpuBackend, type CpuHandle } from '../src/index.js';

const be = new CpuBackend();
let seed = 1;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648 - 0.5;
};
const randArray = (n: number) => Float32Array.from({ length: n }, rnd);
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function info(data: TypedArray, shape: number[], dtype: DType = 'float32'): TensorInfo<CpuHandle> {
  const h = be.alloc(dtype, size(shape));
  be.write(h, data);
  return { handle: h, dtype, shape };
}
function out(shape: number[], dtype: DType = 'float32'): TensorInfo<CpuHandle> {
  return { handle: be.alloc(dtype, size(shape)), dtype, shape };
}
/**
 * The first `want.length` elements of a storage (it may be larger than the tensor) within
 * |got − want| ≤ 1e-4·(1 + |want|), NaN and ±Infinity exactly.
 */
const expectClose = (got: TypedArray, want: ArrayLike<number>): number =>
  assertClose(got.subarray(0, want.length), want, { rtol: 1e-4, atol: 1e-4 });

describe('matmul (packed GEMM)', () => {
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [2, 9, 11],
    [3, 5, 7],
    [33, 17, 65],
    [130, 70, 129],
    [5, 300, 4],
    [6, 20, 530],
  ];
  for (const [M, K, N] of sizes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`${M}x${K}x${N} transA=${transA} transB=${transB}, batch 2 with a broadcast operand`, () => {
          const B = 2;
          const a = randArray(B * M * K);
          const b = randArray(K * N);
          const A = (bt: number, i: number, k: number) => a[bt * M * K + (transA ? k * M + i : i * K + k)];
          const Bv = (k: number, j: number) => b[transB ? j * K + k : k * N + j];
          const want = new Float64Array(B * M * N);
          for (let bt = 0; bt < B; bt++)
            for (let i = 0; i < M; i++)
              for (let j = 0; j < N; j++) {
                let s = 0;
                for (let k = 0; k < K; k++) s += A(bt, i, k) * Bv(k, j);
                want[bt * M * N + i * N + j] = s;
              }
          const o = out([B, M, N]);
          be.matmul(info(a, transA ? [B, K, M] : [B, M, K]), info(b, transB ? [1, N, K] : [1, K, N]), o, {
            transA,
            transB,
          });
          expectClose(o.handle.data, want);
        });
      }
    }
  }
});

describe('linear (GEMM with a fused bias and activation)', () => {
  const act: Record<FusedActivation, (v: number) => number> = {
    none: (v) => v,
    relu: (v) => (v > 0 ? v : v === v ? 0 : v),
    tanh: Math.tanh,
    sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  };
  // 1 and 2 rows take the unpacked path, 70 rows the packed one; 530 columns span two NC blocks.
  const shapes: [number, number, number][] = [
    [1, 33, 9],
    [2, 300, 17],
    [70, 40, 530],
  ];
  for (const [M, K, N] of shapes) {
    for (const activation of ['none', 'relu', 'tanh', 'sigmoid'] as const) {
      for (const withBias of [true, false]) {
        it(`${M}x${K} · [${N}, ${K}]ᵀ, ${activation}, ${withBias ? 'with' : 'without'} bias`, () => {
          const x = randArray(M * K);
          const w = randArray(N * K);
          const b = randArray(N);
          const want = new Float64Array(M * N);
          for (let i = 0; i < M; i++)
            for (let j = 0; j < N; j++) {
              let s = withBias ? b[j] : 0;
              for (let k = 0; k < K; k++) s += x[i * K + k] * w[j * K + k];
              want[i * N + j] = act[activation](s);
            }
          const o = out([M, N]);
          be.linear?.(info(x, [M, K]), info(w, [N, K]), withBias ? info(b, [N]) : null, activation, o);
          expectClose(o.handle.data, want);
        });
      }
    }
  }

  it('relu keeps NaN, sigmoid saturates without NaN', () => {
    const o = out([1, 3]);
    const x = info(Float32Array.from([1]), [1, 1]);
    be.linear?.(x, info(Float32Array.from([Number.NaN, -2000, 2000]), [3, 1]), null, 'relu', o);
    expectClose(o.handle.data, [Number.NaN, 0, 2000]);
    be.linear?.(x, info(Float32Array.from([0, -2000, 2000]), [3, 1]), null, 'sigmoid', o);
    expectClose(o.handle.data, [0.5, 0, 1]);
  });
});

function naiveConv(
  x: Float32Array,
  xs: number[],
  w: Float32Array,
  ws: number[],
  p: Conv2dParams,
  Ho: number,
  Wo: number,
) {
  const [N, C, H, W] = xs;
  const [O, Cg, kH, kW] = ws;
  const Og = O / p.groups;
  const y = new Float64Array(N * O * Ho * Wo);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++) {
      const g = Math.floor(o / Og);
      for (let oh = 0; oh < Ho; oh++)
        for (let ow = 0; ow < Wo; ow++) {
          let s = 0;
          for (let c = 0; c < Cg; c++)
            for (let i = 0; i < kH; i++)
              for (let j = 0; j < kW; j++) {
                const h = oh * p.strideH - p.padH + i * p.dilationH;
                const ww = ow * p.strideW - p.padW + j * p.dilationW;
                if (h < 0 || h >= H || ww < 0 || ww >= W) continue;
                s += x[((n * C + g * Cg + c) * H + h) * W + ww] * w[((o * Cg + c) * kH + i) * kW + j];
              }
          y[((n * O + o) * Ho + oh) * Wo + ow] = s;
        }
    }
  return y;
}

describe('conv2d and its gradients', () => {
  const p: Conv2dParams = { strideH: 2, strideW: 1, padH: 1, padW: 2, dilationH: 2, dilationW: 1, groups: 2 };
  const xs = [2, 4, 9, 7];
  const ws = [6, 2, 3, 2];
  const Ho = Math.floor((9 + 2 - 2 * 2 - 1) / 2) + 1;
  const Wo = Math.floor((7 + 4 - 1 - 1) / 1) + 1;
  const x = randArray(size(xs));
  const w = randArray(size(ws));
  const dy = randArray(2 * 6 * Ho * Wo);
  // The adjoint identity <conv(x), dy> = <x, dX(dy)> = <w, dW(dy)> checks both gradients against the naive forward.
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  };

  it('forward matches a direct convolution (stride, padding, dilation, groups, bias)', () => {
    const bias = randArray(6);
    const o = out([2, 6, Ho, Wo]);
    be.conv2d(info(x, xs), info(w, ws), info(bias, [6]), p, o);
    const want = naiveConv(x, xs, w, ws, p, Ho, Wo).map((v, i) => v + bias[Math.floor(i / (Ho * Wo)) % 6]);
    expectClose(o.handle.data, want);
  });

  it('conv2dBackwardInput is the adjoint of the forward in x', () => {
    const dx = out(xs);
    be.conv2dBackwardInput(info(dy, [2, 6, Ho, Wo]), info(w, ws), p, dx);
    // Each basis direction e_i of x: <conv(e_i), dy> = dx[i]. Check a sample of positions.
    for (const i of [0, 5, 77, 200, size(xs) - 1]) {
      const e = new Float32Array(size(xs));
      e[i] = 1;
      expect(dx.handle.data[i]).toBeCloseTo(dot(naiveConv(e, xs, w, ws, p, Ho, Wo), dy), 4);
    }
  });

  it('conv2dBackwardFilter is the adjoint of the forward in w', () => {
    const dw = out(ws);
    be.conv2dBackwardFilter(info(x, xs), info(dy, [2, 6, Ho, Wo]), p, dw);
    for (let i = 0; i < size(ws); i++) {
      const e = new Float32Array(size(ws));
      e[i] = 1;
      expect(dw.handle.data[i]).toBeCloseTo(dot(naiveConv(x, xs, e, ws, p, Ho, Wo), dy), 4);
    }
  });
});

describe('pooling', () => {
  const xs = [1, 2, 5, 5];
  const x = randArray(size(xs));
  const p: Pool2dParams = {
    kernelH: 3,
    kernelW: 3,
    strideH: 2,
    strideW: 2,
    padH: 1,
    padW: 1,
    countIncludePad: false,
  };
  it('maxPool2d values, indices and backward', () => {
    const o = out([1, 2, 3, 3]);
    const ix = out([1, 2, 3, 3], 'int32');
    be.maxPool2d(info(x, xs), p, o, ix);
    for (let c = 0; c < 2; c++)
      for (let oh = 0; oh < 3; oh++)
        for (let ow = 0; ow < 3; ow++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let h = oh * 2 - 1; h < oh * 2 + 2; h++)
            for (let w = ow * 2 - 1; w < ow * 2 + 2; w++)
              if (h >= 0 && h < 5 && w >= 0 && w < 5 && x[c * 25 + h * 5 + w] > best) {
                best = x[c * 25 + h * 5 + w];
                at = h * 5 + w;
              }
          expect(o.handle.data[c * 9 + oh * 3 + ow]).toBe(best);
          expect(ix.handle.data[c * 9 + oh * 3 + ow]).toBe(at);
        }
    const dx = out(xs);
    be.maxPool2dBackward(info(new Float32Array(18).fill(1), [1, 2, 3, 3]), ix, dx);
    expect(Array.from(dx.handle.data).reduce((a, b) => a + b, 0)).toBe(18);
  });

  it('avgPool2d with and without counting the padding', () => {
    for (const countIncludePad of [true, false]) {
      const o = out([1, 2, 3, 3]);
      be.avgPool2d(info(x, xs), { ...p, countIncludePad }, o);
      // The corner window covers 2x2 real cells out of 3x3.
      const corner = (x[0] + x[1] + x[5] + x[6]) / (countIncludePad ? 9 : 4);
      expect(o.handle.data[0]).toBeCloseTo(corner, 6);
      const dx = out(xs);
      be.avgPool2dBackward(info(new Float32Array(18).fill(1), [1, 2, 3, 3]), { ...p, countIncludePad }, dx);
      expect(dx.handle.data[0]).toBeCloseTo(1 / (countIncludePad ? 9 : 4), 6);
    }
  });
});

describe('elementwise, reductions, indexing', () => {
  it('binary broadcasting across ranks and NaN propagation in maximum', () => {
    const a = info(Float32Array.from([1, 2, 3]), [1, 3]);
    const b = info(Float32Array.from([10, Number.NaN]), [2, 1]);
    const o = out([2, 3]);
    be.binary('add', a, b, o);
    expectClose(o.handle.data, [11, 12, 13, Number.NaN, Number.NaN, Number.NaN]);
    be.binary('maximum', a, b, o);
    expectClose(o.handle.data, [10, 10, 10, Number.NaN, Number.NaN, Number.NaN]);
    const c = out([2, 3], 'bool');
    be.compare('lt', a, b, c);
    expect(Array.from(c.handle.data)).toEqual([1, 1, 1, 0, 0, 0]);
  });

  it('int32 and bool dtypes', () => {
    const i = info(Int32Array.from([7, -7]), [2], 'int32');
    const o = out([2], 'int32');
    be.binary('mul', i, info(Int32Array.from([3]), [1], 'int32'), o);
    expect(Array.from(o.handle.data)).toEqual([21, -21]);
    const f = out([2], 'bool');
    be.cast(info(Float32Array.from([0, Number.NaN]), [2]), f);
    expect(Array.from(f.handle.data)).toEqual([0, 1]);
    const t = out([2], 'int32');
    be.cast(info(Float32Array.from([2.7, -2.7]), [2]), t);
    expect(Array.from(t.handle.data)).toEqual([2, -2]);
  });

  it('reductions over middle axes, empty dims and NaN', () => {
    const x = Float32Array.from({ length: 24 }, (_, k) => k);
    const o = out([2, 1, 4]);
    be.reduce('sum', info(x, [2, 3, 4]), [1], o);
    expectClose(o.handle.data, [12, 15, 18, 21, 48, 51, 54, 57]);
    const m = out([1, 3, 1]);
    be.reduce('max', info(x, [2, 3, 4]), [0, 2], m);
    expectClose(m.handle.data, [15, 19, 23]);
    const e = out([1, 3]);
    be.reduce('prod', info(new Float32Array(0), [0, 3]), [0], e);
    expectClose(e.handle.data, [1, 1, 1]);
    const n = out([1]);
    be.reduce('min', info(Float32Array.from([1, Number.NaN, -1]), [3]), [0], n);
    expect(n.handle.data[0]).toBeNaN();
    const am = out([2, 1], 'int32');
    be.argReduce('argmax', info(Float32Array.from([1, 3, 3, 0, Number.NaN, 5]), [2, 3]), 1, am);
    expect(Array.from(am.handle.data)).toEqual([1, 1]);
  });

  it('copyStrided, gather and scatterAdd', () => {
    const x = Float32Array.from({ length: 6 }, (_, k) => k);
    const h = be.alloc('float32', 6);
    be.write(h, x);
    const o = out([3, 2]);
    be.copyStrided({ handle: h, dtype: 'float32', shape: [3, 2], strides: [1, 3], offset: 0 }, o);
    expect(Array.from(o.handle.data)).toEqual([0, 3, 1, 4, 2, 5]);
    const g = out([2, 2]);
    be.gather(info(x, [2, 3]), 1, info(Int32Array.from([2, 0, 1, 1]), [2, 2], 'int32'), g);
    expect(Array.from(g.handle.data)).toEqual([2, 0, 4, 4]);
    const s = out([2, 3]);
    be.fill(s, 0);
    be.scatterAdd(
      s,
      1,
      info(Int32Array.from([2, 2, 0, 1]), [2, 2], 'int32'),
      info(Float32Array.from([1, 2, 3, 4]), [2, 2]),
    );
    expect(Array.from(s.handle.data)).toEqual([0, 0, 3, 3, 4, 0]);
  });

  it('gather writes 0 (false) for an out-of-range index; scatterAdd drops its contribution', () => {
    const data: Record<DType, TypedArray> = {
      float32: Float32Array.from([1, 2, 3, 4, 5, 6]),
      int32: Int32Array.from([1, 2, 3, 4, 5, 6]),
      bool: Uint8Array.from([1, 1, 1, 1, 1, 1]),
    };
    // Along axis 1 of [2, 3]: -1, 3 and a huge index are out of range; 2 and 0 are not.
    const index = info(Int32Array.from([-1, 2, 3, 0, 2147483647, -2147483648]), [2, 3], 'int32');
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const g = out([2, 3], dtype);
      be.fill(g, 7);
      be.gather(info(data[dtype], [2, 3], dtype), 1, index, g);
      const v = (k: number) => (dtype === 'bool' ? 1 : k);
      expect(Array.from(g.handle.data)).toEqual([0, v(3), 0, v(4), 0, 0]);
    }
    // Along axis 0 of [2, 2] and on 0-d tensors, where the only valid index is 0.
    const g0 = out([2, 2]);
    be.gather(
      info(Float32Array.from([1, 2, 3, 4]), [2, 2]),
      0,
      info(Int32Array.from([1, 2, -1, 0]), [2, 2], 'int32'),
      g0,
    );
    expect(Array.from(g0.handle.data)).toEqual([3, 0, 0, 2]);
    const scalar = out([]);
    be.gather(info(Float32Array.from([9]), []), 0, info(Int32Array.from([1]), [], 'int32'), scalar);
    expect(scalar.handle.data[0]).toBe(0);

    for (const dtype of ['float32', 'int32'] as const) {
      const s = out([2, 3], dtype);
      be.fill(s, 10);
      be.scatterAdd(s, 1, index, info(data[dtype], [2, 3], dtype));
      expect(Array.from(s.handle.data)).toEqual([10, 10, 12, 14, 10, 10]);
    }
    const s0 = out([]);
    be.fill(s0, 1);
    be.scatterAdd(s0, 0, info(Int32Array.from([-1]), [], 'int32'), info(Float32Array.from([5]), []));
    expect(s0.handle.data[0]).toBe(1);
  });

  it('softmax and logSoftmax along a middle axis are stable', () => {
    const o = out([1, 2, 2]);
    be.softmax(info(Float32Array.from([1000, 0, 1001, 0]), [1, 2, 2]), 1, o);
    expectClose(o.handle.data, [1 / (1 + Math.E), 0.5, Math.E / (1 + Math.E), 0.5]);
    be.logSoftmax(info(Float32Array.from([1000, 0, 1001, 0]), [1, 2, 2]), 1, o);
    expectClose(o.handle.data, [-Math.log1p(Math.E), -Math.log(2), -Math.log1p(1 / Math.E), -Math.log(2)]);
  });
});

describe('storage', () => {
  it('memory() counts live storages and bytes; reserved adds the freed arrays kept for reuse', () => {
    const fresh = new CpuBackend();
    const a = fresh.alloc('float32', 10);
    const b = fresh.alloc('bool', 3);
    expect(fresh.memory()).toEqual({ storages: 2, bytes: 43, reserved: 43 });
    fresh.free(a);
    fresh.free(b);
    expect(fresh.memory()).toEqual({ storages: 0, bytes: 0, reserved: 43 });
    fresh.dispose();
    expect(fresh.memory()).toEqual({ storages: 0, bytes: 0, reserved: 0 });
  });

  it('alloc reuses a freed array of the same dtype and size, never one of another', () => {
    const fresh = new CpuBackend();
    const a = fresh.alloc('float32', 4);
    fresh.free(a);
    const asInt = fresh.alloc('int32', 4);
    expect(asInt.data).toBeInstanceOf(Int32Array);
    expect(fresh.alloc('float32', 5).data).not.toBe(a.data);
    const again = fresh.alloc('float32', 4);
    expect(again.data).toBe(a.data);
    expect(fresh.alloc('float32', 4).data).not.toBe(a.data);
    expect(fresh.memory().reserved).toBe(fresh.memory().bytes);
  });
});
