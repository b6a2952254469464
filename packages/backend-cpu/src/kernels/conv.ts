/**
 * conv2d and its two gradients as im2col + GEMM, one image and one group at a time.
 * cols[(c, i, j), (oh, ow)] = x[c, oh·s - p + i·d, ow·s - p + j·d] (0 in the padding).
 *   y = W·cols,  dcols = Wᵀ·dy then col2im (scatter-add),  dW = dy·colsᵀ
 */
import type { Conv2dParams, TensorInfo } from '@nnet/tensor';
import type { CpuHandle } from '../handle.js';
import { gemm } from './gemm.js';

/**
 * A tensor argument of the kernels: a CPU storage (one typed array) with its shape and strides.
 * @inline
 */
type T = TensorInfo<CpuHandle>;

let scratch = new Float32Array(0);
function cols(size: number): Float32Array {
  if (scratch.length < size) scratch = new Float32Array(size);
  return scratch;
}

interface Geo {
  C: number;
  H: number;
  W: number;
  O: number;
  kH: number;
  kW: number;
  Ho: number;
  Wo: number;
  Cg: number;
  Og: number;
}

function geometry(
  xShape: readonly number[],
  wShape: readonly number[],
  outShape: readonly number[],
  groups: number,
): Geo {
  const [, C, H, W] = xShape;
  const [O, Cg, kH, kW] = wShape;
  return { C, H, W, O, kH, kW, Ho: outShape[2], Wo: outShape[3], Cg, Og: O / groups };
}

/** Fills cols [Cg·kH·kW, Ho·Wo] from channels c0..c0+Cg of image x (offset xo). */
function im2col(x: Float32Array, xo: number, c0: number, g: Geo, p: Conv2dParams, out: Float32Array): void {
  const L = g.Ho * g.Wo;
  let r = 0;
  for (let c = 0; c < g.Cg; c++) {
    const plane = xo + (c0 + c) * g.H * g.W;
    for (let i = 0; i < g.kH; i++) {
      for (let j = 0; j < g.kW; j++, r++) {
        const row = r * L;
        for (let oh = 0; oh < g.Ho; oh++) {
          const h = oh * p.strideH - p.padH + i * p.dilationH;
          const dst = row + oh * g.Wo;
          if (h < 0 || h >= g.H) {
            out.fill(0, dst, dst + g.Wo);
            continue;
          }
          const src = plane + h * g.W;
          for (let ow = 0; ow < g.Wo; ow++) {
            const w = ow * p.strideW - p.padW + j * p.dilationW;
            out[dst + ow] = w >= 0 && w < g.W ? x[src + w] : 0;
          }
        }
      }
    }
  }
}

/** Adds cols back into channels c0.. of image dx (the adjoint of im2col). */
function col2im(
  colsData: Float32Array,
  dx: Float32Array,
  xo: number,
  c0: number,
  g: Geo,
  p: Conv2dParams,
): void {
  const L = g.Ho * g.Wo;
  let r = 0;
  for (let c = 0; c < g.Cg; c++) {
    const plane = xo + (c0 + c) * g.H * g.W;
    for (let i = 0; i < g.kH; i++) {
      for (let j = 0; j < g.kW; j++, r++) {
        const row = r * L;
        for (let oh = 0; oh < g.Ho; oh++) {
          const h = oh * p.strideH - p.padH + i * p.dilationH;
          if (h < 0 || h >= g.H) continue;
          const dst = plane + h * g.W;
          const src = row + oh * g.Wo;
          for (let ow = 0; ow < g.Wo; ow++) {
            const w = ow * p.strideW - p.padW + j * p.dilationW;
            if (w >= 0 && w < g.W) dx[dst + w] += colsData[src + ow];
          }
        }
      }
    }
  }
}

export function conv2d(x: T, w: T, bias: T | null, p: Conv2dParams, out: T): void {
  const g = geometry(x.shape, w.shape, out.shape, p.groups);
  const N = x.shape[0];
  const L = g.Ho * g.Wo;
  const KK = g.Cg * g.kH * g.kW;
  const xd = x.handle.data as Float32Array;
  const wd = w.handle.data as Float32Array;
  const od = out.handle.data as Float32Array;
  const buf = cols(KK * L);
  for (let n = 0; n < N; n++) {
    for (let grp = 0; grp < p.groups; grp++) {
      im2col(xd, n * g.C * g.H * g.W, grp * g.Cg, g, p, buf);
      const oOff = (n * g.O + grp * g.Og) * L;
      // y [Og, L] = Wg [Og, KK] · cols [KK, L]
      gemm({
        M: g.Og,
        N: L,
        K: KK,
        a: { data: wd, offset: grp * g.Og * KK, rowStride: KK, colStride: 1 },
        b: { data: buf, offset: 0, rowStride: L, colStride: 1 },
        c: { data: od, offset: oOff },
      });
    }
  }
  if (bias) {
    const bd = bias.handle.data as Float32Array;
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < g.O; o++) {
        const base = (n * g.O + o) * L;
        for (let l = 0; l < L; l++) od[base + l] += bd[o];
      }
    }
  }
}

export function conv2dBackwardInput(dy: T, w: T, p: Conv2dParams, dx: T): void {
  const g = geometry(dx.shape, w.shape, dy.shape, p.groups);
  const N = dx.shape[0];
  const L = g.Ho * g.Wo;
  const KK = g.Cg * g.kH * g.kW;
  const dyd = dy.handle.data as Float32Array;
  const wd = w.handle.data as Float32Array;
  const dxd = dx.handle.data as Float32Array;
  dxd.fill(0, 0, N * g.C * g.H * g.W);
  const buf = cols(KK * L);
  for (let n = 0; n < N; n++) {
    for (let grp = 0; grp < p.groups; grp++) {
      // dcols [KK, L] = Wgᵀ [KK, Og] · dy [Og, L]
      gemm({
        M: KK,
        N: L,
        K: g.Og,
        a: { data: wd, offset: grp * g.Og * KK, rowStride: 1, colStride: KK },
        b: { data: dyd, offset: (n * g.O + grp * g.Og) * L, rowStride: L, colStride: 1 },
        c: { data: buf, offset: 0 },
      });
      col2im(buf, dxd, n * g.C * g.H * g.W, grp * g.Cg, g, p);
    }
  }
}

export function conv2dBackwardFilter(x: T, dy: T, p: Conv2dParams, dw: T): void {
  const g = geometry(x.shape, dw.shape, dy.shape, p.groups);
  const N = x.shape[0];
  const L = g.Ho * g.Wo;
  const KK = g.Cg * g.kH * g.kW;
  const xd = x.handle.data as Float32Array;
  const dyd = dy.handle.data as Float32Array;
  const dwd = dw.handle.data as Float32Array;
  dwd.fill(0, 0, g.O * KK);
  const buf = cols(KK * L);
  const part = new Float32Array(g.Og * KK);
  for (let n = 0; n < N; n++) {
    for (let grp = 0; grp < p.groups; grp++) {
      im2col(xd, n * g.C * g.H * g.W, grp * g.Cg, g, p, buf);
      // dWg [Og, KK] += dy [Og, L] · colsᵀ [L, KK]
      gemm({
        M: g.Og,
        N: KK,
        K: L,
        a: { data: dyd, offset: (n * g.O + grp * g.Og) * L, rowStride: L, colStride: 1 },
        b: { data: buf, offset: 0, rowStride: 1, colStride: L },
        c: { data: part, offset: 0 },
      });
      const base = grp * g.Og * KK;
      for (let i = 0; i < part.length; i++) dwd[base + i] += part[i];
    }
  }
}
