// nnet WebAssembly kernels (AssemblyScript, 128-bit SIMD; relaxed FMA in the relaxed build).
// Memory is managed by the TypeScript side: every argument is a byte offset into linear memory,
// and shape/stride parameters are passed through an i32 parameter block.

// ---- GEMM -------------------------------------------------------------------------------------
// C[M×N] = op(A)·op(B) (+ C when accumulate). Element (i, k) of op(A) is at a + 4·(i·aRow + k·aCol),
// so a transpose is a pair of swapped strides, absorbed by packing. Panels: 4 rows of A and 8
// columns of B per 256-deep K block; the 4×8 tile of C lives in eight v128 accumulators.

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 512;

/** Bytes of scratch the GEMM needs (packed A and B blocks plus one tile). */
export function gemmScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

@inline function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(c, f32x4.mul(a, b));
  }
}

/** Stores the 4x4 transpose of rows r0..r3 at dst, dst + stride, dst + 2·stride, dst + 3·stride. */
@inline function storeTransposed4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: usize): void {
  const a = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const b = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const c = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const d = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(a, c, 0, 1, 4, 5));
  v128.store(dst + stride, v128.shuffle<f32>(a, c, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, v128.shuffle<f32>(b, d, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, v128.shuffle<f32>(b, d, 2, 3, 6, 7));
}

function packA(a: usize, rs: i32, cs: i32, mc: i32, kc: i32, dst: usize): void {
  let p = dst;
  for (let i = 0; i < mc; i += MR) {
    const h = min(MR, mc - i);
    let k = 0;
    if (h == MR && rs == 1) {
      // Transposed A: the 4 rows at one k are adjacent.
      for (; k < kc; k++) {
        v128.store(p, v128.load(a + (<usize>(i + k * cs) << 2)));
        p += 16;
      }
      continue;
    }
    if (h == MR && cs == 1) {
      // Row-major A: read 4 k at a time from each row and transpose.
      const row = a + (<usize>(i * rs) << 2);
      const rb = <usize>rs << 2;
      for (; k + 4 <= kc; k += 4) {
        const src = row + (<usize>k << 2);
        storeTransposed4(v128.load(src), v128.load(src + rb), v128.load(src + 2 * rb), v128.load(src + 3 * rb), p, 16);
        p += 64;
      }
    }
    for (; k < kc; k++) {
      const base = a + (<usize>(i * rs + k * cs) << 2);
      for (let r = 0; r < MR; r++) {
        store<f32>(p, r < h ? load<f32>(base + (<usize>(r * rs) << 2)) : 0);
        p += 4;
      }
    }
  }
}

function packB(b: usize, rs: i32, cs: i32, kc: i32, nc: i32, dst: usize): void {
  let p = dst;
  for (let j = 0; j < nc; j += NR) {
    const w = min(NR, nc - j);
    let k = 0;
    if (w == NR && cs == 1) {
      for (; k < kc; k++) {
        const src = b + (<usize>(k * rs + j) << 2);
        v128.store(p, v128.load(src));
        v128.store(p + 16, v128.load(src + 16));
        p += 32;
      }
      continue;
    }
    if (w == NR && rs == 1) {
      // Bᵀ stored row-major (a weight matrix [N, K]): 4 k at a time from 8 rows, transposed.
      const col = b + (<usize>(j * cs) << 2);
      const cb = <usize>cs << 2;
      for (; k + 4 <= kc; k += 4) {
        const src = col + (<usize>k << 2);
        storeTransposed4(v128.load(src), v128.load(src + cb), v128.load(src + 2 * cb), v128.load(src + 3 * cb), p, 32);
        const src4 = src + 4 * cb;
        storeTransposed4(v128.load(src4), v128.load(src4 + cb), v128.load(src4 + 2 * cb), v128.load(src4 + 3 * cb), p + 16, 32);
        p += 128;
      }
    }
    for (; k < kc; k++) {
      const base = b + (<usize>(k * rs + j * cs) << 2);
      for (let c = 0; c < NR; c++) {
        store<f32>(p, c < w ? load<f32>(base + (<usize>(c * cs) << 2)) : 0);
        p += 4;
      }
    }
  }
}

function macro(mc: i32, nc: i32, kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, tile: usize): void {
  for (let j = 0; j < nc; j += NR) {
    const w = min(NR, nc - j);
    const bBase = pb + (<usize>(j * kc) << 2);
    for (let i = 0; i < mc; i += MR) {
      const h = min(MR, mc - i);
      let aP = pa + (<usize>(i * kc) << 2);
      let bP = bBase;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      for (let k = 0; k < kc; k++) {
        const b0 = v128.load(bP);
        const b1 = v128.load(bP + 16);
        let a = v128.load32_splat(aP);
        c00 = fma(a, b0, c00);
        c01 = fma(a, b1, c01);
        a = v128.load32_splat(aP + 4);
        c10 = fma(a, b0, c10);
        c11 = fma(a, b1, c11);
        a = v128.load32_splat(aP + 8);
        c20 = fma(a, b0, c20);
        c21 = fma(a, b1, c21);
        a = v128.load32_splat(aP + 12);
        c30 = fma(a, b0, c30);
        c31 = fma(a, b1, c31);
        aP += 16;
        bP += 32;
      }
      const o = c + (<usize>(i * ldc + j) << 2);
      const row = <usize>ldc << 2;
      if (h == MR && w == NR) {
        v128.store(o, f32x4.add(v128.load(o), c00));
        v128.store(o + 16, f32x4.add(v128.load(o + 16), c01));
        v128.store(o + row, f32x4.add(v128.load(o + row), c10));
        v128.store(o + row + 16, f32x4.add(v128.load(o + row + 16), c11));
        v128.store(o + 2 * row, f32x4.add(v128.load(o + 2 * row), c20));
        v128.store(o + 2 * row + 16, f32x4.add(v128.load(o + 2 * row + 16), c21));
        v128.store(o + 3 * row, f32x4.add(v128.load(o + 3 * row), c30));
        v128.store(o + 3 * row + 16, f32x4.add(v128.load(o + 3 * row + 16), c31));
      } else {
        v128.store(tile, c00);
        v128.store(tile + 16, c01);
        v128.store(tile + 32, c10);
        v128.store(tile + 48, c11);
        v128.store(tile + 64, c20);
        v128.store(tile + 80, c21);
        v128.store(tile + 96, c30);
        v128.store(tile + 112, c31);
        for (let r = 0; r < h; r++) {
          for (let q = 0; q < w; q++) {
            const dst = o + (<usize>(r * ldc + q) << 2);
            store<f32>(dst, load<f32>(dst) + load<f32>(tile + (<usize>(r * NR + q) << 2)));
          }
        }
      }
    }
  }
}

/**
 * C = op(A)·op(B), or C += op(A)·op(B) when `accumulate` is set. C's rows are `ldc` floats apart
 * (ldc = N for a dense C; larger when C is a column block of a wider matrix).
 */
export function gemm(
  M: i32, N: i32, K: i32,
  a: usize, aRow: i32, aCol: i32,
  b: usize, bRow: i32, bCol: i32,
  c: usize, ldc: i32, accumulate: bool, scratch: usize,
): void {
  if (!accumulate) {
    if (ldc == N) memory.fill(c, 0, <usize>(M * N) << 2);
    else for (let i = 0; i < M; i++) memory.fill(c + (<usize>(i * ldc) << 2), 0, <usize>N << 2);
  }
  if (K == 0) return;
  const pa = scratch;
  const pb = scratch + (<usize>(MC * KC) << 2);
  const tile = pb + (<usize>(KC * NC) << 2);
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      packB(b + (<usize>(pc * bRow + jc * bCol) << 2), bRow, bCol, kc, nc, pb);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        packA(a + (<usize>(ic * aRow + pc * aCol) << 2), aRow, aCol, mc, kc, pa);
        macro(mc, nc, kc, pa, pb, c + (<usize>(ic * ldc + jc) << 2), ldc, tile);
      }
    }
  }
}

