/**
 * Kernels that move or reduce along axes: copyStrided, reduce, argReduce, gather, scatterAdd.
 * Every dtype is 32 bits wide here, so the pure data movers (copyStrided, gather) work on u32.
 */
import type { DType, ReduceOp } from '@nnet/tensor';
import { binding, elementMain, PRELUDE, WG, wgslType } from './common.js';

/** out[i] = x[offset + Σ coord_d · stride_d]. Parameters: [n, rank, offset, shape[r], strides[r]]. */
export const COPY_STRIDED_SHADER = `${PRELUDE}
${binding(1, 'x', 'u32')}
${binding(2, 'out', 'u32', true)}
${elementMain(`  let r = P[1];
  var rem = i;
  var off = pi(2u);
  for (var d = r; d > 0u; d--) {
    let s = P[2u + d];
    off += i32(rem % s) * pi(2u + r + d);
    rem = rem / s;
  }
  out[i] = x[u32(off)];`)}`;

/** Accumulator type, identity and combine function of a reduction. */
function reduceParts(op: ReduceOp, outType: DType): { acc: string; id: string; comb: string } {
  const acc = wgslType(outType === 'bool' ? 'int32' : outType);
  if (acc === 'f32') {
    const id: string = { sum: '0.0', prod: '1.0', max: '-inf_()', min: 'inf_()' }[op];
    const comb = {
      sum: 'return a + b;',
      prod: 'return a * b;',
      max: 'if (isnan_(a) || b <= a) { return a; } return b;',
      min: 'if (isnan_(a) || b >= a) { return a; } return b;',
    }[op];
    return { acc, id, comb };
  }
  const id = { sum: '0', prod: '1', max: '-2147483647 - 1', min: '2147483647' }[op];
  const comb = {
    sum: 'return a + b;',
    prod: 'return a * b;',
    max: 'return max(a, b);',
    min: 'return min(a, b);',
  }[op];
  return { acc: acc === 'u32' ? 'i32' : acc, id, comb };
}

/**
 * A reduction over some axes. Outputs are indexed over the kept dims, the reduced elements over
 * the reduced dims; parameters: [count, R, rk, rr, S, segment, keptShape[rk], keptStrides[rk],
 * redShape[rr], redStrides[rr]] (strides in input elements).
 *
 * Without `tree`, one thread per output loops over its R elements (count = outputs). With `tree`,
 * one workgroup per (output, segment) reduces `segment` consecutive elements of the output's R
 * with a shared-memory tree and writes out[output · S + segment index] (count = outputs · S): with
 * S = 1 that is the result; with S > 1 these are partials that a second pass (this shader on the
 * [outputs, S] partials) combines, so a few very long rows still spread over many workgroups.
 */
export function reduceShader(op: ReduceOp, inType: DType, outType: DType, tree: boolean): string {
  const { acc, id, comb } = reduceParts(op, outType);
  const tIn = wgslType(inType);
  const tOut = wgslType(outType);
  const head = `${PRELUDE}
${binding(1, 'x', tIn)}
${binding(2, 'out', wgslType(outType), true)}
fn comb(a: ${acc}, b: ${acc}) -> ${acc} { ${comb} }
fn keptBase(o: u32) -> u32 {
  let rk = P[2];
  var rem = o;
  var off = 0u;
  for (var d = rk; d > 0u; d--) {
    let s = P[5u + d];
    off += (rem % s) * P[5u + rk + d];
    rem = rem / s;
  }
  return off;
}
fn redOffset(j: u32) -> u32 {
  let rk = P[2];
  let rr = P[3];
  let b = 6u + 2u * rk;
  var rem = j;
  var off = 0u;
  for (var d = rr; d > 0u; d--) {
    let s = P[b + d - 1u];
    off += (rem % s) * P[b + rr + d - 1u];
    rem = rem / s;
  }
  return off;
}
fn ld(k: u32) -> ${acc} { return ${acc}(x[k]); }
`;
  if (!tree) {
    return `${head}
${elementMain(`  let base = keptBase(i);
  var a: ${acc} = ${id};
  for (var j = 0u; j < P[1]; j++) { a = comb(a, ld(base + redOffset(j))); }
  out[i] = ${tOut}(a);`)}`;
  }
  return `${head}
var<workgroup> part: array<${acc}, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) t: u32) {
  let g = wid.x + wid.y * nwg.x;
  let live = g < P[0];
  var a: ${acc} = ${id};
  if (live) {
    let base = keptBase(g / P[4]);
    let j0 = (g % P[4]) * P[5];
    let j1 = min(P[1], j0 + P[5]);
    for (var j = j0 + t; j < j1; j += ${WG}u) { a = comb(a, ld(base + redOffset(j))); }
  }
  part[t] = a;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (t < s) { part[t] = comb(part[t], part[t + s]); }
    workgroupBarrier();
  }
  if (live && t == 0u) { out[g] = ${tOut}(part[0]); }
}`;
}

