// Fused softmax cross-entropy over class indices, forward and backward, for a range of rows:
//   lse[n] = log Σ_c exp(x[n, c])  (max subtracted),  loss[n] = lse[n] − x[n, t[n]]  (0 when ignored)
//   dx[n, c] = dloss[n] · (exp(x[n, c] − lse[n]) − [c = t[n]])  (a zero row when ignored)
// An all −∞ row (or one with +∞ or NaN) gives NaN, as PyTorch's log-softmax does.

import { CeField } from '../src/codes';

@inline function field(p: usize, f: CeField): i32 {
  return load<i32>(p + (<usize>f << 2));
}

/** max of x[0..n) (NaN when any element is NaN; −∞ for n = 0). */
function rowMax(x: usize, n: i32): f32 {
  let m = f32x4.splat(-Infinity);
  let c = 0;
  for (; c + 4 <= n; c += 4) m = f32x4.max(m, v128.load(x + (<usize>c << 2)));
  let r = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (; c < n; c++) r = max(r, load<f32>(x + (<usize>c << 2)));
  return r;
}

/** Rows from..to of the CeField struct at p: the forward (loss, lse) or the backward (dlogits). */
export function crossEntropyRows(p: usize): void {
  const C = field(p, CeField.C);
  const ignore = field(p, CeField.ignoreIndex);
  const logits = <usize>field(p, CeField.logits);
  const target = <usize>field(p, CeField.target);
  const lse = <usize>field(p, CeField.lse);
  const backward = field(p, CeField.backward) != 0;
  const to = field(p, CeField.to);
  for (let n = field(p, CeField.from); n < to; n++) {
    const x = logits + (<usize>(n * C) << 2);
    const t = load<i32>(target + (<usize>n << 2));
    const at = <usize>n << 2;
    if (backward) {
      const dx = <usize>field(p, CeField.dlogits) + (<usize>(n * C) << 2);
      if (t == ignore) {
        memory.fill(dx, 0, <usize>C << 2);
        continue;
      }
      const g = load<f32>(<usize>field(p, CeField.dloss) + at);
      const l = load<f32>(lse + at);
      for (let c = 0; c < C; c++) {
        const o = <usize>c << 2;
        store<f32>(dx + o, g * Mathf.exp(load<f32>(x + o) - l));
      }
      if (t >= 0 && t < C) store<f32>(dx + (<usize>t << 2), load<f32>(dx + (<usize>t << 2)) - g);
      continue;
    }
    const m = rowMax(x, C);
    let s: f64 = 0;
    for (let c = 0; c < C; c++) s += Mathf.exp(load<f32>(x + (<usize>c << 2)) - m);
    const v = <f32>(<f64>m + Math.log(s));
    store<f32>(lse + at, v);
    const loss = t == ignore ? <f32>0 : t >= 0 && t < C ? v - load<f32>(x + (<usize>t << 2)) : <f32>NaN;
    store<f32>(<usize>field(p, CeField.loss) + at, loss);
  }
}
