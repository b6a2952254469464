/**
 * Packed, register-tiled single-precision GEMM in plain TypeScript:
 * C[M×N] = op(A)·op(B), where op(A) element (i, k) is a[aOff + i·aRow + k·aCol] (so a transpose is
 * just swapped strides, absorbed when packing). Panels of 4 rows of A and 4 columns of B are
 * packed into contiguous scratch buffers per K block, and a 4×4 tile of C is accumulated in 16
 * local variables, so the inner loop does 8 loads for 32 flops.
 */
const MR = 4;
const NR = 4;
const KC = 256;
const MC = 64;
const NC = 1024;

let packA = new Float32Array(MC * KC);
let packB = new Float32Array(KC * NC);

export function gemm(
  M: number,
  N: number,
  K: number,
  a: Float32Array,
  aOff: number,
  aRow: number,
  aCol: number,
  b: Float32Array,
  bOff: number,
  bRow: number,
  bCol: number,
  c: Float32Array,
  cOff: number,
): void {
  c.fill(0, cOff, cOff + M * N);
  if (K === 0) return;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    const ncPad = Math.ceil(nc / NR) * NR;
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      if (packB.length < kc * ncPad) packB = new Float32Array(kc * ncPad);
      packPanelsB(b, bOff + pc * bRow + jc * bCol, bRow, bCol, kc, nc, packB);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        const mcPad = Math.ceil(mc / MR) * MR;
        if (packA.length < kc * mcPad) packA = new Float32Array(kc * mcPad);
        packPanelsA(a, aOff + ic * aRow + pc * aCol, aRow, aCol, mc, kc, packA);
        macro(mc, nc, kc, packA, packB, c, cOff + ic * N + jc, N);
      }
    }
  }
}

/** B block (kc × nc) → panels of NR columns: pb[panel][k][0..NR), zero-padded. */
function packPanelsB(
  b: Float32Array,
  off: number,
  rs: number,
  cs: number,
  kc: number,
  nc: number,
  pb: Float32Array,
): void {
  let p = 0;
  for (let j = 0; j < nc; j += NR) {
    const w = Math.min(NR, nc - j);
    for (let k = 0; k < kc; k++) {
      const base = off + k * rs + j * cs;
      for (let jj = 0; jj < NR; jj++) pb[p++] = jj < w ? b[base + jj * cs] : 0;
    }
  }
}

/** A block (mc × kc) → panels of MR rows: pa[panel][k][0..MR), zero-padded. */
function packPanelsA(
  a: Float32Array,
  off: number,
  rs: number,
  cs: number,
  mc: number,
  kc: number,
  pa: Float32Array,
): void {
  let p = 0;
  for (let i = 0; i < mc; i += MR) {
    const h = Math.min(MR, mc - i);
    for (let k = 0; k < kc; k++) {
      const base = off + i * rs + k * cs;
      for (let ii = 0; ii < MR; ii++) pa[p++] = ii < h ? a[base + ii * rs] : 0;
    }
  }
}

function macro(
  mc: number,
  nc: number,
  kc: number,
  pa: Float32Array,
  pb: Float32Array,
  c: Float32Array,
  cOff: number,
  ldc: number,
): void {
  for (let j = 0; j < nc; j += NR) {
    const w = Math.min(NR, nc - j);
    const bBase = (j / NR) * kc * NR;
    for (let i = 0; i < mc; i += MR) {
      const h = Math.min(MR, mc - i);
      const aBase = (i / MR) * kc * MR;
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0;
      let c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0;
      let c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      let pA = aBase;
      let pB = bBase;
      for (let k = 0; k < kc; k++) {
        const a0 = pa[pA],
          a1 = pa[pA + 1],
          a2 = pa[pA + 2],
          a3 = pa[pA + 3];
        const b0 = pb[pB],
          b1 = pb[pB + 1],
          b2 = pb[pB + 2],
          b3 = pb[pB + 3];
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
        pA += 4;
        pB += 4;
      }
      const o = cOff + i * ldc + j;
      if (h === 4 && w === 4) {
        c[o] += c00;
        c[o + 1] += c01;
        c[o + 2] += c02;
        c[o + 3] += c03;
        const o1 = o + ldc;
        c[o1] += c10;
        c[o1 + 1] += c11;
        c[o1 + 2] += c12;
        c[o1 + 3] += c13;
        const o2 = o1 + ldc;
        c[o2] += c20;
        c[o2 + 1] += c21;
        c[o2 + 2] += c22;
        c[o2 + 3] += c23;
        const o3 = o2 + ldc;
        c[o3] += c30;
        c[o3 + 1] += c31;
        c[o3 + 2] += c32;
        c[o3 + 3] += c33;
      } else {
        const t = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        for (let ii = 0; ii < h; ii++) for (let jj = 0; jj < w; jj++) c[o + ii * ldc + jj] += t[ii * 4 + jj];
      }
    }
  }
}
