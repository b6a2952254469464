// SIMD helpers the kernel families share.

/** a·b + c on four lanes: one fused multiply-add in the relaxed-SIMD build, mul then add otherwise. */
@inline export function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(c, f32x4.mul(a, b));
  }
}

/** Stores a 4×8 float32 tile, row r as (cr0, cr1), at o with rows `row` bytes apart. */
@inline export function storeTile(
  o: usize, row: usize,
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128,
): void {
  v128.store(o, c00);
  v128.store(o + 16, c01);
  v128.store(o + row, c10);
  v128.store(o + row + 16, c11);
  v128.store(o + 2 * row, c20);
  v128.store(o + 2 * row + 16, c21);
  v128.store(o + 3 * row, c30);
  v128.store(o + 3 * row + 16, c31);
}

/** relu on four lanes as the scalar rule: v where v > 0 or v is NaN, else +0 (-0 included). */
@inline export function reluVec(v: v128): v128 {
  return v128.and(v, v128.or(f32x4.gt(v, f32x4.splat(0)), f32x4.ne(v, v)));
}
