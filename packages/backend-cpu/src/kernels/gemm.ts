/**
 * Packed, register-blocked single-precision GEMM in plain TypeScript with a fused epilogue:
 *   C[M×N] = act(op(A)·op(B) + bias)
 * where op(A) element (i, k) is a.data[a.offset + i·a.rowStride + k·a.colStride] (so a transpose
 * is just swapped strides, absorbed when packing), and likewise for B (a GemmOperand each).
 *
 * Goto's blocking: for each NC-column block and KC-deep slice, B is packed into panels of NR
 * columns (pb[panel][k][0..NR), zero-padded); for each MC-row block, A into panels of MR rows; the
 * micro-kernel accumulates one MR×NR tile of C over the slice. Products with few rows skip the
 * packing (`gemmSmall`): packing B would cost as much as the product.
 *
 * Two V8-specific choices, each measured on this project's machine (GFLOP/s against the previous
 * 4×4 kernel on Float32Array panels passed as arguments: ~1.5× at every size):
 * - The panels and the tile accumulator are fixed-size module-level Float64Arrays. TurboFan embeds
 *   such constants, so a load is an index add, one bounds compare and a load from an absolute
 *   address; a typed array passed as an argument costs a map check and base reloads per
 *   iteration and a base add per load. Float64 panels skip a float32→float64 conversion per load.
 * - The 4×8 tile accumulates in that constant `acc` array, not in 32 locals: V8 schedules all the
 *   products of an iteration before the sums and spills locals anyway, while constant-index
 *   accesses to a constant array need no bounds check (1.4× a 4×4 tile of locals).
 * Accumulation is in float64; C is written once per KC slice.
 */
import { sigmoid, UNARY } from '@nnet/kernels-js';
import type { FusedActivation } from '@nnet/tensor';

const MR = 4;
const NR = 8;
const KC = 256;
const MC = 64;
const NC = 512;
/** Products with at most this many rows run unpacked (measured: packing pays from 4 rows up). */
const SMALL_M = 3;

/*
 * The panels and the tile. Each function that uses them copies them into a local `const` first:
 * V8 before 12 (Node 20) embeds a module-level `const` as a constant but reloads a module-level
 * `var` or `let` on every access, and bundlers rewrite declarations (esbuild turns top-level `const`
 * into `var`, its minifier turns `const` into `let`), which made an esbuild bundle of this file
 * 3.5× slower on Node 20; with the local copy it keeps ~0.7× (the local is an unknown array, so
 * the loads keep their map and bounds checks) and an unbundled or Vite (Rollup) build loses nothing.
 */
const PACK_A = new Float64Array(MC * KC);
const PACK_B = new Float64Array(KC * NC);
const ACC = new Float64Array(MR * NR);
/** One float64 row of C for the unpacked path's axpy form (grown on demand). */
let rowAcc = new Float64Array(512);

/** The epilogue applied as C is finished: c = act(c + bias[j]) (bias null: no bias). */
export interface Epilogue {
  readonly bias: Float32Array | null;
  readonly biasOff: number;
  readonly activation: FusedActivation;
}

/** act(v) by the scalar rules of `@nnet/kernels-js` (relu keeps NaN, sigmoid is the stable one). */
function activate(v: number, act: FusedActivation): number {
  if (act === 'relu') return UNARY.relu(v);
  if (act === 'tanh') return Math.tanh(v);
  if (act === 'sigmoid') return sigmoid(v);
  return v;
}

/** An operand of `gemm`: element (i, k) of op(A) (or (k, j) of op(B)) is data[offset + i·rowStride + k·colStride]. */
export interface GemmOperand {
  readonly data: Float32Array;
  /** The index in `data` of element (0, 0). */
  readonly offset: number;
  /** Elements between consecutive rows (a transposed operand: 1). */
  readonly rowStride: number;
  /** Elements between consecutive columns (a transposed operand: the stored row length). */
  readonly colStride: number;
}

