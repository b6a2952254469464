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

