/**
 * The session's optional kernels (sortRows, cumsum, resizeAxis and its adjoint, the fused
 * cross-entropy and its gradient) against their reference decompositions in @nnet/tensor, run on
 * the CPU backend (and the fused linear's epilogue against the same backend's unfused ops): random inputs with ties, NaN, ±Infinity, ignored targets and odd sizes (SIMD
 * tails), on one thread and split across two.
 */
import { CpuBackend } from '@nnet/backend-cpu';
import {
  type Backend,
  type DType,
  getBackend,
  referenceKernels,
  registerBackend,
  setBackend,
  type TensorInfo,
  type TypedArray,
} from '@nnet/tensor';
import { assertClose } from '@nnet/tensor/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from '../dist/index.js';

let wasm: WasmBackend;
let cpu: Backend;

beforeAll(async () => {
  wasm = await createWasmBackend({ threads: 2 });
  registerBackend('cpu-kernels-ref', () => new CpuBackend(), -1);
  await setBackend('cpu-kernels-ref');
  cpu = getBackend();
});

afterAll(() => wasm.dispose());

let seed = 17;
function rnd(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** An input: its dtype, shape and values. */
interface Input {
  dtype: DType;
  shape: number[];
  data: TypedArray;
}

/** An output: its dtype and shape. */
type Output = [DType, number[]];

/** Allocates inputs and outputs on `be`, runs `fn` and reads the outputs back. */
function runOn(
  be: Backend,
  inputs: Input[],
  outputs: Output[],
  fn: (ins: TensorInfo<unknown>[], outs: TensorInfo<unknown>[]) => void,
): number[][] {
  const ins = inputs.map(({ dtype, shape, data }) => {
    const handle = be.alloc(dtype, size(shape));
    be.write(handle, data);
    return { handle, dtype, shape };
  });
  const outs = outputs.map(([dtype, shape]) => {
    const handle = be.alloc(dtype, size(shape));
    // A sentinel, so an element the kernel leaves unwritten shows.
    const n = size(shape);
    be.write(
      handle,
      dtype === 'float32'
        ? new Float32Array(n).fill(777)
        : dtype === 'bool'
          ? new Uint8Array(n).fill(77)
          : new Int32Array(n).fill(777),
    );
    return { handle, dtype, shape };
  });
  fn(ins, outs);
  const read = outs.map((o) => Array.from(be.readSync!(o.handle, o.dtype, size(o.shape))));
  for (const t of [...ins, ...outs]) be.free(t.handle);
  return read;
}

/** Runs a kernel on wasm (with `threads`) and its reference on cpu; both results. */
async function both(
  threads: number,
  inputs: Input[],
  outputs: Output[],
  fn: (be: Backend, ins: TensorInfo<unknown>[], outs: TensorInfo<unknown>[]) => void,
): Promise<[number[][], number[][]]> {
  // The pool stays up (starting workers is slow on a busy host): two threads split every call
  // that can be split, however small; one thread splits none.
  wasm.setCostModel({ dispatch: threads > 1 ? 0 : Number.POSITIVE_INFINITY });
  const actual = runOn(wasm as Backend, inputs, outputs, (i, o) => fn(wasm as Backend, i, o));
  const expected = runOn(cpu, inputs, outputs, (i, o) =>
    fn({ ...referenceKernels } as unknown as Backend, i, o),
  );
  return [actual, expected];
}

/**
 * Within rtol·(1 + |expected|), NaN and ±Infinity exactly (the rule of `@nnet/tensor/testing`);
 * rtol = 0 asks for identical values (NaN for NaN, -0 is not 0).
 */
function expectClose(actual: number[], expected: number[], rtol: number, what: string): void {
  if (rtol === 0) expect(actual, what).toEqual(expected);
  else assertClose(actual, expected, { rtol, atol: rtol, what });
}

const f32 = (shape: number[], f: () => number): Input => ({
  dtype: 'float32',
  shape,
  data: Float32Array.from({ length: size(shape) }, f),
});
const i32 = (shape: number[], f: () => number): Input => ({
  dtype: 'int32',
  shape,
  data: Int32Array.from({ length: size(shape) }, f),
});

describe('sortRows', () => {
  it('sorts rows stably, NaN largest, both directions, float32 and int32 (exact), on 1 and 2 threads', async () => {
    // Small integers make many ties; NaN and ±Infinity sprinkled in; rows longer than a run of 16.
    const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0];
    for (const [R, n] of [
      [1, 1],
      [3, 7],
      [4, 16],
      [5, 33],
      [2, 300],
    ]) {
      const xf = f32([R, n], () => (rnd() < 0.15 ? special[Math.floor(rnd() * 5)] : Math.floor(rnd() * 6)));
      const xi = i32([R, n], () => Math.floor(rnd() * 9) - 4);
      for (const x of [xf, xi]) {
        for (const descending of [false, true]) {
          for (const threads of [1, 2]) {
            const [a, e] = await both(
              threads,
              [x],
              [
                [x.dtype, [R, n]],
                ['int32', [R, n]],
              ],
              (be, [t], [v, ix]) => be.sortRows!(t, descending, v, ix),
            );
            const what = `${x.dtype} [${R}, ${n}] ${descending ? 'descending' : 'ascending'} on ${threads} thread(s)`;
            expectClose(a[0], e[0], 0, `${what} values`);
            expect(a[1], `${what} indices`).toEqual(e[1]);
          }
        }
      }
    }
  });
});