/**
 * Small-M products with B given as rows (C = A·Bᵀ, A [M×K] rows lda apart, B [N×K] rows ldb
 * apart): a SIMD dot product per element, no packing. For batch-1 inference, packing the whole
 * weight matrix would cost more than the product itself.
 */
export function dotRows(M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool): void {
  for (let i = 0; i < M; i++) {
    const ar = a + (<usize>(i * lda) << 2);
    for (let j = 0; j < N; j++) {
      const br = b + (<usize>(j * ldb) << 2);
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      let k = 0;
      for (; k + 8 <= K; k += 8) {
        const off = <usize>k << 2;
        s0 = fma(v128.load(ar + off), v128.load(br + off), s0);
        s1 = fma(v128.load(ar + off + 16), v128.load(br + off + 16), s1);
      }
      const s = f32x4.add(s0, s1);
      let t: f32 = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
      for (; k < K; k++) t += load<f32>(ar + (<usize>k << 2)) * load<f32>(br + (<usize>k << 2));
      const at = c + (<usize>(i * ldc + j) << 2);
      store<f32>(at, accumulate ? load<f32>(at) + t : t);
    }
  }
}

// ---- elementwise (float32) -----------------------------------------------------------------------

/** erf via 1 - erfc(|x|) with Numerical Recipes' Chebyshev fit (fractional error < 1.2e-7). */
function erf(x: f64): f64 {
  const z = Math.abs(x);
  const t = 1.0 / (1.0 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1.0 - r : r - 1.0;
}

function roundHalfEven(x: f64): f64 {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) == 0.5 && r % 2 != 0 ? r - 1 : r;
}

// Op codes (must match src/ops.ts).
@inline function unaryScalar(op: i32, x: f64): f64 {
  switch (op) {
    case 0: return -x;
    case 1: return Math.abs(x);
    case 2: return x > 0 ? 1 : x < 0 ? -1 : x == 0 ? x : 0;
    case 3: return Math.exp(x);
    case 4: return Math.log(x);
    case 5: return Math.log1p(x);
    case 6: return Math.sqrt(x);
    case 7: return 1.0 / Math.sqrt(x);
    case 8: return 1.0 / x;
    case 9: return Math.sin(x);
    case 10: return Math.cos(x);
    case 11: return Math.tanh(x);
    case 12: return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
    case 13: return x > 0 ? x : x == x ? 0 : x;
    case 14: return erf(x);
    case 15: return Math.floor(x);
    case 16: return Math.ceil(x);
    case 17: return roundHalfEven(x);
    default: return x;
  }
}

