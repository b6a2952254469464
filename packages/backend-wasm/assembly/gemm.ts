// GEMM: C[M×N] = op(A)·op(B) (+ C when accumulate). Element (i, k) of op(A) is at a + 4·(i·aRow +
// k·aCol), so a transpose is a pair of swapped strides, absorbed by packing. Panels: 4 rows of A
// and 8 columns of B per K block (at most 256 deep, blocks of equal depth); the 4×8 tile of C lives in eight v128 accumulators.
// Both products take their operands as a GemmField struct in linear memory (src/codes.ts).

import { Activation, GemmField } from '../src/codes';
import { sigmoid } from './scalar';
import { fma, reluVec, storeTile } from './simd';

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 512;

/** Bytes of scratch the GEMM needs (packed A and B blocks plus one tile). */
export function gemmScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
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

/**
 * The epilogue on C's final values in rows 0..h, columns 0..w of the block at c: + bias[j] (bias
 * 0 = none), then the Activation act, as the separate bias-activation pass computes it in
 * float64, so a fused linear matches the unfused ops. Bias and relu run in float32 four columns
 * at a time: a float32 sum of two float32 values is their float64 sum rounded, and reluVec is the
 * scalar rule (no bias: relu(v + 0) = relu(v), -0 and NaN included); tanh and sigmoid and the
 * last w mod 4 columns per element in float64.
 */
@inline function epilogue(c: usize, ldc: i32, h: i32, w: i32, bias: usize, act: i32): void {
  const simd = act == Activation.none || act == Activation.relu ? w & ~3 : 0;
  for (let r = 0; r < h; r++) {
    const row = c + (<usize>(r * ldc) << 2);
    for (let q = 0; q < simd; q += 4) {
      const at = row + (<usize>q << 2);
      let v = v128.load(at);
      if (bias) v = f32x4.add(v, v128.load(bias + (<usize>q << 2)));
      v128.store(at, act == Activation.relu ? reluVec(v) : v);
    }
    for (let q = simd; q < w; q++) {
      const at = row + (<usize>q << 2);
      let v = <f64>load<f32>(at) + (bias ? <f64>load<f32>(bias + (<usize>q << 2)) : 0);
      if (act == Activation.relu) v = v > 0 || v != v ? v : 0;
      else if (act == Activation.tanh) v = Math.tanh(v);
      else if (act == Activation.sigmoid) v = sigmoid(v);
      store<f32>(at, <f32>v);
    }
  }
}

/**
 * C's block at c (+)= the packed panels' product, tile by tile; `over` (the first K block of a
 * product that does not accumulate) stores the tiles instead of adding them to C, so C needs no
 * zeroing pass and no read before its first write.
 */
function macro(mc: i32, nc: i32, kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, tile: usize, over: bool, bias: usize, act: i32): void {
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
      if (h == MR && w == NR && over) {
        storeTile(o, row, c00, c01, c10, c11, c20, c21, c30, c31);
      } else if (h == MR && w == NR) {
        v128.store(o, f32x4.add(v128.load(o), c00));
        v128.store(o + 16, f32x4.add(v128.load(o + 16), c01));
        v128.store(o + row, f32x4.add(v128.load(o + row), c10));
        v128.store(o + row + 16, f32x4.add(v128.load(o + row + 16), c11));
        v128.store(o + 2 * row, f32x4.add(v128.load(o + 2 * row), c20));
        v128.store(o + 2 * row + 16, f32x4.add(v128.load(o + 2 * row + 16), c21));
        v128.store(o + 3 * row, f32x4.add(v128.load(o + 3 * row), c30));
        v128.store(o + 3 * row + 16, f32x4.add(v128.load(o + 3 * row + 16), c31));
      } else {
        storeTile(tile, NR * 4, c00, c01, c10, c11, c20, c21, c30, c31);
        for (let r = 0; r < h; r++) {
          for (let q = 0; q < w; q++) {
            const dst = o + (<usize>(r * ldc + q) << 2);
            const v = load<f32>(tile + (<usize>(r * NR + q) << 2));
            store<f32>(dst, over ? v : load<f32>(dst) + v);
          }
        }
      }
      // The last K block: C's values are final, apply the epilogue while the tile is in cache.
      if (bias || act) epilogue(o, ldc, h, w, bias ? bias + (<usize>j << 2) : 0, act);
    }
  }
}

