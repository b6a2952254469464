/**
 * The optional kernels that matter for training: softmax/logSoftmax, the fused SGD and Adam
 * updates, direct 2-D convolution and its two gradients, max/average pooling and their gradients.
 * Every gradient is written by one thread (or one workgroup) per output element that gathers its
 * contributions in a fixed order: no atomics, deterministic results.
 */
import { binding, elementMain, PRELUDE, WG } from './common.js';

/**
 * softmax / logSoftmax along an axis, x viewed as [outer, L, inner]. Parameters: [rows, L, inner].
 * `tree`: one workgroup per row, the max and the sum by shared-memory trees (long rows); otherwise
 * one thread per row.
 */
export function softmaxShader(log: boolean, tree: boolean): string {
  const write = log ? 'x[k] - m - log(s)' : 'exp_(x[k] - m) / s';
  if (!tree) {
    return `${PRELUDE}
${binding(1, 'x', 'f32')}
${binding(2, 'out', 'f32', true)}
${elementMain(`  let L = P[1];
  let inner = P[2];
  let base = (i / inner) * L * inner + i % inner;
  var m = -inf_();
  for (var j = 0u; j < L; j++) { m = max_(m, x[base + j * inner]); }
  var s = 0.0;
  for (var j = 0u; j < L; j++) { s = s + exp_(x[base + j * inner] - m); }
  for (var j = 0u; j < L; j++) {
    let k = base + j * inner;
    out[k] = ${write};
  }`)}`;
  }
  return `${PRELUDE}
${binding(1, 'x', 'f32')}
${binding(2, 'out', 'f32', true)}
var<workgroup> red: array<f32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) t: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= P[0]) { return; }
  let L = P[1];
  let inner = P[2];
  let base = (row / inner) * L * inner + row % inner;
  var mt = -inf_();
  for (var j = t; j < L; j += ${WG}u) { mt = max_(mt, x[base + j * inner]); }
  red[t] = mt;
  workgroupBarrier();
  for (var h = ${WG / 2}u; h > 0u; h = h >> 1u) {
    if (t < h) { red[t] = max_(red[t], red[t + h]); }
    workgroupBarrier();
  }
  let m = red[0];
  workgroupBarrier();
  var st = 0.0;
  for (var j = t; j < L; j += ${WG}u) { st = st + exp_(x[base + j * inner] - m); }
  red[t] = st;
  workgroupBarrier();
  for (var h = ${WG / 2}u; h > 0u; h = h >> 1u) {
    if (t < h) { red[t] = red[t] + red[t + h]; }
    workgroupBarrier();
  }
  let s = red[0];
  for (var j = t; j < L; j += ${WG}u) {
    let k = base + j * inner;
    out[k] = ${write};
  }
}`;
}

/**
 * One SGD step in place. Parameters: [n, lr, momentum, 1 - dampening, nesterov, weightDecay,
 * first] (floats from word 1).
 */
export function sgdShader(momentum: boolean): string {
  const buf = momentum ? binding(3, 'buf', 'f32', true) : '';
  const mom = momentum
    ? `  let b = select(pf(2u) * buf[i] + pf(3u) * d, d, P[6] != 0u);
  buf[i] = b;
  d = select(b, d + pf(2u) * b, P[4] != 0u);\n`
    : '';
  return `${PRELUDE}
${binding(1, 'p', 'f32', true)}
${binding(2, 'g', 'f32')}
${buf}
${elementMain(`  var d = g[i] + pf(5u) * p[i];
${mom}  p[i] = p[i] - pf(1u) * d;`)}`;
}

/**
 * One Adam/AdamW step in place. Parameters: [n, lr, beta1, beta2, eps, weightDecay, decoupled,
 * lr / (1 - beta1^t), sqrt(1 - beta2^t), 1 - beta1, 1 - beta2, 1 - lr·weightDecay].
 */
