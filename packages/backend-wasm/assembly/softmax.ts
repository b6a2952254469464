// softmax and logSoftmax along one axis, in float64 for the sum.

/** softmax (log = false) or logSoftmax along the middle dim of x viewed as [outer, len, inner]. */
export function softmaxF32(x: usize, out: usize, outer: i32, len: i32, inner: i32, log: bool): void {
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      const base = p * len * inner + q;
      let m: f64 = -Infinity;
      for (let i = 0; i < len; i++) {
        const v = <f64>load<f32>(x + (<usize>(base + i * inner) << 2));
        if (v > m || v != v) m = v;
      }
      // An all -Inf row shifts by 0 (NaN, as PyTorch's); a +Inf entry makes the row NaN.
      if (m == -Infinity) m = 0;
      let s: f64 = 0;
      for (let i = 0; i < len; i++) s += Math.exp(<f64>load<f32>(x + (<usize>(base + i * inner) << 2)) - m);
      const ls = Math.log(s);
      for (let i = 0; i < len; i++) {
        const at = <usize>(base + i * inner) << 2;
        const v = <f64>load<f32>(x + at) - m;
        store<f32>(out + at, <f32>(log ? v - ls : Math.exp(v) / s));
      }
    }
  }
}