/** The arguments of `gemm`: C [M×N] = act(op(A) [M×K] · op(B) [K×N] + bias). */
export interface GemmArgs {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly a: GemmOperand;
  readonly b: GemmOperand;
  /** C: dense rows of N floats from `offset`, overwritten. */
  readonly c: { readonly data: Float32Array; readonly offset: number };
  /** Bias and activation applied as C is finished (absent or null: none). */
  readonly epilogue?: Epilogue | null;
}

/**
 * C[M×N] = act(op(A)·op(B) + bias), overwriting C. The fields are read once here: the loops below
 * take numbers, never the struct.
 *
 * @example gemm({ M: 2, N: 3, K: 4, a: { data: a, offset: 0, rowStride: 4, colStride: 1 }, b: { data: b, offset: 0, rowStride: 3, colStride: 1 }, c: { data: c, offset: 0 } }) // a [2, 4] · b [4, 3] → c [2, 3]
 */
export function gemm(args: GemmArgs): void {
  const { M, N, K, epilogue = null } = args;
  const { data: c, offset: cOff } = args.c;
  if (M === 0 || N === 0) return;
  if (K === 0) {
    c.fill(0, cOff, cOff + M * N);
    if (epilogue) applyEpilogue(c, cOff, N, M, N, 0, epilogue);
    return;
  }
  if (M <= SMALL_M) {
    gemmSmall(args);
    return;
  }
  const { data: a, offset: aOff, rowStride: aRow, colStride: aCol } = args.a;
  const { data: b, offset: bOff, rowStride: bRow, colStride: bCol } = args.b;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packPanelsB(b, bOff + pc * bRow + jc * bCol, bRow, bCol, kc, nc);
      const first = pc === 0;
      const last = pc + kc === K;
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packPanelsA(a, aOff + ic * aRow + pc * aCol, aRow, aCol, mc, kc);
        macro(mc, nc, kc, c, cOff + ic * N + jc, N, first);
        if (last && epilogue) applyEpilogue(c, cOff + ic * N + jc, N, mc, nc, jc, epilogue);
      }
    }
  }
}

/** B block (kc × nc) → panels of NR columns: packB[panel][k][0..NR), zero-padded. */
function packPanelsB(b: Float32Array, off: number, rs: number, cs: number, kc: number, nc: number): void {
  const packB = PACK_B;
  let p = 0;
  for (let j = 0; j < nc; j += NR) {
    const w = Math.min(NR, nc - j);
    if (w === NR && cs === 1) {
      // Row-major B: eight consecutive floats per k.
      for (let k = 0, base = off + j; k < kc; k++, base += rs) {
        packB[p] = b[base];
        packB[p + 1] = b[base + 1];
        packB[p + 2] = b[base + 2];
        packB[p + 3] = b[base + 3];
        packB[p + 4] = b[base + 4];
        packB[p + 5] = b[base + 5];
        packB[p + 6] = b[base + 6];
        packB[p + 7] = b[base + 7];
        p += NR;
      }
    } else if (w === NR && rs === 1) {
      // Transposed B: each of the eight columns is a contiguous run over k.
      const base = off + j * cs;
      for (let jj = 0; jj < NR; jj++) {
        const src = base + jj * cs;
        for (let k = 0, q = p + jj; k < kc; k++, q += NR) packB[q] = b[src + k];
      }
      p += kc * NR;
    } else {
      for (let k = 0; k < kc; k++) {
        const base = off + k * rs + j * cs;
        for (let jj = 0; jj < NR; jj++) packB[p++] = jj < w ? b[base + jj * cs] : 0;
      }
    }
  }
}

