// GEMM: C[M×N] = op(A)·op(B) (+ C when accumulate). Element (i, k) of op(A) is at a + 4·(i·aRow +
// k·aCol), so a transpose is a pair of swapped strides, absorbed by packing. Blocks: op(B) is
// packed KC deep and NC wide in 8-column panels; op(A) one 4-row panel at a time, each element
// broadcast to a whole v128 (so the kernel's A reads are plain loads, not load-and-splat); the 4×8
// tile of C lives in eight v128 accumulators, four K steps per loop iteration. The first K block
// stores C instead of adding to it (no zero fill). 4×8 is the largest tile V8 11.3 (Node 20) keeps
// in its 15 usable xmm registers: 8 accumulators, 2 B vectors, the A vector and the loop's
// addresses; larger tiles (6×8, 3×12) spill there. Both products take their operands as a
// GemmField struct in linear memory (src/codes.ts).

import { Activation, GemmField } from '../src/codes';
import { sigmoid } from './scalar';
import { fma } from './simd';

/** Rows of op(A) per panel: the tile's height. */
const MR: i32 = 4;
/** Columns of op(B) per panel: the tile's width (two v128). */
const NR: i32 = 8;
const KC: i32 = 256;
const NC: i32 = 512;
/** Bytes of one packed A element: broadcast to four lanes. */
const AS: i32 = 16;

/** Bytes of scratch the GEMM needs (a packed B block, one packed A panel, one tile). */
export function gemmScratchBytes(): i32 {
  return KC * NC * 4 + MR * KC * AS + MR * NR * 4;
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

/** Stores the four lanes of v, each broadcast to a v128, at p, p + stride, p + 2·stride, p + 3·stride. */
@inline function storeBroadcast4(v: v128, p: usize, stride: usize): void {
  v128.store(p, v128.shuffle<f32>(v, v, 0, 0, 0, 0));
  v128.store(p + stride, v128.shuffle<f32>(v, v, 1, 1, 1, 1));
  v128.store(p + 2 * stride, v128.shuffle<f32>(v, v, 2, 2, 2, 2));
  v128.store(p + 3 * stride, v128.shuffle<f32>(v, v, 3, 3, 3, 3));
}

/** One MR-row panel of op(A) (h live rows, zero-padded), kc deep, as [k][row] broadcast elements. */
function packA(a: usize, rs: i32, cs: i32, h: i32, kc: i32, dst: usize): void {
  let p = dst;
  const rb = <usize>rs << 2;
  const cb = <usize>cs << 2;
  let k = 0;
  if (h == MR && cs == 1) {
    // Row-major A: 4 k at a time from each row.
    for (; k + 4 <= kc; k += 4) {
      const src = a + (<usize>k << 2);
      for (let r = 0; r < MR; r++) storeBroadcast4(v128.load(src + <usize>r * rb), p + <usize>(r * AS), MR * AS);
      p += 4 * MR * AS;
    }
  } else if (h == MR && rs == 1) {
    // Transposed A: the MR rows at one k are adjacent.
    for (; k < kc; k++) {
      storeBroadcast4(v128.load(a + <usize>k * cb), p, AS);
      p += MR * AS;
    }
  }
  for (; k < kc; k++) {
    for (let r = 0; r < MR; r++) {
      v128.store(p, f32x4.splat(r < h ? load<f32>(a + <usize>r * rb + <usize>k * cb) : 0));
      p += AS;
    }
  }
}

/** The kc × nc block of op(B) as NR-column panels [j / NR][k][0, NR), zero-padded. */
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
        p += NR * 4;
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
        p += 4 * NR * 4;
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
 * 0 = none), then the Activation act. In float64 as the separate bias-activation pass was, so a
 * fused linear matches the unfused ops.
 */
@inline function epilogue(c: usize, ldc: i32, h: i32, w: i32, bias: usize, act: i32): void {
  for (let r = 0; r < h; r++) {
    const row = c + (<usize>(r * ldc) << 2);
    for (let q = 0; q < w; q++) {
      const at = row + (<usize>q << 2);
      let v = <f64>load<f32>(at) + (bias ? <f64>load<f32>(bias + (<usize>q << 2)) : 0);
      if (act == Activation.relu) v = v > 0 || v != v ? v : 0;
      else if (act == Activation.tanh) v = Math.tanh(v);
      else if (act == Activation.sigmoid) v = sigmoid(v);
      store<f32>(at, <f32>v);
    }
  }
}

/** Stores (first) or adds v to the v128 at p. */
@inline function put(p: usize, v: v128, first: bool): void {
  if (first) v128.store(p, v);
  else v128.store(p, f32x4.add(v128.load(p), v));
}

/**
 * The h × w tile of C at o (rows ldc floats apart) = (first) or += the packed A panel at pa times
 * the packed B panel at pb, kc (≥ 1) deep. `tile` is MR·NR floats of scratch for a partial tile.
 */
