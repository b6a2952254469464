/**
 * Batched matrix product, tiled: a workgroup of 8×8 threads computes a 32×32 tile of out, each
 * thread a 4×4 block, over K in steps of 16 staged through workgroup-shared memory. Transposes are
 * shader variants (index functions), so no operand is copied. The same kernel with an epilogue
 * (bias, activation) is the fused `linear`.
 */
import type { FusedActivation } from '@nnet/tensor';
import { binding, PRELUDE } from './common.js';

export const TILE = 32;
const TK = 16;

const ACTIVATION: Record<FusedActivation, string> = {
  none: 'v',
  relu: 'select(v, 0.0, v < 0.0)',
  tanh: 'tanh_(v)',
  sigmoid: 'sigmoid_(v)',
};

/**
 * The WGSL of out[b] = op(a[b]) · op(b[b]) (+ bias, activation). Parameters: [M, K, N, batch
 * stride of a (0 broadcasts), batch stride of b, first batch]. Grid: [ceil(N/32), ceil(M/32),
 * batches of this dispatch].
 */
export function matmulShader(
  transA: boolean,
  transB: boolean,
  bias: boolean,
  activation: FusedActivation,
  helpers: string,
): string {
  const aAt = transA ? 'k * M + m' : 'm * K + k';
  const bAt = transB ? 'n * K + k' : 'k * N + n';
  const outBinding = bias ? 4 : 3;
  return `${PRELUDE}
${binding(1, 'A', 'f32')}
${binding(2, 'B', 'f32')}
${bias ? binding(3, 'bias', 'f32') : ''}
${binding(outBinding, 'out', 'f32', true)}
${helpers}
const TS = ${TILE}u;
const TK = ${TK}u;
var<workgroup> As: array<f32, ${TILE * TK}>;
var<workgroup> Bs: array<f32, ${TILE * TK}>;
fn store(base: u32, M: u32, N: u32, m: u32, n0: u32, acc: vec4<f32>) {
  if (m >= M) { return; }
  for (var q = 0u; q < 4u; q++) {
    let n = n0 + q;
    if (n < N) {
      var v = acc[q];
      ${bias ? 'v = v + bias[n];' : ''}
      out[base + m * N + n] = ${ACTIVATION[activation]};
    }
  }
}
@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let M = P[0];
  let K = P[1];
  let N = P[2];
  let z = wid.z + P[5];
  let aBase = z * P[3];
  let bBase = z * P[4];
  let m0 = wid.y * TS;
  let n0 = wid.x * TS;
  // Four rows of four columns per thread, as vec4 accumulators (no dynamically indexed arrays,
  // which some compilers keep in memory rather than registers).
  var acc0 = vec4<f32>();
  var acc1 = vec4<f32>();
  var acc2 = vec4<f32>();
  var acc3 = vec4<f32>();
  let ar = lid.y * 4u;
  let bc = lid.x * 4u;
  for (var k0 = 0u; k0 < K; k0 += TK) {
    for (var e = li; e < TS * TK; e += 64u) {
      let kk = e / TS;
      let mm = e % TS;
      let m = m0 + mm;
      let k = k0 + kk;
      var v = 0.0;
      if (m < M && k < K) { v = A[aBase + ${aAt}]; }
      As[kk * TS + mm] = v;
      let n = n0 + mm;
      var w = 0.0;
      if (n < N && k < K) { w = B[bBase + ${bAt}]; }
      Bs[kk * TS + mm] = w;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let r = kk * TS;
      let bv = vec4<f32>(Bs[r + bc], Bs[r + bc + 1u], Bs[r + bc + 2u], Bs[r + bc + 3u]);
      acc0 = acc0 + As[r + ar] * bv;
      acc1 = acc1 + As[r + ar + 1u] * bv;
      acc2 = acc2 + As[r + ar + 2u] * bv;
      acc3 = acc3 + As[r + ar + 3u] * bv;
    }
    workgroupBarrier();
  }
  let base = z * M * N;
  store(base, M, N, m0 + ar, n0 + bc, acc0);
  store(base, M, N, m0 + ar + 1u, n0 + bc, acc1);
  store(base, M, N, m0 + ar + 2u, n0 + bc, acc2);
  store(base, M, N, m0 + ar + 3u, n0 + bc, acc3);
}`;
}