/** A block (mc × kc) → panels of MR rows: packA[panel][k][0..MR), zero-padded. */
function packPanelsA(a: Float32Array, off: number, rs: number, cs: number, mc: number, kc: number): void {
  const packA = PACK_A;
  let p = 0;
  for (let i = 0; i < mc; i += MR) {
    const h = Math.min(MR, mc - i);
    if (h === MR && cs === 1) {
      // Row-major A: four rows read in step over k.
      const r0 = off + i * rs;
      const r1 = r0 + rs;
      const r2 = r1 + rs;
      const r3 = r2 + rs;
      for (let k = 0; k < kc; k++) {
        packA[p] = a[r0 + k];
        packA[p + 1] = a[r1 + k];
        packA[p + 2] = a[r2 + k];
        packA[p + 3] = a[r3 + k];
        p += MR;
      }
    } else if (h === MR && rs === 1) {
      // Transposed A: four consecutive floats per k.
      for (let k = 0, base = off + i; k < kc; k++, base += cs) {
        packA[p] = a[base];
        packA[p + 1] = a[base + 1];
        packA[p + 2] = a[base + 2];
        packA[p + 3] = a[base + 3];
        p += MR;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const base = off + i * rs + k * cs;
        for (let ii = 0; ii < MR; ii++) packA[p++] = ii < h ? a[base + ii * rs] : 0;
      }
    }
  }
}

/** Every MR×NR tile of the packed mc × nc block: C tile = (first ? 0 : C tile) + A panel · B panel. */
function macro(
  mc: number,
  nc: number,
  kc: number,
  c: Float32Array,
  cOff: number,
  ldc: number,
  first: boolean,
): void {
  for (let j = 0, bBase = 0; j < nc; j += NR, bBase += kc * NR) {
    const w = Math.min(NR, nc - j);
    for (let i = 0, aBase = 0; i < mc; i += MR, aBase += kc * MR) {
      micro(kc, aBase, bBase);
      storeTile(c, cOff + i * ldc + j, ldc, Math.min(MR, mc - i), w, first);
    }
  }
}

/** acc[MR×NR] = Σ_k packA[aBase + k·MR + i] · packB[bBase + k·NR + j]. */
function micro(kc: number, aBase: number, bBase: number): void {
  const packA = PACK_A;
  const packB = PACK_B;
  const acc = ACC;
  acc.fill(0);
  let pA = aBase | 0;
  let pB = bBase | 0;
  const end = (aBase + kc * MR) | 0;
  for (; pA < end; pA = (pA + MR) | 0) {
    const a0 = packA[pA];
    const a1 = packA[(pA + 1) | 0];
    const a2 = packA[(pA + 2) | 0];
    const a3 = packA[(pA + 3) | 0];
    const b0 = packB[pB];
    const b1 = packB[(pB + 1) | 0];
    const b2 = packB[(pB + 2) | 0];
    const b3 = packB[(pB + 3) | 0];
    const b4 = packB[(pB + 4) | 0];
    const b5 = packB[(pB + 5) | 0];
    const b6 = packB[(pB + 6) | 0];
    const b7 = packB[(pB + 7) | 0];
    acc[0] += a0 * b0;
    acc[1] += a0 * b1;
    acc[2] += a0 * b2;
    acc[3] += a0 * b3;
    acc[4] += a0 * b4;
    acc[5] += a0 * b5;
    acc[6] += a0 * b6;
    acc[7] += a0 * b7;
    acc[8] += a1 * b0;
    acc[9] += a1 * b1;
    acc[10] += a1 * b2;
    acc[11] += a1 * b3;
    acc[12] += a1 * b4;
    acc[13] += a1 * b5;
    acc[14] += a1 * b6;
    acc[15] += a1 * b7;
    acc[16] += a2 * b0;
    acc[17] += a2 * b1;
    acc[18] += a2 * b2;
    acc[19] += a2 * b3;
    acc[20] += a2 * b4;
    acc[21] += a2 * b5;
    acc[22] += a2 * b6;
    acc[23] += a2 * b7;
    acc[24] += a3 * b0;
    acc[25] += a3 * b1;
    acc[26] += a3 * b2;
    acc[27] += a3 * b3;
    acc[28] += a3 * b4;
    acc[29] += a3 * b5;
    acc[30] += a3 * b6;
    acc[31] += a3 * b7;
    pB = (pB + NR) | 0;
  }
}

