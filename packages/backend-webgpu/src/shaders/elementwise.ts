/**
 * Elementwise kernels (unary, binary, compare, where, cast, fill) from one generator: inputs
 * broadcast to the output by per-input strides (0 on broadcast dims), with two cheaper shape
 * classes: an input of the output's shape (read at `i`) and a one-element input (read at 0).
 */
import type { BinaryOp, CompareOp, DType, UnaryOp } from '@nnet/tensor';
import { binding, elementMain, Params, PRELUDE } from './common.js';

/** How an input is indexed: like the output, as a scalar, or by broadcast strides. */
export type InputMode = 'same' | 'scalar' | 'bcast';

const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** The mode of an input of shape `shape` (left-padded to the output's rank) for output `out`. */
export function inputMode(shape: readonly number[], out: readonly number[]): InputMode {
  if (sizeOf(shape) === 1) return 'scalar';
  if (shape.length === out.length && shape.every((d, k) => d === out[k])) return 'same';
  return 'bcast';
}

/**
 * The WGSL of an elementwise kernel: inputs `a`, `b`, `c` (types `inTypes`) read by `modes`,
 * output `out[i] = expr`. Parameters: [n, rank, shape[rank], strides of each input[rank]].
 */
export function elementwiseShader(
  inTypes: readonly string[],
  outType: string,
  modes: readonly InputMode[],
  expr: string,
  helpers = '',
): string {
  const names = ['a', 'b', 'c'];
  const decl = inTypes.map((t, k) => binding(k + 1, `in${k}`, t)).join('\n');
  const out = binding(inTypes.length + 1, 'out', outType, true);
  const bcast = modes.includes('bcast');
  let body = '';
  if (bcast) {
    body += '  let r = P[1];\n  var rem = i;\n';
    modes.forEach((m, k) => {
      if (m === 'bcast') body += `  var o${k} = 0u;\n`;
    });
    body +=
      '  for (var d = r; d > 0u; d--) {\n    let s = P[1u + d];\n    let q = rem % s;\n    rem = rem / s;\n';
    modes.forEach((m, k) => {
      if (m === 'bcast') body += `    o${k} += q * P[1u + r * ${k + 1}u + d];\n`;
    });
    body += '  }\n';
  }
  modes.forEach((m, k) => {
    const at = m === 'same' ? 'i' : m === 'scalar' ? '0u' : `o${k}`;
    body += `  let ${names[k]} = in${k}[${at}];\n`;
  });
  body += `  out[i] = ${expr};`;
  return `${PRELUDE}\n${decl}\n${out}\n${helpers}\n${elementMain(body)}`;
}

/** Parameters of `elementwiseShader`: count, rank, output shape, then each input's strides. */
export function elementwiseParams(out: readonly number[], inputs: readonly (readonly number[])[]): Params {
  const p = new Params().u(sizeOf(out), out.length, ...out);
  for (const shape of inputs) {
    // Contiguous strides of the input, 0 where it broadcasts (its dim is 1, the output's is not).
    const strides = new Array<number>(out.length).fill(0);
    let s = 1;
    for (let d = out.length - 1; d >= 0; d--) {
      const dim = shape[d] ?? 1;
      strides[d] = dim === 1 ? 0 : s;
      s *= dim;
    }
    p.u(...strides);
  }
  return p;
}

/** Helper functions for the float unary and binary ops (only those a shader uses get compiled). */
export const FLOAT_HELPERS = /* wgsl */ `
fn sign_(x: f32) -> f32 { if (isnan_(x)) { return 0.0; } if (x > 0.0) { return 1.0; } if (x < 0.0) { return -1.0; } return x; }
fn log_(x: f32) -> f32 {
  if (isnan_(x) || x < 0.0) { return nan_(); }
  if (x == 0.0) { return -inf_(); }
  if (isinf_(x)) { return x; }
  return log(x);
}
fn log1p_(x: f32) -> f32 {
  if (isnan_(x) || x < -1.0) { return nan_(); }
  if (x == -1.0) { return -inf_(); }
  if (isinf_(x)) { return x; }
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  return log(u) * (x / (u - 1.0));
}
fn sqrt_(x: f32) -> f32 {
  if (isnan_(x) || x < 0.0) { return nan_(); }
  if (x == 0.0 || isinf_(x)) { return x; }
  return sqrt(x);
}
fn tanh_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let e = exp(-2.0 * abs(x));
  let t = (1.0 - e) / (1.0 + e);
  return select(t, -t, x < 0.0);
}
fn sigmoid_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
fn erf_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let z = abs(x);
  if (z < 0.5) {
    let s = x * x;
    return 1.1283791670955126 * x * (1.0 + s * (-1.0 / 3.0 + s * (1.0 / 10.0 + s * (-1.0 / 42.0 + s * (1.0 / 216.0 +
      s * (-1.0 / 1320.0 + s * (1.0 / 9360.0 + s * (-1.0 / 75600.0 + s / 685440.0))))))));
  }
  let t = 1.0 / (1.0 + 0.5 * z);
  let poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  let r = t * exp(poly);
  return select(r - 1.0, 1.0 - r, x >= 0.0);
}
fn relu_(x: f32) -> f32 { if (x > 0.0 || isnan_(x)) { return x; } return 0.0; }
fn floor_(x: f32) -> f32 { if (isnan_(x) || isinf_(x)) { return x; } return floor(x); }
fn ceil_(x: f32) -> f32 { if (isnan_(x) || isinf_(x)) { return x; } return ceil(x); }
fn round_(x: f32) -> f32 {
  if (isnan_(x) || isinf_(x)) { return x; }
  let f = floor(x);
  let d = x - f;
  if (d > 0.5) { return f + 1.0; }
  if (d < 0.5) { return f; }
  return select(f + 1.0, f, f - 2.0 * floor(f * 0.5) == 0.0);
}
fn isoddint_(y: f32) -> bool { return abs(y) < 16777216.0 && floor(y) == y && y - 2.0 * floor(y * 0.5) == 1.0; }
fn pow_(x: f32, y: f32) -> f32 {
  if (y == 0.0 || x == 1.0) { return 1.0; }
  if (isnan_(x) || isnan_(y)) { return nan_(); }
  let ax = abs(x);
  if (isinf_(y)) {
    if (ax == 1.0) { return 1.0; }
    return select(0.0, inf_(), (ax > 1.0) == (y > 0.0));
  }
  let odd = isoddint_(y);
  if (x == 0.0) {
    if (y < 0.0) { return select(inf_(), 1.0 / x, odd); }
    return select(0.0, x, odd);
  }
  if (isinf_(x)) {
    let r = select(0.0, inf_(), y > 0.0);
    return select(r, -r, x < 0.0 && odd);
  }
  if (x < 0.0 && floor(y) != y) { return nan_(); }
  let r = exp2(y * log2(ax));
  return select(r, -r, x < 0.0 && odd);
}
fn ipow_(x: i32, y: i32) -> i32 {
  if (y < 0) { if (x == 1) { return 1; } if (x == -1) { return select(1, -1, (y & 1) == 1); } return 0; }
  var r = 1; var b = x; var e = y;
  loop { if (e == 0) { break; } if ((e & 1) == 1) { r = r * b; } b = b * b; e = e >> 1; }
  return r;
}
`;

const UNARY_FLOAT: Record<UnaryOp, string> = {
  neg: '-a',
  abs: 'abs(a)',
  sign: 'sign_(a)',
  exp: 'exp_(a)',
  log: 'log_(a)',
  log1p: 'log1p_(a)',
  sqrt: 'sqrt_(a)',
  rsqrt: '1.0 / sqrt_(a)',
  reciprocal: '1.0 / a',
  sin: 'sin(a)',
  cos: 'cos(a)',
  tanh: 'tanh_(a)',
  sigmoid: 'sigmoid_(a)',
  relu: 'relu_(a)',
  erf: 'erf_(a)',
  floor: 'floor_(a)',
  ceil: 'ceil_(a)',
  round: 'round_(a)',
  logicalNot: 'select(0.0, 1.0, a == 0.0)',
};

const UNARY_INT: Partial<Record<UnaryOp, string>> = {
  neg: '-a',
  abs: 'abs(a)',
  sign: 'sign(a)',
  relu: 'max(a, 0)',
};

/** The expression of unary `op` on dtype `dtype` (what the contract requests), or null. */
export function unaryExpr(op: UnaryOp, dtype: DType): string | null {
  if (dtype === 'float32') return UNARY_FLOAT[op];
  if (dtype === 'int32') return UNARY_INT[op] ?? null;
  return op === 'logicalNot' ? 'select(0u, 1u, a == 0u)' : null;
}

/** The expression of binary `op` on dtype `dtype`. */
export function binaryExpr(op: BinaryOp, dtype: DType): string {
  if (op === 'logicalAnd')
    return dtype === 'bool' ? 'select(0u, 1u, a != 0u && b != 0u)' : zeroOne(dtype, '&&');
  if (op === 'logicalOr')
    return dtype === 'bool' ? 'select(0u, 1u, a != 0u || b != 0u)' : zeroOne(dtype, '||');
  if (dtype === 'float32') {
    const f: Record<string, string> = {
      add: 'a + b',
      sub: 'a - b',
      mul: 'a * b',
      div: 'a / b',
      pow: 'pow_(a, b)',
      maximum: 'max_(a, b)',
      minimum: 'min_(a, b)',
    };
    return f[op];
  }
  const t = dtype === 'int32' ? 'i32' : 'u32';
  const i: Record<string, string> = {
    add: 'a + b',
    sub: 'a - b',
    mul: 'a * b',
    div: `select(0${t === 'i32' ? '' : 'u'}, a / b, b != 0${t === 'i32' ? '' : 'u'})`,
    pow: t === 'i32' ? 'ipow_(a, b)' : 'select(a, 1u, b == 0u)',
    maximum: 'max(a, b)',
    minimum: 'min(a, b)',
  };
  return i[op];
}

function zeroOne(dtype: DType, op: '&&' | '||'): string {
  const z = dtype === 'float32' ? '0.0' : '0';
  const one = dtype === 'float32' ? '1.0' : '1';
  return `select(${z}, ${one}, (a != ${z}) ${op} (b != ${z}))`;
}

/** The expression of comparison `op` (bool out as u32); NaN compares false except `ne`. */
export function compareExpr(op: CompareOp, dtype: DType): string {
  const sym: Record<CompareOp, string> = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };
  if (dtype !== 'float32') return `select(0u, 1u, a ${sym[op]} b)`;
  const nan = 'isnan_(a) || isnan_(b)';
  if (op === 'ne') return `select(0u, 1u, (${nan}) || a != b)`;
  return `select(0u, 1u, !(${nan}) && a ${sym[op]} b)`;
}

/** The expression converting `a` of dtype `from` to dtype `to` (the contract's `castScalar`). */
export function castExpr(from: DType, to: DType): string {
  if (from === to) return 'a';
  if (to === 'bool')
    return from === 'float32' ? 'select(0u, 1u, a != 0.0 || isnan_(a))' : 'select(0u, 1u, a != 0)';
  if (to === 'float32') return 'f32(a)';
  if (from === 'bool') return 'i32(a)';
  return 'cast_fi_(a)';
}

/** float → int32: truncate toward zero, saturate, NaN → 0. */
export const CAST_HELPERS = /* wgsl */ `
fn cast_fi_(x: f32) -> i32 {
  if (isnan_(x)) { return 0; }
  if (x >= 2147483647.0) { return 2147483647; }
  if (x <= -2147483648.0) { return -2147483647 - 1; }
  return i32(x);
}
`;

/** Fill: every 32-bit word of out = P[1] (the value's bits, already converted by `castScalar`). */
export const FILL_SHADER = `${PRELUDE}\n${binding(1, 'out', 'u32', true)}\n${elementMain('  out[i] = P[1];')}`;