export function unaryF32(op: i32, x: usize, out: usize, n: i32): void {
  if (op == 13) {
    const zero = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      // max(v, 0) keeps NaN lanes NaN: select v where v > 0 or v != v.
      const keep = v128.or(f32x4.gt(v, zero), f32x4.ne(v, v));
      v128.store(out + (<usize>i << 2), v128.bitselect(v, zero, keep));
    }
    for (; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>unaryScalar(op, load<f32>(x + (<usize>i << 2))));
    return;
  }
  if (op == 0) {
    let i = 0;
    for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), f32x4.neg(v128.load(x + (<usize>i << 2))));
    for (; i < n; i++) store<f32>(out + (<usize>i << 2), -load<f32>(x + (<usize>i << 2)));
    return;
  }
  for (let i = 0; i < n; i++) {
    store<f32>(out + (<usize>i << 2), <f32>unaryScalar(op, <f64>load<f32>(x + (<usize>i << 2))));
  }
}

@inline function binaryScalar(op: i32, a: f32, b: f32): f32 {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return a == 1 ? 1 : <f32>Math.pow(<f64>a, <f64>b);
    case 5: return a != a || b != b ? NaN : a > b ? a : b;
    case 6: return a != a || b != b ? NaN : a < b ? a : b;
    default: return 0;
  }
}

@inline function binaryVec(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case 0: return f32x4.add(a, b);
    case 1: return f32x4.sub(a, b);
    case 2: return f32x4.mul(a, b);
    default: return f32x4.div(a, b);
  }
}

/**
 * out = a op b over a broadcast iteration space described by the parameter block `p`:
 * [rank, shape[rank], aStrides[rank], bStrides[rank]] (element strides, 0 where broadcast).
 */
export function binaryF32(op: i32, a: usize, b: usize, out: usize, p: usize): void {
  const rank = load<i32>(p);
  const shape = p + 4;
  const as = shape + (<usize>rank << 2);
  const bs = as + (<usize>rank << 2);
  let n = 1;
  for (let d = 0; d < rank; d++) n *= load<i32>(shape + (<usize>d << 2));
  if (n == 0) return;
  const inner = rank > 0 ? load<i32>(shape + (<usize>(rank - 1) << 2)) : 1;
  const ia = rank > 0 ? load<i32>(as + (<usize>(rank - 1) << 2)) : 0;
  const ib = rank > 0 ? load<i32>(bs + (<usize>(rank - 1) << 2)) : 0;
  const idx = memory.data(32);
  for (let d = 0; d < 8; d++) store<i32>(idx + (<usize>d << 2), 0);
  let oa = 0;
  let ob = 0;
  for (let start = 0; start < n; start += inner) {
    const po = out + (<usize>start << 2);
    const pa = a + (<usize>oa << 2);
    const pb = b + (<usize>ob << 2);
    let i = 0;
    if (op <= 3 && ia == 1 && ib == 1) {
      for (; i + 4 <= inner; i += 4) {
        const off = <usize>i << 2;
        v128.store(po + off, binaryVec(op, v128.load(pa + off), v128.load(pb + off)));
      }
    } else if (op <= 3 && ia == 1 && ib == 0) {
      const s = f32x4.splat(load<f32>(pb));
      for (; i + 4 <= inner; i += 4) {
        const off = <usize>i << 2;
        v128.store(po + off, binaryVec(op, v128.load(pa + off), s));
      }
    } else if (op <= 3 && ia == 0 && ib == 1) {
      const s = f32x4.splat(load<f32>(pa));
      for (; i + 4 <= inner; i += 4) {
        const off = <usize>i << 2;
        v128.store(po + off, binaryVec(op, s, v128.load(pb + off)));
      }
    }
    for (; i < inner; i++) {
      store<f32>(po + (<usize>i << 2), binaryScalar(op, load<f32>(pa + (<usize>(i * ia) << 2)), load<f32>(pb + (<usize>(i * ib) << 2))));
    }
    // Advance the outer index (all dims but the last).
    for (let d = rank - 2; d >= 0; d--) {
      const at = idx + (<usize>d << 2);
      const v = load<i32>(at) + 1;
      const sa = load<i32>(as + (<usize>d << 2));
      const sb = load<i32>(bs + (<usize>d << 2));
      oa += sa;
      ob += sb;
      if (v < load<i32>(shape + (<usize>d << 2))) {
        store<i32>(at, v);
        break;
      }
      oa -= v * sa;
      ob -= v * sb;
      store<i32>(at, 0);
    }
  }
}

/**
 * Materialises a strided view of 4-byte elements: the block `p` is
 * [rank, shape[rank], strides[rank], offset].
 */
export function copyStrided32(src: usize, out: usize, p: usize): void {
  const rank = load<i32>(p);
  const shape = p + 4;
  const strides = shape + (<usize>rank << 2);
  const offset = load<i32>(strides + (<usize>rank << 2));
  let n = 1;
  for (let d = 0; d < rank; d++) n *= load<i32>(shape + (<usize>d << 2));
  if (n == 0) return;
  if (rank == 0) {
    store<u32>(out, load<u32>(src + (<usize>offset << 2)));
    return;
  }
  const inner = load<i32>(shape + (<usize>(rank - 1) << 2));
  const is = load<i32>(strides + (<usize>(rank - 1) << 2));
  const idx = memory.data(32);
  for (let d = 0; d < 8; d++) store<i32>(idx + (<usize>d << 2), 0);
  let base = offset;
  for (let start = 0; start < n; start += inner) {
    const po = out + (<usize>start << 2);
    if (is == 1) {
      memory.copy(po, src + (<usize>base << 2), <usize>inner << 2);
    } else {
      for (let i = 0; i < inner; i++) store<u32>(po + (<usize>i << 2), load<u32>(src + (<usize>(base + i * is) << 2)));
    }
    base = odometer(idx, rank - 2, shape, strides, -1, base);
  }
}

// ---- reductions ------------------------------------------------------------------------------------

