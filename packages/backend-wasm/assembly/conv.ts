// Convolution helpers around the GEMM: im2col and its adjoint col2im (geometry block
// [H, W, Ho, Wo, kH, kW, sH, sW, pH, pW, dH, dW, Cg, ld]), block moves between an image's planes
// and a batch matrix, and the per-channel bias.

import { ConvField, ConvMode, GemmField } from '../src/codes';
import { gemm } from './gemm';

/**
 * The walk im2col and col2im share: for each row (c, i, j) of cols [Cg·kH·kW, Ho·Wo] and each
 * output row oh, the image row it reads; `adjoint` adds the columns back into the image
 * (col2im) instead of copying the image out (im2col), zeros for the padding included. The
 * geometry block g: [H, W, Ho, Wo, kH, kW, sH, sW, pH, pW, dH, dW, Cg, ld], ld the row stride of
 * cols in floats (0: Ho·Wo), so several images' columns can sit side by side.
 */
@inline function unfold(adjoint: bool, x: usize, cols: usize, g: usize): void {
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
          const colsAt = row + (<usize>(oh * Wo) << 2);
          if (h < 0 || h >= H) {
            if (!adjoint) memory.fill(colsAt, 0, <usize>Wo << 2);
            continue;
          }
          const imageAt = plane + (<usize>(h * W) << 2);
          if (sW == 1) {
            // Unit stride: the columns lo..hi map to one contiguous run of the image row.
            const off = j * dW - pW;
            const lo = min(Wo, max(0, -off));
            const hi = max(lo, min(Wo, W - off));
            if (adjoint) {
              if (hi > lo) addInto(imageAt + (<usize>(lo + off) << 2), colsAt + (<usize>lo << 2), hi - lo);
            } else {
              if (lo > 0) memory.fill(colsAt, 0, <usize>lo << 2);
              if (hi > lo) memory.copy(colsAt + (<usize>lo << 2), imageAt + (<usize>(lo + off) << 2), <usize>(hi - lo) << 2);
              if (hi < Wo) memory.fill(colsAt + (<usize>hi << 2), 0, <usize>(Wo - hi) << 2);
            }
            continue;
          }
          for (let ow = 0; ow < Wo; ow++) {
            const w = ow * sW - pW + j * dW;
            const inside = w >= 0 && w < W;
            const at = colsAt + (<usize>ow << 2);
            if (adjoint) {
              if (inside) {
                const to = imageAt + (<usize>w << 2);
                store<f32>(to, load<f32>(to) + load<f32>(at));
              }
            } else store<f32>(at, inside ? load<f32>(imageAt + (<usize>w << 2)) : 0);
          }
        }
        r++;
      }
    }
  }
}

/** cols [Cg·kH·kW, Ho·Wo] from channels of one image plane stack x (at `x`, channels Cg, H×W). */
export function im2col(x: usize, cols: usize, g: usize): void {
  unfold(false, x, cols, g);
}