/** Writes the h × w corner of acc into C at o (row stride ldc), or adds it when not `first`. */
function storeTile(c: Float32Array, o: number, ldc: number, h: number, w: number, first: boolean): void {
  const acc = ACC;
  for (let ii = 0; ii < h; ii++) {
    const row = o + ii * ldc;
    const t = ii * NR;
    if (first) for (let jj = 0; jj < w; jj++) c[row + jj] = acc[t + jj];
    else for (let jj = 0; jj < w; jj++) c[row + jj] += acc[t + jj];
  }
}

/** c[i, j] = act(c[i, j] + bias[j0 + j]) over an m × n block at o (row stride ldc). */
function applyEpilogue(
  c: Float32Array,
  o: number,
  ldc: number,
  m: number,
  n: number,
  j0: number,
  e: Epilogue,
): void {
  const bias = e.bias;
  const bOff = e.biasOff + j0;
  const act = e.activation;
  for (let i = 0; i < m; i++) {
    const row = o + i * ldc;
    if (bias) for (let j = 0; j < n; j++) c[row + j] += bias[bOff + j];
    if (act !== 'none') for (let j = 0; j < n; j++) c[row + j] = activate(c[row + j], act);
  }
}

/**
 * The unpacked product for a few rows: dot products when op(B)'s columns are contiguous (a
 * linear layer's weight), else C's row accumulated as Σ_k a[i, k]·B[k, :] in float64.
 */
function gemmSmall(args: GemmArgs): void {
  const { M, N, K, epilogue = null } = args;
  const { data: a, offset: aOff, rowStride: aRow, colStride: aCol } = args.a;
  const { data: b, offset: bOff, rowStride: bRow, colStride: bCol } = args.b;
  const { data: c, offset: cOff } = args.c;
  if (bRow === 1 && aCol === 1) {
    dots(M, a, aOff, aRow, b, bOff, bCol, K, N, c, cOff);
  } else {
    for (let i = 0; i < M; i++) {
      const ai = aOff + i * aRow;
      const ci = cOff + i * N;
      if (bCol === 1) {
        if (rowAcc.length < N) rowAcc = new Float64Array(N);
        const r = rowAcc;
        r.fill(0, 0, N);
        for (let k = 0; k < K; k++) {
          const v = a[ai + k * aCol];
          const bk = bOff + k * bRow;
          for (let j = 0; j < N; j++) r[j] += v * b[bk + j];
        }
        for (let j = 0; j < N; j++) c[ci + j] = r[j];
      } else {
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let k = 0, p = ai, q = bOff + j * bCol; k < K; k++, p += aCol, q += bRow) s += a[p] * b[q];
          c[ci + j] = s;
        }
      }
    }
  }
  if (epilogue) applyEpilogue(c, cOff, N, M, N, 0, epilogue);
}

/**
 * c[i, j] = Σ_k x[xo + i·xs + k]·y[yo + j·ys + k] (contiguous rows of x and of y): four columns of
 * y at a time, so each x[i, k] loaded serves four products, and all m rows of x against those four
 * columns while they are in L1.
 */
function dots(
  m: number,
  x: Float32Array,
  xo: number,
  xs: number,
  y: Float32Array,
  yo: number,
  ys: number,
  K: number,
  n: number,
  c: Float32Array,
  co: number,
): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const y0 = yo + j * ys;
    const y1 = y0 + ys;
    const y2 = y1 + ys;
    const y3 = y2 + ys;
    for (let i = 0; i < m; i++) {
      const xi = xo + i * xs;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < K; k++) {
        const v = x[xi + k];
        s0 += v * y[y0 + k];
        s1 += v * y[y1 + k];
        s2 += v * y[y2 + k];
        s3 += v * y[y3 + k];
      }
      const ci = co + i * n + j;
      c[ci] = s0;
      c[ci + 1] = s1;
      c[ci + 2] = s2;
      c[ci + 3] = s3;
    }
  }
  for (; j < n; j++) {
    const yj = yo + j * ys;
    for (let i = 0; i < m; i++) {
      const xi = xo + i * xs;
      let s = 0;
      for (let k = 0; k < K; k++) s += x[xi + k] * y[yj + k];
      c[co + i * n + j] = s;
    }
  }
}