describe('cumsum', () => {
  it('runs forward and reversed along every axis, float32 (in order) and int32 (wrapping), on 1 and 2 threads', async () => {
    for (const shape of [[7], [3, 5], [2, 9, 6], [4, 1, 3]]) {
      const xf = f32(shape, () => rnd() * 4 - 2);
      const xi = i32(shape, () => Math.floor(rnd() * 2 ** 31) * (rnd() < 0.5 ? -1 : 1));
      for (const x of [xf, xi]) {
        for (let axis = 0; axis < shape.length; axis++) {
          for (const reverse of [false, true]) {
            for (const threads of [1, 2]) {
              const [a, e] = await both(threads, [x], [[x.dtype, shape]], (be, [t], [o]) =>
                be.cumsum!(t, axis, reverse, o),
              );
              const what = `${x.dtype} [${shape}] axis ${axis} on ${threads} thread(s)`;
              expectClose(a[0], e[0], x.dtype === 'int32' ? 0 : 1e-6, what);
            }
          }
        }
      }
    }
  });
});

describe('resizeAxis', () => {
  it('resizes and takes the adjoint in both modes, align-corners rules, up and down, on 1 and 2 threads', async () => {
    const cases: [number, number, number][] = [
      [4, 8, 0.5],
      [5, 3, 5 / 3],
      [6, 13, 6 / 13],
      [3, 1, 3],
      [1, 4, 0.25],
      [7, 7, 1],
      [4, 10, 1 / 2.5],
    ];
    for (const [inSize, outSize, scale] of cases) {
      for (const mode of ['nearest', 'linear'] as const) {
        for (const alignCorners of mode === 'linear' ? [false, true] : [false]) {
          for (const axis of [0, 1, 2]) {
            const shape = [2, 3, 5];
            shape[axis] = inSize;
            const outShape = [...shape];
            outShape[axis] = outSize;
            const p = { axis, mode, alignCorners, scale };
            const what = `${mode}${alignCorners ? ' corners' : ''} ${inSize}->${outSize} axis ${axis}`;
            const x = f32(shape, () => rnd() * 2 - 1);
            const dy = f32(outShape, () => rnd() * 2 - 1);
            for (const threads of [1, 2]) {
              const [a, e] = await both(threads, [x], [['float32', outShape]], (be, [t], [o]) =>
                be.resizeAxis!(t, p, o),
              );
              expectClose(a[0], e[0], 1e-6, `${what} on ${threads} thread(s)`);
              const [ga, ge] = await both(threads, [dy], [['float32', shape]], (be, [t], [o]) =>
                be.resizeAxisBackward!(t, p, o),
              );
              expectClose(ga[0], ge[0], 1e-5, `${what} backward on ${threads} thread(s)`);
            }
          }
        }
      }
    }
  });
});