/** Reduces rows: x viewed as [outer, len, inner], out [outer, inner]. op: 0 sum, 1 max, 2 min, 3 prod. */
export function reduceF32(op: i32, x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  const init: f32 = op == 0 ? 0 : op == 3 ? 1 : op == 1 ? -Infinity : Infinity;
  for (let p = 0; p < outer; p++) {
    const ob = out + (<usize>(p * inner) << 2);
    for (let q = 0; q < inner; q++) store<f32>(ob + (<usize>q << 2), init);
    for (let i = 0; i < len; i++) {
      const xb = x + (<usize>((p * len + i) * inner) << 2);
      if (op == 0) {
        let q = 0;
        for (; q + 4 <= inner; q += 4) {
          const off = <usize>q << 2;
          v128.store(ob + off, f32x4.add(v128.load(ob + off), v128.load(xb + off)));
        }
        for (; q < inner; q++) store<f32>(ob + (<usize>q << 2), load<f32>(ob + (<usize>q << 2)) + load<f32>(xb + (<usize>q << 2)));
      } else {
        for (let q = 0; q < inner; q++) {
          const at = ob + (<usize>q << 2);
          const acc = load<f32>(at);
          const v = load<f32>(xb + (<usize>q << 2));
          let r: f32;
          if (op == 3) r = acc * v;
          else if (acc != acc || v != v) r = NaN;
          else if (op == 1) r = v > acc ? v : acc;
          else r = v < acc ? v : acc;
          store<f32>(at, r);
        }
      }
    }
  }
}

/** Sums of contiguous rows: out[r] = Σ x[r·len .. r·len + len). */
export function rowSumF32(x: usize, out: usize, rows: i32, len: i32): void {
  for (let r = 0; r < rows; r++) {
    const xb = x + (<usize>(r * len) << 2);
    let acc = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= len; i += 4) acc = f32x4.add(acc, v128.load(xb + (<usize>i << 2)));
    let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; i < len; i++) s += load<f32>(xb + (<usize>i << 2));
    store<f32>(out + (<usize>r << 2), s);
  }
}

// ---- softmax ----------------------------------------------------------------------------------------

/** softmax (log = false) or logSoftmax along the middle dim of x viewed as [outer, len, inner]. */
export function softmaxF32(x: usize, out: usize, outer: i32, len: i32, inner: i32, log: bool): void {
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      const base = p * len * inner + q;
      let m: f64 = -Infinity;
      for (let i = 0; i < len; i++) {
        const v = <f64>load<f32>(x + (<usize>(base + i * inner) << 2));
        if (v > m || v != v) m = v;
      }
      if (m == Infinity || m == -Infinity) m = 0;
      let s: f64 = 0;
      for (let i = 0; i < len; i++) s += Math.exp(<f64>load<f32>(x + (<usize>(base + i * inner) << 2)) - m);
      const ls = Math.log(s);
      for (let i = 0; i < len; i++) {
        const at = <usize>(base + i * inner) << 2;
        const v = <f64>load<f32>(x + at) - m;
        store<f32>(out + at, <f32>(log ? v - ls : Math.exp(v) / s));
      }
    }
  }
}

// ---- linear epilogue --------------------------------------------------------------------------------

/** out[i, j] = act(out[i, j] + bias[j]); act: 0 none, 1 relu, 2 tanh, 3 sigmoid. bias 0 = none. */
export function biasActivation(out: usize, bias: usize, M: i32, N: i32, act: i32): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const at = out + (<usize>(i * N + j) << 2);
      let v = <f64>load<f32>(at) + (bias ? <f64>load<f32>(bias + (<usize>j << 2)) : 0);
      if (act == 1) v = v > 0 ? v : 0;
      else if (act == 2) v = Math.tanh(v);
      else if (act == 3) v = 1.0 / (1.0 + Math.exp(-v));
      store<f32>(at, <f32>v);
    }
  }
}

// ---- convolution: im2col / col2im -----------------------------------------------------------------------

/**
 * cols [Cg·kH·kW, Ho·Wo] from channels of one image plane stack x (at `x`, channels Cg, H×W).
 * The geometry block g: [H, W, Ho, Wo, kH, kW, sH, sW, pH, pW, dH, dW, Cg, ld], ld the row
 * stride of cols in floats (0: Ho·Wo), so several images' columns can sit side by side.
 */
export function im2col(x: usize, cols: usize, g: usize): void {
  const H = load<i32>(g), W = load<i32>(g, 4), Ho = load<i32>(g, 8), Wo = load<i32>(g, 12);
  const kH = load<i32>(g, 16), kW = load<i32>(g, 20), sH = load<i32>(g, 24), sW = load<i32>(g, 28);
  const pH = load<i32>(g, 32), pW = load<i32>(g, 36), dH = load<i32>(g, 40), dW = load<i32>(g, 44);
  const Cg = load<i32>(g, 48);
  const L = Ho * Wo;
  const ld = load<i32>(g, 52) || L;
  let r = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = x + (<usize>(c * H * W) << 2);
    for (let i = 0; i < kH; i++) {
      for (let j = 0; j < kW; j++) {
        const row = cols + (<usize>(r * ld) << 2);
        for (let oh = 0; oh < Ho; oh++) {
          const h = oh * sH - pH + i * dH;
          const dst = row + (<usize>(oh * Wo) << 2);
          if (h < 0 || h >= H) {
            memory.fill(dst, 0, <usize>Wo << 2);
            continue;
          }
          const src = plane + (<usize>(h * W) << 2);
          if (sW == 1) {
            // Unit stride: zeros left of the image, one contiguous copy, zeros right of it.
            const off = j * dW - pW;
            const lo = min(Wo, max(0, -off));
            const hi = max(lo, min(Wo, W - off));
            if (lo > 0) memory.fill(dst, 0, <usize>lo << 2);
            if (hi > lo) memory.copy(dst + (<usize>lo << 2), src + (<usize>(lo + off) << 2), <usize>(hi - lo) << 2);
            if (hi < Wo) memory.fill(dst + (<usize>hi << 2), 0, <usize>(Wo - hi) << 2);
            continue;
          }
          for (let ow = 0; ow < Wo; ow++) {
            const w = ow * sW - pW + j * dW;
            store<f32>(dst + (<usize>ow << 2), w >= 0 && w < W ? load<f32>(src + (<usize>w << 2)) : 0);
          }
        }
        r++;
      }
    }
  }
}