export function adamShader(amsgrad: boolean): string {
  return `${PRELUDE}
${binding(1, 'p', 'f32', true)}
${binding(2, 'g', 'f32')}
${binding(3, 'm', 'f32', true)}
${binding(4, 'v', 'f32', true)}
${amsgrad ? binding(5, 'vmax', 'f32', true) : ''}
${elementMain(`  var gi = g[i];
  var pi_ = p[i];
  if (pf(5u) != 0.0) {
    if (P[6] != 0u) { pi_ = pi_ * pf(11u); } else { gi = gi + pf(5u) * pi_; }
  }
  let mi = pf(2u) * m[i] + pf(9u) * gi;
  let vi = pf(3u) * v[i] + pf(10u) * gi * gi;
  m[i] = mi;
  v[i] = vi;
  var vh = vi;
${amsgrad ? '  vh = max(vmax[i], vi);\n  vmax[i] = vh;\n' : ''}  p[i] = pi_ - pf(7u) * (mi / (sqrt(vh) / pf(8u) + pf(4u)));`)}`;
}

/**
 * Convolution geometry parameters shared by the conv kernels: [count, N, C, H, W, O, Ho, Wo, kH,
 * kW, sH, sW, pH, pW, dH, dW, groups].
 */
const CONV_FIELDS = `
  let N = P[1]; let C = P[2]; let H = i32(P[3]); let W = i32(P[4]); let O = P[5];
  let Ho = P[6]; let Wo = P[7]; let kH = P[8]; let kW = P[9];
  let sH = i32(P[10]); let sW = i32(P[11]); let pH = i32(P[12]); let pW = i32(P[13]);
  let dH = i32(P[14]); let dW = i32(P[15]); let G = P[16];
  let Cg = C / G; let Og = O / G;`;

/** Direct convolution, one thread per output element [N, O, Ho, Wo]. */
export function conv2dShader(bias: boolean): string {
  return `${PRELUDE}
${binding(1, 'x', 'f32')}
${binding(2, 'w', 'f32')}
${bias ? binding(3, 'bias', 'f32') : ''}
${binding(bias ? 4 : 3, 'out', 'f32', true)}
${elementMain(`${CONV_FIELDS}
  let ow = i % Wo;
  let oh = (i / Wo) % Ho;
  let o = (i / (Wo * Ho)) % O;
  let n = i / (Wo * Ho * O);
  let g = o / Og;
  var acc = 0.0;
  for (var c = 0u; c < Cg; c++) {
    let xPlane = (n * C + g * Cg + c) * u32(H * W);
    let wPlane = (o * Cg + c) * kH * kW;
    for (var kh = 0u; kh < kH; kh++) {
      let ih = i32(oh) * sH - pH + i32(kh) * dH;
      if (ih < 0 || ih >= H) { continue; }
      for (var kw = 0u; kw < kW; kw++) {
        let iw = i32(ow) * sW - pW + i32(kw) * dW;
        if (iw < 0 || iw >= W) { continue; }
        acc = acc + x[xPlane + u32(ih * W + iw)] * w[wPlane + kh * kW + kw];
      }
    }
  }
  ${bias ? 'acc = acc + bias[o];' : ''}
  out[i] = acc;`)}`;
}

/** Gradient wrt the input, one thread per dx element [N, C, H, W], gathering from dy. */
export const CONV2D_BACKWARD_INPUT_SHADER = `${PRELUDE}
${binding(1, 'dy', 'f32')}
${binding(2, 'w', 'f32')}
${binding(3, 'dx', 'f32', true)}
${elementMain(`${CONV_FIELDS}
  let iw = i32(i % u32(W));
  let ih = i32((i / u32(W)) % u32(H));
  let c = (i / u32(W * H)) % C;
  let n = i / u32(W * H) / C;
  let g = c / Cg;
  let cc = c % Cg;
  var acc = 0.0;
  for (var o = g * Og; o < (g + 1u) * Og; o++) {
    let yPlane = (n * O + o) * Ho * Wo;
    let wPlane = (o * Cg + cc) * kH * kW;
    for (var kh = 0u; kh < kH; kh++) {
      let th = ih + pH - i32(kh) * dH;
      if (th < 0 || th % sH != 0) { continue; }
      let oh = u32(th / sH);
      if (oh >= Ho) { continue; }
      for (var kw = 0u; kw < kW; kw++) {
        let tw = iw + pW - i32(kw) * dW;
        if (tw < 0 || tw % sW != 0) { continue; }
        let ow = u32(tw / sW);
        if (ow >= Wo) { continue; }
        acc = acc + dy[yPlane + oh * Wo + ow] * w[wPlane + kh * kW + kw];
      }
    }
  }
  dx[i] = acc;`)}`;

