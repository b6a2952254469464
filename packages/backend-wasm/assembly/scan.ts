// Inclusive running sums along one axis (x viewed as [outer, len, inner]), forward or reversed,
// in x's type (float32 accumulates in order in float32; int32 wraps). SIMD across inner.

@inline function cumsum<T>(x: usize, out: usize, outer: i32, len: i32, inner: i32, reverse: bool): void {
  const size = <usize>sizeof<T>();
  const row = <usize>inner * size;
  for (let p = 0; p < outer; p++) {
    const base = <usize>(p * len) * row;
    for (let s = 0; s < len; s++) {
      const i = reverse ? len - 1 - s : s;
      const xo = x + base + <usize>i * row;
      const oo = out + base + <usize>i * row;
      if (s == 0) {
        memory.copy(oo, xo, row);
        continue;
      }
      const prev = reverse ? oo + row : oo - row;
      let q = 0;
      for (; q + 4 <= inner; q += 4) {
        const at = <usize>q << 2;
        const sum = isFloat<T>()
          ? f32x4.add(v128.load(prev + at), v128.load(xo + at))
          : i32x4.add(v128.load(prev + at), v128.load(xo + at));
        v128.store(oo + at, sum);
      }
      for (; q < inner; q++) {
        const at = <usize>q * size;
        store<T>(oo + at, load<T>(prev + at) + load<T>(xo + at));
      }
    }
  }
}

/** out = running sum of x along the middle dim of [outer, len, inner]; isInt: int32, else float32. */
export function cumsum32(isInt: bool, x: usize, out: usize, outer: i32, len: i32, inner: i32, reverse: bool): void {
  if (isInt) cumsum<i32>(x, out, outer, len, inner, reverse);
  else cumsum<f32>(x, out, outer, len, inner, reverse);
}
