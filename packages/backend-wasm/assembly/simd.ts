// SIMD helpers the kernel families share.

/** a·b + c on four lanes: one fused multiply-add in the relaxed-SIMD build, mul then add otherwise. */
@inline export function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(c, f32x4.mul(a, b));
  }
}

/** relu on four lanes as the scalar rule: v where v > 0 or v is NaN, else +0 (-0 included). */
@inline export function reluVec(v: v128): v128 {
  return v128.and(v, v128.or(f32x4.gt(v, f32x4.splat(0)), f32x4.ne(v, v)));
}