const FILTER_WG = 64;

/**
 * Gradient wrt the filter: one workgroup per dw element [O, C/groups, kH, kW]; its threads split
 * the N·Ho·Wo products and a shared-memory tree sums them.
 */
export const CONV2D_BACKWARD_FILTER_SHADER = `${PRELUDE}
${binding(1, 'x', 'f32')}
${binding(2, 'dy', 'f32')}
${binding(3, 'dw', 'f32', true)}
var<workgroup> part: array<f32, ${FILTER_WG}>;
@compute @workgroup_size(${FILTER_WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) t: u32) {
  let e = wid.x + wid.y * nwg.x;
  let live = e < P[0];
${CONV_FIELDS}
  let kw = e % kW;
  let kh = (e / kW) % kH;
  let c = (e / (kW * kH)) % Cg;
  let o = e / (kW * kH * Cg);
  let g = o / Og;
  var acc = 0.0;
  if (live) {
    let total = N * Ho * Wo;
    for (var j = t; j < total; j += ${FILTER_WG}u) {
      let ow = j % Wo;
      let oh = (j / Wo) % Ho;
      let n = j / (Wo * Ho);
      let ih = i32(oh) * sH - pH + i32(kh) * dH;
      let iw = i32(ow) * sW - pW + i32(kw) * dW;
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) { continue; }
      acc = acc + x[(n * C + g * Cg + c) * u32(H * W) + u32(ih * W + iw)] * dy[((n * O + o) * Ho + oh) * Wo + ow];
    }
  }
  part[t] = acc;
  workgroupBarrier();
  for (var s = ${FILTER_WG / 2}u; s > 0u; s = s >> 1u) {
    if (t < s) { part[t] = part[t] + part[t + s]; }
    workgroupBarrier();
  }
  if (live && t == 0u) { dw[e] = part[0]; }
}`;

/** Pool geometry parameters: [count, H, W, Ho, Wo, kH, kW, sH, sW, pH, pW, countIncludePad]. */
const POOL_FIELDS = `
  let H = i32(P[1]); let W = i32(P[2]); let Ho = P[3]; let Wo = P[4];
  let kH = i32(P[5]); let kW = i32(P[6]); let sH = i32(P[7]); let sW = i32(P[8]);
  let pH = i32(P[9]); let pW = i32(P[10]); let includePad = P[11] != 0u;`;

/**
 * For the dx element `i` of a pooling gradient: its plane, row `ih`, column `iw`, and the range of
 * outputs [oh0, oh1] × [ow0, ow1] whose windows contain it.
 */
const POOL_WINDOWS = `${POOL_FIELDS}
  let iw = i32(i % u32(W));
  let ih = i32((i / u32(W)) % u32(H));
  let plane = i / u32(W * H);
  let th = ih + pH;
  let tw = iw + pW;
  let oh0 = max(0, (th - kH + sH) / sH);
  let oh1 = min(i32(Ho) - 1, th / sH);
  let ow0 = max(0, (tw - kW + sW) / sW);
  let ow1 = min(i32(Wo) - 1, tw / sW);`;

/** Max pooling with indices (h·W + w in the plane); ties to the first, NaN wins. */
export const MAX_POOL_SHADER = `${PRELUDE}
${binding(1, 'x', 'f32')}
${binding(2, 'out', 'f32', true)}
${binding(3, 'idx', 'i32', true)}
${elementMain(`${POOL_FIELDS}
  let ow = i % Wo;
  let oh = (i / Wo) % Ho;
  let plane = i / (Wo * Ho);
  let base = plane * u32(H * W);
  var best = -inf_();
  var at = -1;
  for (var kh = 0; kh < kH; kh++) {
    let ih = i32(oh) * sH - pH + kh;
    if (ih < 0 || ih >= H) { continue; }
    for (var kw = 0; kw < kW; kw++) {
      let iw = i32(ow) * sW - pW + kw;
      if (iw < 0 || iw >= W) { continue; }
      let v = x[base + u32(ih * W + iw)];
      if (at < 0 || (!isnan_(best) && (isnan_(v) || v > best))) { best = v; at = ih * W + iw; }
    }
  }
  out[i] = best;
  idx[i] = at;`)}`;