/**
 * Copies `rows` rows of `n` floats from src (row stride srcStride floats) to dst (row stride
 * dstStride): moves a block between an image's [C, L] planes and a batch's [C, images * L] matrix.
 */
export function copyRows(src: usize, srcStride: i32, dst: usize, dstStride: i32, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) {
    memory.copy(dst + (<usize>(r * dstStride) << 2), src + (<usize>(r * srcStride) << 2), <usize>n << 2);
  }
}

/** Adds cols back into the image planes (the adjoint of im2col); same geometry block. */
export function col2im(cols: usize, x: usize, g: usize): void {
  const H = load<i32>(g), W = load<i32>(g, 4), Ho = load<i32>(g, 8), Wo = load<i32>(g, 12);
  const kH = load<i32>(g, 16), kW = load<i32>(g, 20), sH = load<i32>(g, 24), sW = load<i32>(g, 28);
  const pH = load<i32>(g, 32), pW = load<i32>(g, 36), dH = load<i32>(g, 40), dW = load<i32>(g, 44);
  const Cg = load<i32>(g, 48);
  const L = Ho * Wo;
  const ld = load<i32>(g, 52) || L;
  let r = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = x + (<usize>(c * H * W) << 2);
    for (let i = 0; i < kH; i++) {
      for (let j = 0; j < kW; j++) {
        const row = cols + (<usize>(r * ld) << 2);
        for (let oh = 0; oh < Ho; oh++) {
          const h = oh * sH - pH + i * dH;
          if (h < 0 || h >= H) continue;
          const src = row + (<usize>(oh * Wo) << 2);
          const dst = plane + (<usize>(h * W) << 2);
          if (sW == 1) {
            const off = j * dW - pW;
            const lo = min(Wo, max(0, -off));
            const hi = max(lo, min(Wo, W - off));
            if (hi > lo) addInto(dst + (<usize>(lo + off) << 2), src + (<usize>lo << 2), hi - lo);
            continue;
          }
          for (let ow = 0; ow < Wo; ow++) {
            const w = ow * sW - pW + j * dW;
            if (w >= 0 && w < W) {
              const at = dst + (<usize>w << 2);
              store<f32>(at, load<f32>(at) + load<f32>(src + (<usize>ow << 2)));
            }
          }
        }
        r++;
      }
    }
  }
}

/** out[i] += src[i] for n floats (SIMD). */
export function addInto(out: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(out + off, f32x4.add(v128.load(out + off), v128.load(src + off)));
  }
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), load<f32>(out + (<usize>i << 2)) + load<f32>(src + (<usize>i << 2)));
}

/** Adds bias[o] to every element of plane o of out [N, O, L]. */
export function addChannelBias(out: usize, bias: usize, N: i32, O: i32, L: i32): void {
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const b = f32x4.splat(load<f32>(bias + (<usize>o << 2)));
      const base = out + (<usize>((n * O + o) * L) << 2);
      let l = 0;
      for (; l + 4 <= L; l += 4) v128.store(base + (<usize>l << 2), f32x4.add(v128.load(base + (<usize>l << 2)), b));
      for (; l < L; l++) store<f32>(base + (<usize>l << 2), load<f32>(base + (<usize>l << 2)) + f32x4.extract_lane(b, 0));
    }
  }
}

// ---- pooling ------------------------------------------------------------------------------------------------

/** Max pooling of `planes` planes H×W into Ho×Wo with indices; geometry block as im2col (dH = dW = 1). */
export function maxPool(x: usize, out: usize, indices: usize, planes: i32, g: usize): void {
  const H = load<i32>(g), W = load<i32>(g, 4), Ho = load<i32>(g, 8), Wo = load<i32>(g, 12);
  const kH = load<i32>(g, 16), kW = load<i32>(g, 20), sH = load<i32>(g, 24), sW = load<i32>(g, 28);
  const pH = load<i32>(g, 32), pW = load<i32>(g, 36);
  for (let p = 0; p < planes; p++) {
    const xo = x + (<usize>(p * H * W) << 2);
    const oo = <usize>(p * Ho * Wo) << 2;
    for (let oh = 0; oh < Ho; oh++) {
      const h0 = oh * sH - pH;
      for (let ow = 0; ow < Wo; ow++) {
        const w0 = ow * sW - pW;
        let best: f32 = -Infinity;
        let at = -1;
        for (let h = max(h0, 0); h < min(h0 + kH, H); h++) {
          for (let w = max(w0, 0); w < min(w0 + kW, W); w++) {
            const v = load<f32>(xo + (<usize>(h * W + w) << 2));
            if (at < 0 || v > best || (v != v && best == best)) {
              best = v;
              at = h * W + w;
            }
          }
        }
        const o = oo + (<usize>(oh * Wo + ow) << 2);
        store<f32>(out + o, best);
        store<i32>(indices + o, at);
      }
    }
  }
}

