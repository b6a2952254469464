// Fused scaled dot-product attention, flash-attention style: for a block of 4 query rows, stream
// over blocks of 64 keys keeping a running max m and sum l per row, so the [L, S] score matrix
// never exists. With s = scale·q·kᵀ + mask (−∞ above the diagonal when causal):
//   m' = max(m, maxⱼ s),  l' = l·e^(m−m') + Σⱼ e^(s−m'),  o' = o·e^(m−m') + Σⱼ e^(s−m')·vⱼ
//   out = o / l,  lse = m + log l   (a row with every score −∞: out NaN, lse −∞)
// The output rows are the accumulators; the block's scores live in 4·64 floats of scratch.

import { AttnField } from '../src/codes';
import { fma, storeTile } from './simd';

/** Query rows per block (the unit a job's t0..t1 counts). */
const QB: i32 = 4;
/** Keys per streamed block. */
const KB: i32 = 64;

@inline function field(p: usize, f: AttnField): i32 {
  return load<i32>(p + (<usize>f << 2));
}

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** o[0..n) *= a. */
@inline function scaleRow(o: usize, n: i32, a: f32): void {
  const av = f32x4.splat(a);
  let e = 0;
  for (; e + 4 <= n; e += 4) v128.store(o + (<usize>e << 2), f32x4.mul(v128.load(o + (<usize>e << 2)), av));
  for (; e < n; e++) store<f32>(o + (<usize>e << 2), load<f32>(o + (<usize>e << 2)) * a);
}

/** o[0..n) += p·x[0..n). */
@inline function axpy(o: usize, x: usize, n: i32, p: f32): void {
  const pv = f32x4.splat(p);
  let e = 0;
  for (; e + 4 <= n; e += 4) {
    const at = <usize>e << 2;
    v128.store(o + at, fma(pv, v128.load(x + at), v128.load(o + at)));
  }
  for (; e < n; e++) store<f32>(o + (<usize>e << 2), load<f32>(o + (<usize>e << 2)) + p * load<f32>(x + (<usize>e << 2)));
}

/**
 * Scores of rows q0..q3 against two key rows kr and kr + E (the pair's 8 dot products in eight
 * accumulators: 6 loads per 8 multiply-adds), times scale, into sc[r·KB] and sc[r·KB + 1].
 */
@inline function dots4x2(q0: usize, q1: usize, q2: usize, q3: usize, kr: usize, E: i32, scale: f32, sc: usize): void {
  const kr1 = kr + (<usize>E << 2);
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
  let e = 0;
  for (; e + 4 <= E; e += 4) {
    const at = <usize>e << 2;
    const k0 = v128.load(kr + at), k1 = v128.load(kr1 + at);
    let q = v128.load(q0 + at);
    a0 = fma(q, k0, a0);
    b0 = fma(q, k1, b0);
    q = v128.load(q1 + at);
    a1 = fma(q, k0, a1);
    b1 = fma(q, k1, b1);
    q = v128.load(q2 + at);
    a2 = fma(q, k0, a2);
    b2 = fma(q, k1, b2);
    q = v128.load(q3 + at);
    a3 = fma(q, k0, a3);
    b3 = fma(q, k1, b3);
  }
  let s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
  let t0 = hsum(b0), t1 = hsum(b1), t2 = hsum(b2), t3 = hsum(b3);
  for (; e < E; e++) {
    const at = <usize>e << 2;
    const k0 = load<f32>(kr + at), k1 = load<f32>(kr1 + at);
    const x0 = load<f32>(q0 + at), x1 = load<f32>(q1 + at), x2 = load<f32>(q2 + at), x3 = load<f32>(q3 + at);
    s0 += x0 * k0;
    s1 += x1 * k0;
    s2 += x2 * k0;
    s3 += x3 * k0;
    t0 += x0 * k1;
    t1 += x1 * k1;
    t2 += x2 * k1;
    t3 += x3 * k1;
  }
  const pRow = <usize>KB << 2;
  store<f32>(sc, s0 * scale);
  store<f32>(sc + pRow, s1 * scale);
  store<f32>(sc + 2 * pRow, s2 * scale);
  store<f32>(sc + 3 * pRow, s3 * scale);
  store<f32>(sc + 4, t0 * scale);
  store<f32>(sc + pRow + 4, t1 * scale);
  store<f32>(sc + 2 * pRow + 4, t2 * scale);
  store<f32>(sc + 3 * pRow + 4, t3 * scale);
}