function kernel(kc: i32, pa: usize, pb: usize, o: usize, ldc: i32, h: i32, w: i32, first: bool, tile: usize): void {
  let aP = pa;
  let bP = pb;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let a: v128;
  // Four K steps per iteration; a K that is not a multiple of 4 leaves by one of the exits between
  // them. The exits also end V8's basic blocks, which keeps its scheduler from hoisting later
  // loads (and so more live vectors than registers) above the multiplies.
  const end = pb + <usize>(kc * NR * 4);
  const end0 = end - NR * 4, end1 = end - 2 * NR * 4, end2 = end - 3 * NR * 4;
  while (true) {
    // K step k + u: B vectors bu0, bu1, then rows 0 and 1, then rows 2 and 3 of the tile.
    const b00 = v128.load(bP, 0), b01 = v128.load(bP, 16);
    a = v128.load(aP, 0); c00 = fma(a, b00, c00); c01 = fma(a, b01, c01); a = v128.load(aP, 16); c10 = fma(a, b00, c10); c11 = fma(a, b01, c11);
    a = v128.load(aP, 32); c20 = fma(a, b00, c20); c21 = fma(a, b01, c21); a = v128.load(aP, 48); c30 = fma(a, b00, c30); c31 = fma(a, b01, c31);
    if (bP >= end0) break; const b10 = v128.load(bP, 32), b11 = v128.load(bP, 48);
    a = v128.load(aP, 64); c00 = fma(a, b10, c00); c01 = fma(a, b11, c01); a = v128.load(aP, 80); c10 = fma(a, b10, c10); c11 = fma(a, b11, c11);
    a = v128.load(aP, 96); c20 = fma(a, b10, c20); c21 = fma(a, b11, c21); a = v128.load(aP, 112); c30 = fma(a, b10, c30); c31 = fma(a, b11, c31);
    if (bP >= end1) break; const b20 = v128.load(bP, 64), b21 = v128.load(bP, 80);
    a = v128.load(aP, 128); c00 = fma(a, b20, c00); c01 = fma(a, b21, c01); a = v128.load(aP, 144); c10 = fma(a, b20, c10); c11 = fma(a, b21, c11);
    a = v128.load(aP, 160); c20 = fma(a, b20, c20); c21 = fma(a, b21, c21); a = v128.load(aP, 176); c30 = fma(a, b20, c30); c31 = fma(a, b21, c31);
    if (bP >= end2) break; const b30 = v128.load(bP, 96), b31 = v128.load(bP, 112);
    a = v128.load(aP, 192); c00 = fma(a, b30, c00); c01 = fma(a, b31, c01); a = v128.load(aP, 208); c10 = fma(a, b30, c10); c11 = fma(a, b31, c11);
    a = v128.load(aP, 224); c20 = fma(a, b30, c20); c21 = fma(a, b31, c21); a = v128.load(aP, 240); c30 = fma(a, b30, c30); c31 = fma(a, b31, c31);
    aP += 4 * MR * AS;
    bP += 4 * NR * 4;
    if (bP >= end) break;
  }
  const row = <usize>ldc << 2;
  if (h == MR && w == NR) {
    put(o, c00, first);
    put(o + 16, c01, first);
    put(o + row, c10, first);
    put(o + row + 16, c11, first);
    put(o + 2 * row, c20, first);
    put(o + 2 * row + 16, c21, first);
    put(o + 3 * row, c30, first);
    put(o + 3 * row + 16, c31, first);
    return;
  }
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
      const t = load<f32>(tile + (<usize>(r * NR + q) << 2));
      store<f32>(dst, first ? t : load<f32>(dst) + t);
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
    if (!accumulate) for (let i = 0; i < M; i++) memory.fill(c + (<usize>(i * ldc) << 2), 0, <usize>N << 2);
    if (bias || act) epilogue(c, ldc, M, N, bias, act);
    return;
  }
  const pb = scratch;
  const pa = pb + (<usize>(KC * NC) << 2);
  const tile = pa + <usize>(MR * KC * AS);
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      packB(b + (<usize>(pc * bRow + jc * bCol) << 2), bRow, bCol, kc, nc, pb);
      const first = pc == 0 && !accumulate;
      // The last K block: C's values are final, apply the epilogue while the tile is in cache.
      const last = pc + kc >= K && (bias != 0 || act != 0);
      for (let i = 0; i < M; i += MR) {
        const h = min(MR, M - i);
        packA(a + (<usize>(i * aRow + pc * aCol) << 2), aRow, aCol, h, kc, pa);
        const cRow = c + (<usize>(i * ldc + jc) << 2);
        for (let j = 0; j < nc; j += NR) {
          const w = min(NR, nc - j);
          const o = cRow + (<usize>j << 2);
          kernel(kc, pa, pb + (<usize>(j * kc) << 2), o, ldc, h, w, first, tile);
          if (last) epilogue(o, ldc, h, w, bias ? bias + (<usize>(jc + j) << 2) : 0, act);
        }
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