/** Adds cols back into the image planes (the adjoint of im2col); same geometry block. */
export function col2im(cols: usize, x: usize, g: usize): void {
  unfold(true, x, cols, g);
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


@inline function word(p: usize, f: i32): i32 {
  return load<i32>(p + (<usize>f << 2));
}

/** Writes a GemmField struct at `args` (no epilogue). */
@inline function setGemm(args: usize, M: i32, N: i32, K: i32, a: usize, aRow: i32, aCol: i32, b: usize, bRow: i32, bCol: i32, c: usize, ldc: i32, accumulate: bool): void {
  store<i32>(args + (<usize>GemmField.M << 2), M);
  store<i32>(args + (<usize>GemmField.N << 2), N);
  store<i32>(args + (<usize>GemmField.K << 2), K);
  store<i32>(args + (<usize>GemmField.a << 2), <i32>a);
  store<i32>(args + (<usize>GemmField.aRow << 2), aRow);
  store<i32>(args + (<usize>GemmField.aCol << 2), aCol);
  store<i32>(args + (<usize>GemmField.b << 2), <i32>b);
  store<i32>(args + (<usize>GemmField.bRow << 2), bRow);
  store<i32>(args + (<usize>GemmField.bCol << 2), bCol);
  store<i32>(args + (<usize>GemmField.c << 2), <i32>c);
  store<i32>(args + (<usize>GemmField.ldc << 2), ldc);
  store<i32>(args + (<usize>GemmField.accumulate << 2), accumulate ? 1 : 0);
  store<i32>(args + (<usize>GemmField.bias << 2), 0);
  store<i32>(args + (<usize>GemmField.act << 2), 0);
}

/**
 * Images n0..n1 of a convolution or one of its gradients (a ConvField struct at p): a thread's
 * share of a convolution batch, run as the one-thread path runs a whole batch. Forward and the
 * input gradient take nb images per product, their columns side by side in one
 * [Cg·kH·kW, nb·Ho·Wo] matrix (a product's columns do not change each other's values, so the
 * results equal one thread's bit for bit); the filter gradient one image per product (K = L
 * packs faster than a deep K), every image in order added into `grad` (dw, or a run's partial
 * sum of it). `scratch` holds gemmScratchBytes().
 */
export function convImages(p: usize, scratch: usize): void {
  const mode = word(p, ConvField.mode);
  const x = <usize>word(p, ConvField.x), w = <usize>word(p, ConvField.w);
  const y = <usize>word(p, ConvField.y), grad = <usize>word(p, ConvField.grad);
  const C = word(p, ConvField.C), O = word(p, ConvField.O), groups = word(p, ConvField.groups);
  const args = <usize>word(p, ConvField.args), cols = <usize>word(p, ConvField.cols);
  const batch = <usize>word(p, ConvField.batch);
  // This part's copy of the geometry, its column stride set per product.
  const geo = args + 64;
  memory.copy(geo, <usize>word(p, ConvField.geo), 56);
  const H = load<i32>(geo), W = load<i32>(geo, 4), Ho = load<i32>(geo, 8), Wo = load<i32>(geo, 12);
  const kH = load<i32>(geo, 16), kW = load<i32>(geo, 20), Cg = load<i32>(geo, 48);
  const L = Ho * Wo, KK = Cg * kH * kW, Og = O / groups;
  const n1 = word(p, ConvField.n1);
  const nb = mode == ConvMode.forward || mode == ConvMode.backwardInput ? max(1, word(p, ConvField.nb)) : 1;
  for (let n = word(p, ConvField.n0); n < n1; n += nb) {
    const b = min(nb, n1 - n);
    const bL = b * L;
    store<i32>(geo, b > 1 ? bL : 0, 52);
    for (let g = 0; g < groups; g++) {
      const wg = w + (<usize>(g * Og * KK) << 2);
      if (mode == ConvMode.forward) {
        for (let i = 0; i < b; i++) im2col(x + (<usize>(((n + i) * C + g * Cg) * H * W) << 2), cols + (<usize>(i * L) << 2), geo);
        // [Og, b·L] = Wg [Og, KK] · cols [KK, b·L]: in place for one image, else each image's block moved
        const yn = y + (<usize>((n * O + g * Og) * L) << 2);
        setGemm(args, Og, bL, KK, wg, KK, 1, cols, bL, 1, b > 1 ? batch : yn, bL, false);
        gemm(args, scratch);
        for (let i = 0; b > 1 && i < b; i++) copyRows(batch + (<usize>(i * L) << 2), bL, yn + (<usize>(i * O * L) << 2), L, Og, L);
      } else if (mode == ConvMode.backwardInput) {
        // dy's rows of these images as [Og, b·L] (in place for one image)
        let dys = y + (<usize>((n * O + g * Og) * L) << 2);
        if (b > 1) {
          for (let i = 0; i < b; i++) copyRows(dys + (<usize>(i * O * L) << 2), L, batch + (<usize>(i * L) << 2), bL, Og, L);
          dys = batch;
        }
        // cols [KK, b·L] = Wgᵀ · dys, each image's columns added back into its dx planes
        setGemm(args, KK, bL, Og, wg, 1, KK, dys, bL, 1, cols, bL, false);
        gemm(args, scratch);
        for (let i = 0; i < b; i++) col2im(cols + (<usize>(i * L) << 2), grad + (<usize>(((n + i) * C + g * Cg) * H * W) << 2), geo);
      } else {
        im2col(x + (<usize>((n * C + g * Cg) * H * W) << 2), cols, geo);
        // dWg [Og, KK] += dy[n, g] [Og, L] · colsᵀ
        const yn = y + (<usize>((n * O + g * Og) * L) << 2);
        setGemm(args, Og, KK, L, yn, L, 1, cols, 1, L, grad + (<usize>(g * Og * KK) << 2), KK, true);
        gemm(args, scratch);
      }
    }
  }
}