/**
 * Scores of rows q0..q3 (each E floats) against key row kr, times scale, into sc[r·KB] for r < 4.
 * Rows past the block's end point at q0 (their scores are ignored).
 */
@inline function dots4(q0: usize, q1: usize, q2: usize, q3: usize, kr: usize, E: i32, scale: f32, sc: usize): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let e = 0;
  for (; e + 4 <= E; e += 4) {
    const at = <usize>e << 2;
    const kv = v128.load(kr + at);
    a0 = fma(v128.load(q0 + at), kv, a0);
    a1 = fma(v128.load(q1 + at), kv, a1);
    a2 = fma(v128.load(q2 + at), kv, a2);
    a3 = fma(v128.load(q3 + at), kv, a3);
  }
  let s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
  for (; e < E; e++) {
    const at = <usize>e << 2;
    const kv = load<f32>(kr + at);
    s0 += load<f32>(q0 + at) * kv;
    s1 += load<f32>(q1 + at) * kv;
    s2 += load<f32>(q2 + at) * kv;
    s3 += load<f32>(q3 + at) * kv;
  }
  store<f32>(sc, s0 * scale);
  store<f32>(sc + (<usize>KB << 2), s1 * scale);
  store<f32>(sc + (<usize>(2 * KB) << 2), s2 * scale);
  store<f32>(sc + (<usize>(3 * KB) << 2), s3 * scale);
}

/**
 * o[r] = α[r]·o[r] + Σⱼ p[r, j]·v[j] for the 4 rows of a block: out rows o (Ev floats apart), the
 * block's value rows v [jn, Ev], weights p [4, KB] and α [4]. A 4x8 tile of accumulators in
 * registers per pass over the keys (the GEMM micro-kernel's shape): each value load feeds 4 rows.
 */
function weigh4(o: usize, Ev: i32, v: usize, jn: i32, p: usize, alpha: usize): void {
  const a0 = f32x4.splat(load<f32>(alpha)), a1 = f32x4.splat(load<f32>(alpha, 4));
  const a2 = f32x4.splat(load<f32>(alpha, 8)), a3 = f32x4.splat(load<f32>(alpha, 12));
  const row = <usize>Ev << 2;
  const vRow = <usize>Ev << 2;
  const pRow = <usize>KB << 2;
  let e = 0;
  for (; e + 8 <= Ev; e += 8) {
    const at = o + (<usize>e << 2);
    let c00 = f32x4.mul(v128.load(at), a0), c01 = f32x4.mul(v128.load(at + 16), a0);
    let c10 = f32x4.mul(v128.load(at + row), a1), c11 = f32x4.mul(v128.load(at + row + 16), a1);
    let c20 = f32x4.mul(v128.load(at + 2 * row), a2), c21 = f32x4.mul(v128.load(at + 2 * row + 16), a2);
    let c30 = f32x4.mul(v128.load(at + 3 * row), a3), c31 = f32x4.mul(v128.load(at + 3 * row + 16), a3);
    let vp = v + (<usize>e << 2);
    let pp = p;
    for (let j = 0; j < jn; j++) {
      const v0 = v128.load(vp), v1 = v128.load(vp + 16);
      let w = v128.load32_splat(pp);
      c00 = fma(w, v0, c00);
      c01 = fma(w, v1, c01);
      w = v128.load32_splat(pp + pRow);
      c10 = fma(w, v0, c10);
      c11 = fma(w, v1, c11);
      w = v128.load32_splat(pp + 2 * pRow);
      c20 = fma(w, v0, c20);
      c21 = fma(w, v1, c21);
      w = v128.load32_splat(pp + 3 * pRow);
      c30 = fma(w, v0, c30);
      c31 = fma(w, v1, c31);
      vp += vRow;
      pp += 4;
    }
    storeTile(at, row, c00, c01, c10, c11, c20, c21, c30, c31);
  }
  // The last Ev mod 8 columns, one row at a time.
  for (let r = 0; r < QB; r++) {
    const or = o + (<usize>r) * row;
    const ar = load<f32>(alpha + (<usize>r << 2));
    for (let q = e; q < Ev; q++) {
      const at = or + (<usize>q << 2);
      let acc = load<f32>(at) * ar;
      for (let j = 0; j < jn; j++) acc += load<f32>(p + <usize>r * pRow + (<usize>j << 2)) * load<f32>(v + <usize>j * vRow + (<usize>q << 2));
      store<f32>(at, acc);
    }
  }
}