/** Field `f` of the GEMM argument struct at `args`. */
@inline function field(args: usize, f: GemmField): i32 {
  return load<i32>(args + (<usize>f << 2));
}

/**
 * C = op(A)·op(B), or C += op(A)·op(B) when `accumulate` is set, with the operands of the struct
 * at `args`. C's rows are `ldc` floats apart (ldc = N for a dense C; larger when C is a column
 * block of a wider matrix). `scratch` holds gemmScratchBytes() bytes for the packed panels.
 */
export function gemm(args: usize, scratch: usize): void {
  const M = field(args, GemmField.M), N = field(args, GemmField.N), K = field(args, GemmField.K);
  const a = <usize>field(args, GemmField.a), aRow = field(args, GemmField.aRow), aCol = field(args, GemmField.aCol);
  const b = <usize>field(args, GemmField.b), bRow = field(args, GemmField.bRow), bCol = field(args, GemmField.bCol);
  const c = <usize>field(args, GemmField.c), ldc = field(args, GemmField.ldc);
  const bias = <usize>field(args, GemmField.bias), act = field(args, GemmField.act);
  const accumulate = field(args, GemmField.accumulate) != 0;
  if (K == 0) {
    if (!accumulate) {
      if (ldc == N) memory.fill(c, 0, <usize>(M * N) << 2);
      else for (let i = 0; i < M; i++) memory.fill(c + (<usize>(i * ldc) << 2), 0, <usize>N << 2);
    }
    if (bias || act) epilogue(c, ldc, M, N, bias, act);
    return;
  }
  // K blocks of equal depth (at most KC): 784 = 4 × 196, not 3 × 256 + 16, whose shallow last
  // block would pay a whole pass over C's tiles for 16 steps of work.
  const kStep = (K + (K + KC - 1) / KC - 1) / ((K + KC - 1) / KC);
  const pa = scratch;
  const pb = scratch + (<usize>(MC * KC) << 2);
  const tile = pb + (<usize>(KC * NC) << 2);
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += kStep) {
      const kc = min(kStep, K - pc);
      packB(b + (<usize>(pc * bRow + jc * bCol) << 2), bRow, bCol, kc, nc, pb);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        packA(a + (<usize>(ic * aRow + pc * aCol) << 2), aRow, aCol, mc, kc, pa);
        const last = pc + kc >= K;
        const over = pc == 0 && !accumulate;
        macro(mc, nc, kc, pa, pb, c + (<usize>(ic * ldc + jc) << 2), ldc, tile, over, last ? (bias ? bias + (<usize>jc << 2) : 0) : 0, last ? act : 0);
      }
    }
  }
}

/**
 * Small-M products with B given as rows (C = A·Bᵀ: aCol = 1 and bRow = 1, so A's rows are aRow
 * floats apart and Bᵀ's rows bCol apart), same struct as gemm: a SIMD dot product per element,
 * no packing. For batch-1 inference, packing the whole weight matrix would cost more than the
 * product itself.
 */
export function dotRows(args: usize): void {
  const M = field(args, GemmField.M), N = field(args, GemmField.N), K = field(args, GemmField.K);
  const a = <usize>field(args, GemmField.a), lda = field(args, GemmField.aRow);
  const b = <usize>field(args, GemmField.b), ldb = field(args, GemmField.bCol);
  const c = <usize>field(args, GemmField.c), ldc = field(args, GemmField.ldc);
  const accumulate = field(args, GemmField.accumulate) != 0;
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
  const bias = <usize>field(args, GemmField.bias), act = field(args, GemmField.act);
  if (bias || act) epilogue(c, ldc, M, N, bias, act);
}