/**
 * argmax/argmin along one axis, x viewed as [outer, L, inner]; one thread per output.
 * Parameters: [nOut, L, inner]. First occurrence wins ties; the first NaN wins outright.
 */
export function argReduceShader(op: 'argmax' | 'argmin', dtype: DType): string {
  const t = wgslType(dtype);
  const better = op === 'argmax' ? 'v > best' : 'v < best';
  const cond = t === 'f32' ? `!isnan_(best) && (isnan_(v) || ${better})` : better;
  return `${PRELUDE}
${binding(1, 'x', t)}
${binding(2, 'out', 'i32', true)}
${elementMain(`  let L = P[1];
  let inner = P[2];
  let base = (i / inner) * L * inner + i % inner;
  if (L == 0u) { out[i] = 0; return; }
  var best = x[base];
  var at = 0u;
  for (var j = 1u; j < L; j++) {
    let v = x[base + j * inner];
    if (${cond}) { best = v; at = j; }
  }
  out[i] = i32(at);`)}`;
}

/**
 * gather: out[i] = x[coords of i with the axis coordinate replaced by index[i]]; an index outside
 * [0, x.shape[axis]) gives 0 (false), never an out-of-bounds read. Parameters: [n, rank, axis,
 * x.shape[axis], outShape[r], xStrides[r]].
 */
export const GATHER_SHADER = `${PRELUDE}
${binding(1, 'x', 'u32')}
${binding(2, 'index', 'i32')}
${binding(3, 'out', 'u32', true)}
${elementMain(`  let r = P[1];
  let axis = P[2];
  let at = index[i];
  if (at < 0 || u32(at) >= P[3]) {
    out[i] = 0u;
    return;
  }
  var rem = i;
  var off = 0u;
  for (var d = r; d > 0u; d--) {
    let s = P[3u + d];
    let q = rem % s;
    rem = rem / s;
    let c = select(q, u32(at), d - 1u == axis);
    off += c * P[3u + r + d];
  }
  out[i] = x[off];`)}`;

/**
 * scatterAdd without atomics, deterministic: one thread per element of out scans the sources
 * along the axis that share its other coordinates and adds those whose index names it, in source
 * order (the CPU's order, so results are bit-identical). An index outside [0, out.shape[axis])
 * names no element, so its contribution is dropped. Parameters: [nOut, rank, axis,
 * outShape[r], srcShape[r], srcStrides[r]].
 */
export function scatterAddShader(dtype: DType): string {
  const t = wgslType(dtype);
  return `${PRELUDE}
${binding(1, 'index', 'i32')}
${binding(2, 'src', t)}
${binding(3, 'out', t, true)}
${elementMain(`  let r = P[1];
  let axis = P[2];
  var rem = i;
  var base = 0u;
  var tgt = 0;
  for (var d = r; d > 0u; d--) {
    let s = P[2u + d];
    let q = rem % s;
    rem = rem / s;
    if (d - 1u == axis) {
      tgt = i32(q);
    } else {
      if (q >= P[2u + r + d]) { return; }
      base += q * P[2u + 2u * r + d];
    }
  }
  let len = P[3u + r + axis];
  let stp = P[3u + 2u * r + axis];
  var acc = out[i];
  for (var j = 0u; j < len; j++) {
    let k = base + j * stp;
    if (index[k] == tgt) { acc = acc + src[k]; }
  }
  out[i] = acc;`)}`;
}