/** Query rows i0..i0+h−1 of slice b. scratch: scores [QB, KB], then m, l and α [QB] each. */
function queryBlock(p: usize, b: i32, i0: i32, h: i32, scratch: usize): void {
  const L = field(p, AttnField.L), S = field(p, AttnField.S);
  const E = field(p, AttnField.E), Ev = field(p, AttnField.Ev);
  const scale = reinterpret<f32>(field(p, AttnField.scale));
  const causal = field(p, AttnField.causal) != 0;
  const mask = <usize>field(p, AttnField.mask);
  const bm = field(p, AttnField.maskShared) ? 0 : b;
  const qb = <usize>field(p, AttnField.q) + (<usize>((b * L + i0) * E) << 2);
  const kb = <usize>field(p, AttnField.k) + (<usize>(b * S * E) << 2);
  const vb = <usize>field(p, AttnField.v) + (<usize>(b * S * Ev) << 2);
  const ob = <usize>field(p, AttnField.out) + (<usize>((b * L + i0) * Ev) << 2);
  const lb = <usize>field(p, AttnField.lse) + (<usize>(b * L + i0) << 2);
  const mb = mask + (<usize>((bm * L + i0) * S) << 2);
  const sc = scratch;
  const ms = sc + (<usize>(QB * KB) << 2);
  const ls = ms + (<usize>QB << 2);
  const al = ls + (<usize>QB << 2);
  const rowE = <usize>E << 2;
  const q0 = qb, q1 = h > 1 ? qb + rowE : qb, q2 = h > 2 ? qb + 2 * rowE : qb, q3 = h > 3 ? qb + 3 * rowE : qb;
  for (let r = 0; r < h; r++) {
    store<f32>(ms + (<usize>r << 2), -Infinity);
    store<f32>(ls + (<usize>r << 2), 0);
    memory.fill(ob + (<usize>(r * Ev) << 2), 0, <usize>Ev << 2);
  }
  // Causal: row i sees keys j <= i, so the block needs keys up to its last row.
  const jEnd = causal ? min(S, i0 + h) : S;
  for (let j0 = 0; j0 < jEnd; j0 += KB) {
    const jn = min(KB, jEnd - j0);
    let jj = 0;
    for (; jj + 2 <= jn; jj += 2) {
      dots4x2(q0, q1, q2, q3, kb + (<usize>((j0 + jj) * E) << 2), E, scale, sc + (<usize>jj << 2));
    }
    if (jj < jn) dots4(q0, q1, q2, q3, kb + (<usize>((j0 + jj) * E) << 2), E, scale, sc + (<usize>jj << 2));
    for (let r = 0; r < h; r++) {
      const row = sc + (<usize>(r * KB) << 2);
      const i = i0 + r;
      if (mask) {
        const mr = mb + (<usize>(r * S + j0) << 2);
        for (let jj = 0; jj < jn; jj++) {
          const at = <usize>jj << 2;
          store<f32>(row + at, load<f32>(row + at) + load<f32>(mr + at));
        }
      }
      // Keys the row may see in this block: all, or up to the diagonal when causal.
      const visible = causal ? min(jn, i - j0 + 1) : jn;
      let bmax: f32 = -Infinity;
      for (let jj = 0; jj < visible; jj++) {
        const s = load<f32>(row + (<usize>jj << 2));
        if (s > bmax || s != s) bmax = s;
      }
      const mOld = load<f32>(ms + (<usize>r << 2));
      const mNew = max(mOld, bmax);
      let alpha: f32 = 1;
      if (mNew == -Infinity) {
        // Nothing visible yet (every score so far −∞): the accumulators stay 0.
        memory.fill(row, 0, <usize>jn << 2);
      } else {
        let l = load<f32>(ls + (<usize>r << 2));
        if (mNew != mOld) {
          alpha = Mathf.exp(mOld - mNew);
          l *= alpha;
        }
        // The row's weights in place of its scores: e^(s − m'), 0 past the diagonal.
        for (let jj = 0; jj < visible; jj++) {
          const at = row + (<usize>jj << 2);
          const pj = Mathf.exp(load<f32>(at) - mNew);
          l += pj;
          store<f32>(at, pj);
        }
        if (visible < jn) memory.fill(row + (<usize>max(visible, 0) << 2), 0, <usize>(jn - max(visible, 0)) << 2);
        store<f32>(ms + (<usize>r << 2), mNew);
        store<f32>(ls + (<usize>r << 2), l);
      }
      store<f32>(al + (<usize>r << 2), alpha);
    }
    const vBlock = vb + (<usize>(j0 * Ev) << 2);
    if (h == QB) weigh4(ob, Ev, vBlock, jn, sc, al);
    else {
      for (let r = 0; r < h; r++) {
        const o = ob + (<usize>(r * Ev) << 2);
        const alpha = load<f32>(al + (<usize>r << 2));
        if (alpha != 1) scaleRow(o, Ev, alpha);
        const row = sc + (<usize>(r * KB) << 2);
        for (let jj = 0; jj < jn; jj++) {
          // Every key, weight 0 included (0·∞ = NaN in a value row, as the reference and weigh4).
          axpy(o, vBlock + (<usize>(jj * Ev) << 2), Ev, load<f32>(row + (<usize>jj << 2)));
        }
      }
    }
  }
  for (let r = 0; r < h; r++) {
    const m = load<f32>(ms + (<usize>r << 2));
    const l = load<f32>(ls + (<usize>r << 2));
    const o = ob + (<usize>(r * Ev) << 2);
    if (m == -Infinity) {
      // Every key masked: softmax of an all −∞ row is NaN (as PyTorch's math), lse −∞.
      for (let e = 0; e < Ev; e++) store<f32>(o + (<usize>e << 2), NaN);
      store<f32>(lb + (<usize>r << 2), -Infinity);
      continue;
    }
    scaleRow(o, Ev, 1 / l);
    // A +∞ score: the weights are NaN (∞ − ∞) but log Σ e^s is +∞, as the reference.
    store<f32>(lb + (<usize>r << 2), m == Infinity ? Infinity : m + Mathf.log(l));
  }
}

/** Bytes of scratch one attention job needs. */
export function attentionScratchBytes(): i32 {
  return (QB * KB + 3 * QB) * 4;
}

/**
 * Runs query blocks t0..t1 (fields of the AttnField struct at p) of a fused attention: block t is
 * rows 4·(t mod ⌈L/4⌉).. of slice ⌊t / ⌈L/4⌉⌋. scratch holds attentionScratchBytes().
 */
export function attention(p: usize, scratch: usize): void {
  const L = field(p, AttnField.L);
  const nqb = (L + QB - 1) / QB;
  const t1 = field(p, AttnField.t1);
  for (let t = field(p, AttnField.t0); t < t1; t++) {
    const b = t / nqb;
    const i0 = (t - b * nqb) * QB;
    queryBlock(p, b, i0, min(QB, L - i0), scratch);
  }
}