/** dx (zeroed here) gets dy at each recorded max position. */
export function maxPoolBackward(dy: usize, indices: usize, dx: usize, planes: i32, HW: i32, L: i32): void {
  memory.fill(dx, 0, <usize>(planes * HW) << 2);
  for (let p = 0; p < planes; p++) {
    const xo = dx + (<usize>(p * HW) << 2);
    const oo = <usize>(p * L) << 2;
    for (let l = 0; l < L; l++) {
      const at = xo + (<usize>load<i32>(indices + oo + (<usize>l << 2)) << 2);
      store<f32>(at, load<f32>(at) + load<f32>(dy + oo + (<usize>l << 2)));
    }
  }
}

@inline function poolDivisor(includePad: bool, kH: i32, kW: i32, h0: i32, w0: i32, H: i32, W: i32): f32 {
  if (includePad) return <f32>(kH * kW);
  return <f32>((min(h0 + kH, H) - max(h0, 0)) * (min(w0 + kW, W) - max(w0, 0)));
}

/** Average pooling (backward = false) or its gradient (backward = true: x is dy, out is dx). */
export function avgPool(x: usize, out: usize, planes: i32, g: usize, includePad: bool, backward: bool): void {
  const H = load<i32>(g), W = load<i32>(g, 4), Ho = load<i32>(g, 8), Wo = load<i32>(g, 12);
  const kH = load<i32>(g, 16), kW = load<i32>(g, 20), sH = load<i32>(g, 24), sW = load<i32>(g, 28);
  const pH = load<i32>(g, 32), pW = load<i32>(g, 36);
  if (backward) memory.fill(out, 0, <usize>(planes * H * W) << 2);
  for (let p = 0; p < planes; p++) {
    const big = <usize>(p * H * W) << 2;
    const small = <usize>(p * Ho * Wo) << 2;
    for (let oh = 0; oh < Ho; oh++) {
      const h0 = oh * sH - pH;
      for (let ow = 0; ow < Wo; ow++) {
        const w0 = ow * sW - pW;
        const div = poolDivisor(includePad, kH, kW, h0, w0, H, W);
        const o = small + (<usize>(oh * Wo + ow) << 2);
        if (backward) {
          const share = load<f32>(x + o) / div;
          for (let h = max(h0, 0); h < min(h0 + kH, H); h++) {
            for (let w = max(w0, 0); w < min(w0 + kW, W); w++) {
              const at = out + big + (<usize>(h * W + w) << 2);
              store<f32>(at, load<f32>(at) + share);
            }
          }
        } else {
          let s: f32 = 0;
          for (let h = max(h0, 0); h < min(h0 + kH, H); h++) {
            for (let w = max(w0, 0); w < min(w0 + kW, W); w++) s += load<f32>(x + big + (<usize>(h * W + w) << 2));
          }
          store<f32>(out + o, s / div);
        }
      }
    }
  }
}

/** Where the TypeScript allocator may start (after static data), 64-byte aligned. */
export function heapBase(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}

// ---- comparisons, selection and casts (float32 operands) ------------------------------------------

/** Offsets of the next outer index (all dims but the last) for up to three strided operands. */
@inline function advance(idx: usize, rank: i32, shape: usize, s0: usize, s1: usize, s2: usize, o: usize): void {
  for (let d = rank - 2; d >= 0; d--) {
    const at = idx + (<usize>d << 2);
    const v = load<i32>(at) + 1;
    const st0 = load<i32>(s0 + (<usize>d << 2));
    const st1 = load<i32>(s1 + (<usize>d << 2));
    const st2 = s2 ? load<i32>(s2 + (<usize>d << 2)) : 0;
    store<i32>(o, load<i32>(o) + st0);
    store<i32>(o, load<i32>(o, 4) + st1, 4);
    store<i32>(o, load<i32>(o, 8) + st2, 8);
    if (v < load<i32>(shape + (<usize>d << 2))) {
      store<i32>(at, v);
      return;
    }
    store<i32>(o, load<i32>(o) - v * st0);
    store<i32>(o, load<i32>(o, 4) - v * st1, 4);
    store<i32>(o, load<i32>(o, 8) - v * st2, 8);
    store<i32>(at, 0);
  }
}

@inline function compareScalar<T>(op: i32, a: T, b: T): u8 {
  switch (op) {
    case 0: return a == b ? 1 : 0;
    case 1: return a != b ? 1 : 0;
    case 2: return a < b ? 1 : 0;
    case 3: return a <= b ? 1 : 0;
    case 4: return a > b ? 1 : 0;
    default: return a >= b ? 1 : 0;
  }
}

/**
 * The scalar broadcast loop shared by compareF32, compareI32 and binaryI32: out[i] = f(a[i'], b[i''])
 * with the block [rank, shape, aStrides, bStrides]. T is the input type; compare writes bool
 * bytes, otherwise T.
 */
