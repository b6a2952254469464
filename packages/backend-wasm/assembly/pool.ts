// Max and average pooling and their gradients (geometry block as im2col's, dH = dW = 1).

import { PoolMode } from '../src/codes';

/**
 * A pool job (src/codes.ts's Job.pool): `planes` planes of a pooling or its gradient by PoolMode,
 * pointers at the first plane; HW and L (input and output plane sizes) for the max gradient.
 */
export function poolPlanes(mode: i32, x: usize, out: usize, indices: usize, planes: i32, g: usize, includePad: bool, HW: i32, L: i32): void {
  switch (mode) {
    case PoolMode.max: maxPool(x, out, indices, planes, g); break;
    case PoolMode.maxBackward: maxPoolBackward(x, indices, out, planes, HW, L); break;
    default: avgPool(x, out, planes, g, includePad, mode == PoolMode.avgBackward);
  }
}

/** Max pooling of `planes` planes H×W into Ho×Wo with indices; geometry block as im2col (dH = dW = 1). */
export function maxPool(x: usize, out: usize, indices: usize, planes: i32, g: usize): void {
  const H = load<i32>(g), W = load<i32>(g, 4), Ho = load<i32>(g, 8), Wo = load<i32>(g, 12);
  const kH = load<i32>(g, 16), kW = load<i32>(g, 20), sH = load<i32>(g, 24), sW = load<i32>(g, 28);
  const pH = load<i32>(g, 32), pW = load<i32>(g, 36);
  // The common 2x2 window, stride 2, no padding, every window inside the plane (no ceil-mode
  // edge): four outputs at a time in SIMD.
  const pairs = kH == 2 && kW == 2 && sH == 2 && sW == 2 && pH == 0 && pW == 0 && 2 * Ho <= H && 2 * Wo <= W;
  for (let p = 0; p < planes; p++) {
    const xo = x + (<usize>(p * H * W) << 2);
    const oo = <usize>(p * Ho * Wo) << 2;
    for (let oh = 0; oh < Ho; oh++) {
      const h0 = oh * sH - pH;
      let ow = 0;
      if (pairs) {
        for (; ow + 4 <= Wo; ow += 4) {
          const o = oo + (<usize>(oh * Wo + ow) << 2);
          maxPool2x2(xo, h0 * W + 2 * ow, W, out + o, indices + o);
        }
      }
      for (; ow < Wo; ow++) {
        const w0 = ow * sW - pW;
        let best: f32 = -Infinity;
        let at = -1;
        for (let h = max(h0, 0); h < min(h0 + kH, H); h++) {
          for (let w = max(w0, 0); w < min(w0 + kW, W); w++) {
            const v = load<f32>(xo + (<usize>(h * W + w) << 2));
            // Branch-free (selects, no jumps): on data in no order a branch mispredicts half the time.
            const take = <i32>(at < 0) | <i32>(v > best) | (<i32>(v != v) & <i32>(best == best));
            best = select<f32>(v, best, take != 0);
            at = select<i32>(h * W + w, at, take != 0);
          }
        }
        const o = oo + (<usize>(oh * Wo + ow) << 2);
        store<f32>(out + o, best);
        store<i32>(indices + o, at);
      }
    }
  }
}

/** Where v takes over from best as the window's maximum: larger, or the first NaN. */
@inline function takes(v: v128, best: v128): v128 {
  return v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
}

/**
 * Four outputs of a 2x2, stride-2 max pooling: windows at plane offsets at, at + 2, at + 4, at + 6
 * (rows W apart) into out[0..4) and indices[0..4), each window read in the scalar loop's order
 * (row by row) with its rule (the first maximum; the first NaN wins).
 */
@inline function maxPool2x2(plane: usize, at: i32, W: i32, out: usize, indices: usize): void {
  const r0 = plane + (<usize>at << 2);
  const r1 = r0 + (<usize>W << 2);
  const a0 = v128.load(r0), a1 = v128.load(r0, 16);
  const b0 = v128.load(r1), b1 = v128.load(r1, 16);
  let best = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6);
  const first = i32x4.add(i32x4.splat(at), i32x4(0, 2, 4, 6));
  let where = first;
  let v = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
  let take = takes(v, best);
  best = v128.bitselect(v, best, take);
  where = v128.bitselect(i32x4.add(first, i32x4.splat(1)), where, take);
  v = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
  take = takes(v, best);
  best = v128.bitselect(v, best, take);
  where = v128.bitselect(i32x4.add(first, i32x4.splat(W)), where, take);
  v = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
  take = takes(v, best);
  best = v128.bitselect(v, best, take);
  where = v128.bitselect(i32x4.add(first, i32x4.splat(W + 1)), where, take);
  v128.store(out, best);
  v128.store(indices, where);
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

