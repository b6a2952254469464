// Resizing along one axis (x viewed as [outer, inSize, inner] → [outer, outSize, inner]) from a
// table the TypeScript side computes once per call (PyTorch's index rules live there):
// output index o reads i0[o], i1[o] with weight lam[o]:  out[o] = (1 − λ)·x[i0] + λ·x[i1]
// (nearest: out[o] = x[i0]). The backward is the adjoint: dx[i0] += (1 − λ)·dy[o], dx[i1] += λ·dy[o].

/**
 * Forward (backward = false: x → out) or adjoint (backward = true: dy in `x`'s place, dx in
 * `out`'s, zeroed first) of a resize; `linear` false means nearest (lam unused).
 */
export function resizeAxisF32(
  x: usize, out: usize, outer: i32, inSize: i32, outSize: i32, inner: i32,
  i0s: usize, i1s: usize, lams: usize, linear: bool, backward: bool,
): void {
  const row = <usize>inner << 2;
  if (backward) memory.fill(out, 0, <usize>(outer * inSize) * row);
  for (let p = 0; p < outer; p++) {
    const big = (backward ? out : x) + <usize>(p * inSize) * row;
    const small = (backward ? x : out) + <usize>(p * outSize) * row;
    for (let o = 0; o < outSize; o++) {
      const r0 = big + <usize>load<i32>(i0s + (<usize>o << 2)) * row;
      const so = small + <usize>o * row;
      if (!linear) {
        if (backward) addRow(r0, so, inner, 1);
        else memory.copy(so, r0, row);
        continue;
      }
      const r1 = big + <usize>load<i32>(i1s + (<usize>o << 2)) * row;
      const lam = load<f32>(lams + (<usize>o << 2));
      const w0 = <f32>1 - lam;
      if (backward) {
        addRow(r0, so, inner, w0);
        addRow(r1, so, inner, lam);
        continue;
      }
      const a = f32x4.splat(w0), b = f32x4.splat(lam);
      let q = 0;
      for (; q + 4 <= inner; q += 4) {
        const at = <usize>q << 2;
        v128.store(so + at, f32x4.add(f32x4.mul(a, v128.load(r0 + at)), f32x4.mul(b, v128.load(r1 + at))));
      }
      for (; q < inner; q++) {
        const at = <usize>q << 2;
        store<f32>(so + at, w0 * load<f32>(r0 + at) + lam * load<f32>(r1 + at));
      }
    }
  }
}

/** dst[0..n) += w·src[0..n). */
@inline function addRow(dst: usize, src: usize, n: i32, w: f32): void {
  const wv = f32x4.splat(w);
  let q = 0;
  for (; q + 4 <= n; q += 4) {
    const at = <usize>q << 2;
    v128.store(dst + at, f32x4.add(v128.load(dst + at), f32x4.mul(wv, v128.load(src + at))));
  }
  for (; q < n; q++) {
    const at = <usize>q << 2;
    store<f32>(dst + at, load<f32>(dst + at) + w * load<f32>(src + at));
  }
}
