/** Max and average pooling over NCHW planes, with their gradients. */
import type { Pool2dParams, TensorInfo } from '@nnet/tensor';
import type { CpuHandle } from '../handle.js';

/**
 * A tensor argument of the kernels: a CPU storage (one typed array) with its shape and strides.
 * @inline
 */
type T = TensorInfo<CpuHandle>;

export function maxPool2d(x: T, p: Pool2dParams, out: T, indices: T): void {
  const [N, C, H, W] = x.shape;
  const [, , Ho, Wo] = out.shape;
  const xd = x.handle.data;
  const od = out.handle.data;
  const id = indices.handle.data;
  for (let plane = 0; plane < N * C; plane++) {
    const xo = plane * H * W;
    const oo = plane * Ho * Wo;
    for (let oh = 0; oh < Ho; oh++) {
      const h0 = oh * p.strideH - p.padH;
      for (let ow = 0; ow < Wo; ow++) {
        const w0 = ow * p.strideW - p.padW;
        let best = Number.NEGATIVE_INFINITY;
        let bestIdx = -1;
        for (let i = 0; i < p.kernelH; i++) {
          const h = h0 + i;
          if (h < 0 || h >= H) continue;
          for (let j = 0; j < p.kernelW; j++) {
            const w = w0 + j;
            if (w < 0 || w >= W) continue;
            const v = xd[xo + h * W + w];
            if (v > best || v !== v || bestIdx < 0) {
              best = v;
              bestIdx = h * W + w;
              if (v !== v) break;
            }
          }
          if (best !== best) break;
        }
        od[oo + oh * Wo + ow] = best;
        id[oo + oh * Wo + ow] = bestIdx;
      }
    }
  }
}

export function maxPool2dBackward(dy: T, indices: T, dx: T): void {
  const [N, C, H, W] = dx.shape;
  const [, , Ho, Wo] = dy.shape;
  const g = dy.handle.data;
  const id = indices.handle.data;
  const d = dx.handle.data;
  d.fill(0, 0, N * C * H * W);
  for (let plane = 0; plane < N * C; plane++) {
    const xo = plane * H * W;
    const oo = plane * Ho * Wo;
    for (let l = 0; l < Ho * Wo; l++) d[xo + id[oo + l]] += g[oo + l];
  }
}

/** The number of window positions that each output divides by. */
function divisor(p: Pool2dParams, h0: number, w0: number, H: number, W: number): number {
  if (p.countIncludePad) return p.kernelH * p.kernelW;
  const hs = Math.max(h0, 0);
  const he = Math.min(h0 + p.kernelH, H);
  const ws = Math.max(w0, 0);
  const we = Math.min(w0 + p.kernelW, W);
  return (he - hs) * (we - ws);
}

export function avgPool2d(x: T, p: Pool2dParams, out: T): void {
  const [N, C, H, W] = x.shape;
  const [, , Ho, Wo] = out.shape;
  const xd = x.handle.data;
  const od = out.handle.data;
  for (let plane = 0; plane < N * C; plane++) {
    const xo = plane * H * W;
    const oo = plane * Ho * Wo;
    for (let oh = 0; oh < Ho; oh++) {
      const h0 = oh * p.strideH - p.padH;
      for (let ow = 0; ow < Wo; ow++) {
        const w0 = ow * p.strideW - p.padW;
        let s = 0;
        for (let h = Math.max(h0, 0); h < Math.min(h0 + p.kernelH, H); h++) {
          for (let w = Math.max(w0, 0); w < Math.min(w0 + p.kernelW, W); w++) s += xd[xo + h * W + w];
        }
        od[oo + oh * Wo + ow] = s / divisor(p, h0, w0, H, W);
      }
    }
  }
}

export function avgPool2dBackward(dy: T, p: Pool2dParams, dx: T): void {
  const [N, C, H, W] = dx.shape;
  const [, , Ho, Wo] = dy.shape;
  const g = dy.handle.data;
  const d = dx.handle.data;
  d.fill(0, 0, N * C * H * W);
  for (let plane = 0; plane < N * C; plane++) {
    const xo = plane * H * W;
    const oo = plane * Ho * Wo;
    for (let oh = 0; oh < Ho; oh++) {
      const h0 = oh * p.strideH - p.padH;
      for (let ow = 0; ow < Wo; ow++) {
        const w0 = ow * p.strideW - p.padW;
        const share = g[oo + oh * Wo + ow] / divisor(p, h0, w0, H, W);
        for (let h = Math.max(h0, 0); h < Math.min(h0 + p.kernelH, H); h++) {
          for (let w = Math.max(w0, 0); w < Math.min(w0 + p.kernelW, W); w++) d[xo + h * W + w] += share;
        }
      }
    }
  }
}
