// SIMD helpers the kernel families share.

/** a·b + c on four lanes: one fused multiply-add in the relaxed-SIMD build, mul then add otherwise. */
@inline export function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(c, f32x4.mul(a, b));
  }
}