@inline function broadcast2<T>(compare: bool, op: i32, a: usize, b: usize, out: usize, p: usize): void {
  const rank = load<i32>(p);
  const shape = p + 4;
  const as = shape + (<usize>rank << 2);
  const bs = as + (<usize>rank << 2);
  let n = 1;
  for (let d = 0; d < rank; d++) n *= load<i32>(shape + (<usize>d << 2));
  if (n == 0) return;
  const inner = rank > 0 ? load<i32>(shape + (<usize>(rank - 1) << 2)) : 1;
  const ia = rank > 0 ? load<i32>(as + (<usize>(rank - 1) << 2)) : 0;
  const ib = rank > 0 ? load<i32>(bs + (<usize>(rank - 1) << 2)) : 0;
  const idx = memory.data(32);
  const off = memory.data(12);
  for (let d = 0; d < 8; d++) store<i32>(idx + (<usize>d << 2), 0);
  store<i32>(off, 0);
  store<i32>(off, 0, 4);
  store<i32>(off, 0, 8);
  for (let start = 0; start < n; start += inner) {
    const pa = a + (<usize>load<i32>(off) << 2);
    const pb = b + (<usize>load<i32>(off, 4) << 2);
    for (let i = 0; i < inner; i++) {
      const x = load<T>(pa + (<usize>(i * ia) << 2));
      const y = load<T>(pb + (<usize>(i * ib) << 2));
      if (compare) store<u8>(out + <usize>(start + i), compareScalar<T>(op, x, y));
      else store<i32>(out + (<usize>(start + i) << 2), binaryScalarI32(op, <i32>x, <i32>y));
    }
    advance(idx, rank, shape, as, bs, 0, off);
  }
}

/** out (bool bytes) = a op b, broadcast as in binaryF32 (op: eq ne lt le gt ge = 0..5). */
export function compareF32(op: i32, a: usize, b: usize, out: usize, p: usize): void {
  broadcast2<f32>(true, op, a, b, out, p);
}

/** out = cond ? a : b (cond bool bytes; a, b, out float32 or int32), block [rank, shape, cStrides, aStrides, bStrides]. */
export function where32(cond: usize, a: usize, b: usize, out: usize, p: usize): void {
  const rank = load<i32>(p);
  const shape = p + 4;
  const cs = shape + (<usize>rank << 2);
  const as = cs + (<usize>rank << 2);
  const bs = as + (<usize>rank << 2);
  let n = 1;
  for (let d = 0; d < rank; d++) n *= load<i32>(shape + (<usize>d << 2));
  if (n == 0) return;
  const inner = rank > 0 ? load<i32>(shape + (<usize>(rank - 1) << 2)) : 1;
  const ic = rank > 0 ? load<i32>(cs + (<usize>(rank - 1) << 2)) : 0;
  const ia = rank > 0 ? load<i32>(as + (<usize>(rank - 1) << 2)) : 0;
  const ib = rank > 0 ? load<i32>(bs + (<usize>(rank - 1) << 2)) : 0;
  const idx = memory.data(32);
  const off = memory.data(12);
  for (let d = 0; d < 8; d++) store<i32>(idx + (<usize>d << 2), 0);
  store<i32>(off, 0);
  store<i32>(off, 0, 4);
  store<i32>(off, 0, 8);
  for (let start = 0; start < n; start += inner) {
    const pc = cond + <usize>load<i32>(off);
    const pa = a + (<usize>load<i32>(off, 4) << 2);
    const pb = b + (<usize>load<i32>(off, 8) << 2);
    const po = out + (<usize>start << 2);
    for (let i = 0; i < inner; i++) {
      const v = load<u8>(pc + <usize>(i * ic)) ? load<u32>(pa + (<usize>(i * ia) << 2)) : load<u32>(pb + (<usize>(i * ib) << 2));
      store<u32>(po + (<usize>i << 2), v);
    }
    advance(idx, rank, shape, cs, as, bs, off);
  }
}

/** Casts n elements: kind 0 bool→f32, 1 f32→bool, 2 i32→f32, 3 f32→i32 (toward zero), 4 bool→i32, 5 i32→bool. */
export function cast(kind: i32, x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i;
    switch (kind) {
      case 0: store<f32>(out + (o << 2), <f32>load<u8>(x + o)); break;
      case 1: { const v = load<f32>(x + (o << 2)); store<u8>(out + o, v != 0 ? 1 : 0); break; }
      case 2: store<f32>(out + (o << 2), <f32>load<i32>(x + (o << 2))); break;
      case 3: { const v = load<f32>(x + (o << 2)); store<i32>(out + (o << 2), v != v ? 0 : <i32>Mathf.trunc(v)); break; }
      case 4: store<i32>(out + (o << 2), <i32>load<u8>(x + o)); break;
      default: store<u8>(out + o, load<i32>(x + (o << 2)) != 0 ? 1 : 0);
    }
  }
}

// ---- fused optimizer updates (in place) -------------------------------------------------------------------------

/** SGD step over n floats; buf = 0 when momentum is 0 (formula in the contract's docs). */
export function sgdUpdate(p: usize, g: usize, buf: usize, n: i32, lr: f32, momentum: f32, dampening: f32, nesterov: bool, weightDecay: f32, first: bool): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    const pv = load<f32>(p + at);
    let d = load<f32>(g + at) + weightDecay * pv;
    if (buf) {
      const b = first ? d : momentum * load<f32>(buf + at) + (1 - dampening) * d;
      store<f32>(buf + at, b);
      d = nesterov ? d + momentum * b : b;
    }
    store<f32>(p + at, pv - lr * d);
  }
}