describe('attention with infinities', () => {
  it('weight-0 keys with an infinite value give NaN and a +Infinity score gives lse +Infinity, in 4-row blocks and the last rows', async () => {
    // L = 6: one 4-row block and 2 rows after it; Ev = 11: 8 vector columns and 3 after them.
    const [B, L, S, E, Ev] = [1, 6, 5, 4, 11];
    const q = f32([B, L, E], () => rnd() - 0.5);
    const k = f32([B, S, E], () => rnd() - 0.5);
    const v = f32([B, S, Ev], () => rnd() - 0.5);
    // Key 2's value row holds +∞ (column 1) and NaN (column 9); every query masks key 2 (weight 0).
    v.data[2 * Ev + 1] = Number.POSITIVE_INFINITY;
    v.data[2 * Ev + 9] = Number.NaN;
    const mask = f32([1, L, S], () => rnd() - 0.5);
    for (let i = 0; i < L; i++) mask.data[i * S + 2] = Number.NEGATIVE_INFINITY;
    // A +∞ score in a block row (1) and in a last row (5).
    mask.data[1 * S + 0] = Number.POSITIVE_INFINITY;
    mask.data[5 * S + 4] = Number.POSITIVE_INFINITY;
    const params = { scale: 0.5, causal: false };
    for (const threads of [1, 2]) {
      const [a, e] = await both(
        threads,
        [q, k, v, mask],
        [
          ['float32', [B, L, Ev]],
          ['float32', [B, L]],
        ],
        (be, [tq, tk, tv, tm], [o, lse]) => be.attention!(tq, tk, tv, tm, params, o, lse),
      );
      expectClose(a[0], e[0], 1e-5, `out on ${threads} thread(s)`);
      expectClose(a[1], e[1], 1e-5, `lse on ${threads} thread(s)`);
      // The cases are there: NaN columns 1 and 9 in each row, lse +∞ in rows 1 and 5.
      for (const i of [0, 4, 5])
        expect(Number.isNaN(a[0][i * Ev + 1]) && Number.isNaN(a[0][i * Ev + 9])).toBe(true);
      expect(Number.isFinite(a[0][0 * Ev + 0])).toBe(true);
      expect([a[1][1], a[1][5]]).toEqual([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
    }
  });
});

describe('resizeAxis nearest index', () => {
  it('computes the source index in float32 as PyTorch (in 2, out 82: output 41 reads input 0)', () => {
    const x: Input = { dtype: 'float32', shape: [2], data: Float32Array.of(10, 20) };
    const p = { axis: 0, mode: 'nearest' as const, alignCorners: false, scale: 2 / 82 };
    // ⌊41·(2/82)⌋ = 1 in float64; fround(41·fround(2/82)) = 0.99999994, so torch reads x[0].
    const [out] = runOn(wasm as Backend, [x], [['float32', [82]]], ([t], [o]) =>
      (wasm as Backend).resizeAxis!(t, p, o),
    );
    expect(out[40]).toBe(10);
    expect(out[41]).toBe(10);
    expect(out[42]).toBe(20);
    expect(out.indexOf(20)).toBe(42);
  });
});

describe('crossEntropy', () => {
  it('forward and backward match the reference, with ignored rows and an all -Infinity row, on 1 and 2 threads', async () => {
    for (const [N, C] of [
      [1, 1],
      [5, 3],
      [9, 10],
      [600, 37],
    ]) {
      const logits = f32([N, C], () => rnd() * 10 - 5);
      const data = logits.data as Float32Array;
      if (N > 2) data.fill(Number.NEGATIVE_INFINITY, C, 2 * C); // row 1: all −∞ → NaN
      const target = i32([N], () => (rnd() < 0.2 ? -100 : Math.floor(rnd() * C)));
      const dloss = f32([N], () => rnd() * 2 - 1);
      const params = { ignoreIndex: -100 };
      for (const threads of [1, 2]) {
        const what = `[${N}, ${C}] on ${threads} thread(s)`;
        const [a, e] = await both(
          threads,
          [logits, target],
          [
            ['float32', [N]],
            ['float32', [N]],
          ],
          (be, [x, t], [loss, lse]) => be.crossEntropy!(x, t, params, loss, lse),
        );
        expectClose(a[0], e[0], 1e-5, `${what} loss`);
        expectClose(a[1], e[1], 1e-5, `${what} logsumexp`);
        const lse = f32([N], () => 0);
        (lse.data as Float32Array).set(e[1]);
        const [ga, ge] = await both(
          threads,
          [logits, target, lse, dloss],
          [['float32', [N, C]]],
          (be, [x, t, l, d], [dx]) => be.crossEntropyBackward!(x, t, l, d, params, dx),
        );
        expectClose(ga[0], ge[0], 1e-5, `${what} dlogits`);
      }
    }
  });
});

describe('GEMM K blocks', () => {
  it('matmul over depths around the 256-deep block (equal blocks, a partial last one), every transpose, odd tiles: the CPU backend within 1e-5; 1 and 2 threads', () => {
    // The output starts as a sentinel: the first K block must overwrite it, later ones add.
    for (const [M, N, K] of [
      [5, 9, 1],
      [9, 17, 255],
      [7, 13, 257],
      [4, 8, 784],
      [13, 11, 1030],
    ]) {
      for (const [transA, transB] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ]) {
        const a = f32(transA ? [1, K, M] : [1, M, K], () => rnd() * 2 - 1);
        const b = f32(transB ? [1, N, K] : [1, K, N], () => rnd() * 2 - 1);
        const product = (be: Backend) =>
          runOn(be, [a, b], [['float32', [1, M, N]]], ([x, y], [o]) =>
            be.matmul(x, y, o, { transA, transB }),
          )[0];
        const expected = product(cpu);
        for (const threads of [1, 2]) {
          wasm.setCostModel({ dispatch: threads > 1 ? 0 : Number.POSITIVE_INFINITY });
          const what = `[${M}, ${K}]·[${K}, ${N}] transA ${transA} transB ${transB} on ${threads} thread(s)`;
          expectClose(product(wasm as Backend), expected, 1e-5, what);
        }
      }
    }
    wasm.setCostModel({});
  });
});

describe('linear epilogue', () => {
  it('bias and relu (SIMD) equal the unfused matmul, add and relu bit for bit; tanh and sigmoid within 1e-6; 1 and 2 threads', () => {
    const edges = [Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1e-3, 2];
    for (const [M, K] of [
      [3, 5],
      [9, 0],
      [9, 37],
    ]) {
      for (const N of [1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17, 24]) {
        const x = f32([M, K], () => rnd() * 2 - 1);
        const w = f32([N, K], () => rnd() * 2 - 1);
        // Bias columns 0..6 the edges (NaN, ±0, ±Infinity, a small negative, 2), then random.
        const b = f32([N], () => rnd() * 2 - 1);
        (b.data as Float32Array).set(edges.slice(0, N));
        for (const threads of [1, 2]) {
          wasm.setCostModel({ dispatch: threads > 1 ? 0 : Number.POSITIVE_INFINITY });
          for (const act of ['none', 'relu', 'tanh', 'sigmoid'] as const) {
            for (const bias of [true, false]) {
              if (act === 'none' && !bias) continue;
              const be = wasm as Backend;
              const [fused] = runOn(be, [x, w, b], [['float32', [M, N]]], ([xt, wt, bt], [o]) =>
                be.linear!(xt, wt, bias ? bt : null, act, o),
              );
              const [unfused] = runOn(be, [x, w, b], [['float32', [1, M, N]]], ([xt, wt, bt], [o]) => {
                const x3 = { ...xt, shape: [1, M, K] };
                const w3 = { ...wt, shape: [1, N, K] };
                be.matmul(x3, w3, o, { transA: false, transB: true });
                if (bias) be.binary('add', o, { ...bt, shape: [1, 1, N] }, o);
                if (act !== 'none') be.unary(act, o, o);
              });
              const what = `[${M}, ${K}]·[${N}, ${K}]ᵀ ${act} bias ${bias} on ${threads} thread(s)`;
              expectClose(fused, unfused, act === 'none' || act === 'relu' ? 0 : 1e-6, what);
            }
          }
        }
      }
    }
    wasm.setCostModel({});
  });
});

describe('broadcast walks with merged dims', () => {
  it('binary, compare and where over channel-like broadcasts equal the CPU backend exactly, on 1 and 2 threads', () => {
    const pairs: [number[], number[]][] = [
      [
        [3, 4, 5, 6],
        [1, 4, 1, 1],
      ],
      [
        [1, 4, 1, 1],
        [3, 4, 5, 6],
      ],
      [
        [3, 1, 5, 6],
        [1, 4, 1, 1],
      ],
      [
        [3, 4, 1, 7],
        [3, 1, 1, 7],
      ],
      [
        [2, 1, 1, 9],
        [1, 1, 1, 1],
      ],
      [
        [1, 1, 1],
        [1, 1, 1],
      ],
      [
        [5, 2, 3],
        [5, 2, 1],
      ],
    ];
    const be = wasm as Backend;
    for (const [sa, sb] of pairs) {
      const out = sa.map((d, i) => Math.max(d, sb[i]));
      const a = f32(sa, () => Math.round(rnd() * 8 - 4) / 2);
      const b = f32(sb, () => Math.round(rnd() * 8 - 4) / 2);
      const cond: Input = {
        dtype: 'bool',
        shape: sb,
        data: Uint8Array.from({ length: size(sb) }, () => (rnd() < 0.5 ? 1 : 0)),
      };
      const run = (k: Backend): number[][] => [
        ...(['add', 'mul', 'maximum'] as const).map(
          (op) => runOn(k, [a, b], [['float32', out]], ([x, y], [o]) => k.binary(op, x, y, o))[0],
        ),
        runOn(k, [a, b], [['bool', out]], ([x, y], [o]) => k.compare('lt', x, y, o))[0],
        runOn(k, [cond, a, b], [['float32', out]], ([c, x, y], [o]) => k.where(c, x, y, o))[0],
      ];
      const want = run(cpu);
      for (const threads of [1, 2]) {
        wasm.setCostModel({ dispatch: threads > 1 ? 0 : Number.POSITIVE_INFINITY });
        const got = run(be);
        for (const [i, what] of ['add', 'mul', 'maximum', 'lt', 'where'].entries())
          expectClose(got[i], want[i], 0, `${what} [${sa}] with [${sb}] on ${threads} thread(s)`);
      }
    }
    wasm.setCostModel({});
  });
});
