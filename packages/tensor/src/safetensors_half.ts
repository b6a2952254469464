/**
 * Half-precision conversions of the safetensors reader and writer: float32 → binary16 and
 * bfloat16 bits (round to nearest, ties to even, overflow → ±Infinity) and the exact binary16 →
 * float32 table.
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → IEEE binary16 bits, rounded to nearest, ties to even; overflow → ±Inf. */
export function f32ToF16(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | (mant ? 0x7e00 : 0x7c00); // NaN → the quiet NaN, as PyTorch
  const e = exp - 127 + 15; // the binary16 biased exponent
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal: ±0
    // Subnormal: shift the full significand (implicit 1 included) to 2⁻²⁴ units, then round.
    const m = mant | 0x800000;
    const shift = 14 - e;
    let h = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rest > half || (rest === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++; // a carry may reach the exponent (or Inf): right
  return sign | h;
}

/** float32 → bfloat16 bits (the top half), rounded to nearest, ties to even; overflow → ±Inf. */
export function f32ToBf16(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  if ((bits & 0x7fffffff) > 0x7f800000) return 0x7fc0; // NaN → the quiet NaN, as PyTorch
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

let f16Values: Float32Array | null = null;

/** binary16 bits → float32 value, all 65536 of them, built on first use (exact: every half is a float). */
export function f16Table(): Float32Array {
  if (f16Values) return f16Values;
  const table = new Float32Array(65536);
  const bitsOut = new Uint32Array(table.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >>> 10) & 0x1f;
    let mant = h & 0x3ff;
    if (exp === 0x1f) bitsOut[h] = sign | 0x7f800000 | (mant << 13);
    else if (exp !== 0) bitsOut[h] = sign | ((exp - 15 + 127) << 23) | (mant << 13);
    else if (mant === 0) bitsOut[h] = sign;
    else {
      // Subnormal half: normalise the significand into a float32 normal.
      let e = -14;
      while (!(mant & 0x400)) {
        mant <<= 1;
        e--;
      }
      bitsOut[h] = sign | ((e + 127) << 23) | ((mant & 0x3ff) << 13);
    }
  }
  f16Values = table;
  return table;
}