/** Adam/AdamW step over n floats; vmax = 0 without amsgrad. bc1 = 1 - β₁ᵗ, sqrtBc2 = √(1 - β₂ᵗ). */
export function adamUpdate(
  p: usize, g: usize, m: usize, v: usize, vmax: usize, n: i32,
  lr: f32, beta1: f32, beta2: f32, eps: f32, weightDecay: f32, decoupled: bool, bc1: f32, sqrtBc2: f32,
): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    let pv = load<f32>(p + at);
    let gv = load<f32>(g + at);
    if (weightDecay != 0) {
      if (decoupled) pv = pv * (1 - lr * weightDecay);
      else gv = gv + weightDecay * pv;
    }
    const mv = beta1 * load<f32>(m + at) + (1 - beta1) * gv;
    const vv = beta2 * load<f32>(v + at) + (1 - beta2) * gv * gv;
    store<f32>(m + at, mv);
    store<f32>(v + at, vv);
    let vh = vv;
    if (vmax) {
      vh = max(load<f32>(vmax + at), vv);
      store<f32>(vmax + at, vh);
    }
    store<f32>(p + at, pv - (lr / bc1) * (mv / (Mathf.sqrt(vh) / sqrtBc2 + eps)));
  }
}

// ---- int32 arithmetic, indexing and arg-reductions ----------------------------------------------

@inline function binaryScalarI32(op: i32, a: i32, b: i32): i32 {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 5: return max(a, b);
    default: return min(a, b);
  }
}

/** int32 out = a op b (add sub mul maximum minimum = 0 1 2 5 6; wrapping), broadcast as in binaryF32. */
export function binaryI32(op: i32, a: usize, b: usize, out: usize, p: usize): void {
  broadcast2<i32>(false, op, a, b, out, p);
}

/** out (bool bytes) = a op b on int32, broadcast as in binaryF32. */
export function compareI32(op: i32, a: usize, b: usize, out: usize, p: usize): void {
  broadcast2<i32>(true, op, a, b, out, p);
}

/**
 * Advances the multi-index `idx` (dims 0..last, last fastest) by one position of `shape` and
 * returns `base` moved by the strides of the dims that changed; dim `skip` (or -1) moves nothing.
 */
@inline function odometer(idx: usize, last: i32, shape: usize, strides: usize, skip: i32, base: i32): i32 {
  for (let d = last; d >= 0; d--) {
    const slot = idx + (<usize>d << 2);
    const v = load<i32>(slot) + 1;
    const st = d != skip ? load<i32>(strides + (<usize>d << 2)) : 0;
    base += st;
    if (v < load<i32>(shape + (<usize>d << 2))) {
      store<i32>(slot, v);
      return base;
    }
    base -= v * st;
    store<i32>(slot, 0);
  }
  return base;
}

/**
 * Walks the positions of an index tensor (block [rank, axis, axisLen, indexShape...,
 * targetStrides...]) where the target's coordinate along `axis` is the index value: PyTorch's
 * gather / scatter_add addressing. mode 0: out[p] = x[t] (32-bit copy); 1: x[t] += src[p]
 * (float32); 2: x[t] += src[p] (int32). An index outside [0, axisLen) never touches x: gather
 * writes 0, scatter-add drops the contribution.
 */
@inline function alongIndex(mode: i32, x: usize, index: usize, other: usize, p: usize): void {
  const rank = load<i32>(p);
  const axis = load<i32>(p, 4);
  const len = <u32>load<i32>(p, 8);
  const shape = p + 12;
  const ts = shape + (<usize>rank << 2);
  let n = 1;
  for (let d = 0; d < rank; d++) n *= load<i32>(shape + (<usize>d << 2));
  const idx = memory.data(64);
  for (let d = 0; d < 16; d++) store<i32>(idx + (<usize>d << 2), 0);
  const axisStride = rank > 0 ? load<i32>(ts + (<usize>axis << 2)) : 1;
  let base = 0;
  for (let q = 0; q < n; q++) {
    const i = load<i32>(index + (<usize>q << 2));
    const here = other + (<usize>q << 2);
    // One unsigned compare rejects negative indices too.
    if (<u32>i < len) {
      const at = x + (<usize>(base + i * axisStride) << 2);
      if (mode == 0) store<i32>(here, load<i32>(at));
      else if (mode == 1) store<f32>(at, load<f32>(at) + load<f32>(here));
      else store<i32>(at, load<i32>(at) + load<i32>(here));
    } else if (mode == 0) store<i32>(here, 0);
    base = odometer(idx, rank - 1, shape, ts, axis, base);
  }
}

/** PyTorch gather on 32-bit data: out[p] = x[target(p)]. */
export function gather32(x: usize, index: usize, out: usize, p: usize): void {
  alongIndex(0, x, index, out, p);
}

/** PyTorch scatter_add_ in place: out[target(p)] += src[p]; isInt: int32 data, else float32. */
export function scatterAdd32(isInt: i32, out: usize, index: usize, src: usize, p: usize): void {
  alongIndex(isInt ? 2 : 1, out, index, src, p);
}

/** Index of the first max (op 0) or min (op 1) of x viewed as [outer, len, inner]; NaN wins. */
@inline function argReduce<T>(op: i32, x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const base = x + (<usize>(o * len * inner + q) << 2);
      let best = 0;
      let bv = load<T>(base);
      // bv == bv and v != v only matter for floats (a NaN wins and ends the search).
      for (let i = 1; i < len && bv == bv; i++) {
        const v = load<T>(base + (<usize>(i * inner) << 2));
        if (v != v || (op == 0 ? v > bv : v < bv)) {
          bv = v;
          best = i;
        }
      }
      store<i32>(out + (<usize>(o * inner + q) << 2), best);
    }
  }
}

export function argReduceF32(op: i32, x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  argReduce<f32>(op, x, out, outer, len, inner);
}

export function argReduceI32(op: i32, x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  argReduce<i32>(op, x, out, outer, len, inner);
}