/**
 * Max-pooling gradient: one thread per dx element scans its plane's indices (the kernel has no
 * window geometry) and sums the dy whose max it was, in output order. Parameters: [count, H·W,
 * Ho·Wo].
 */
export const MAX_POOL_BACKWARD_SHADER = `${PRELUDE}
${binding(1, 'dy', 'f32')}
${binding(2, 'idx', 'i32')}
${binding(3, 'dx', 'f32', true)}
${elementMain(`  let HW = P[1];
  let HoWo = P[2];
  let plane = i / HW;
  let pos = i32(i % HW);
  var acc = 0.0;
  for (var j = plane * HoWo; j < (plane + 1u) * HoWo; j++) {
    if (idx[j] == pos) { acc = acc + dy[j]; }
  }
  dx[i] = acc;`)}`;

/**
 * Max-pooling gradient when the window geometry that made `idx` is known (the backend remembers
 * it from its own maxPool2d): one thread per dx element visits only the outputs whose window
 * contains it — the same outputs, in the same order, as the plane scan, so the same sums.
 * Parameters: the pool parameters (count = dx elements).
 */
export const MAX_POOL_BACKWARD_WINDOW_SHADER = `${PRELUDE}
${binding(1, 'dy', 'f32')}
${binding(2, 'idx', 'i32')}
${binding(3, 'dx', 'f32', true)}
${elementMain(`${POOL_WINDOWS}
  let pos = ih * W + iw;
  var acc = 0.0;
  for (var oh = oh0; oh <= oh1; oh++) {
    for (var ow = ow0; ow <= ow1; ow++) {
      let j = (plane * Ho + u32(oh)) * Wo + u32(ow);
      if (idx[j] == pos) { acc = acc + dy[j]; }
    }
  }
  dx[i] = acc;`)}`;

const AVG_DIVISOR = `
fn divisor(oh: i32, ow: i32) -> f32 {
  ${POOL_FIELDS.replace(/\n/g, '\n  ')}
  if (includePad) { return f32(kH * kW); }
  let h0 = oh * sH - pH;
  let w0 = ow * sW - pW;
  let hs = min(h0 + kH, H) - max(h0, 0);
  let ws = min(w0 + kW, W) - max(w0, 0);
  return f32(hs * ws);
}`;

/** Average pooling, one thread per output. */
export const AVG_POOL_SHADER = `${PRELUDE}
${binding(1, 'x', 'f32')}
${binding(2, 'out', 'f32', true)}
${AVG_DIVISOR}
${elementMain(`${POOL_FIELDS}
  let ow = i32(i % Wo);
  let oh = i32((i / Wo) % Ho);
  let base = (i / (Wo * Ho)) * u32(H * W);
  var acc = 0.0;
  for (var kh = 0; kh < kH; kh++) {
    let ih = oh * sH - pH + kh;
    if (ih < 0 || ih >= H) { continue; }
    for (var kw = 0; kw < kW; kw++) {
      let iw = ow * sW - pW + kw;
      if (iw < 0 || iw >= W) { continue; }
      acc = acc + x[base + u32(ih * W + iw)];
    }
  }
  out[i] = acc / divisor(oh, ow);`)}`;

/** Average-pooling gradient, one thread per dx element over the windows that contain it. */
export const AVG_POOL_BACKWARD_SHADER = `${PRELUDE}
${binding(1, 'dy', 'f32')}
${binding(2, 'dx', 'f32', true)}
${AVG_DIVISOR}
${elementMain(`${POOL_WINDOWS}
  var acc = 0.0;
  for (var oh = oh0; oh <= oh1; oh++) {
    for (var ow = ow0; ow <= ow1; ow++) {
      acc = acc + dy[(plane * Ho + u32(oh)) * Wo + u32(ow)] / divisor(oh, ow);
    }
  }
  dx[i] = acc;`)}`;
