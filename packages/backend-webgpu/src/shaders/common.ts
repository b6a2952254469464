/**
 * Pieces every WGSL kernel shares: the element type of each dtype (bool is stored as one u32 per
 * element), the parameter block, NaN/Inf helpers that test bits (so no compiler may assume finite
 * math away), and the 1-D grid that covers more than 65535 workgroups.
 */
import type { DType } from '@nnet/tensor';

/** WGSL element type of a dtype's storage: f32, i32, and u32 (0 or 1) for bool. */
export function wgslType(dtype: DType): 'f32' | 'i32' | 'u32' {
  return dtype === 'float32' ? 'f32' : dtype === 'int32' ? 'i32' : 'u32';
}

/** Threads per workgroup of the one-thread-per-element kernels. */
export const WG = 256;
/** Workgroups per grid dimension (the WebGPU default limit). */
export const MAX_GRID = 65535;

/** A 2-D grid of `count` workgroups (x at most 65535); shaders rebuild the linear id. */
export function grid(count: number): [number, number, number] {
  if (count <= MAX_GRID) return [Math.max(count, 1), 1, 1];
  return [MAX_GRID, Math.ceil(count / MAX_GRID), 1];
}

/** Workgroups for `n` elements at `WG` per group. */
export function elementGrid(n: number): [number, number, number] {
  return grid(Math.ceil(n / WG));
}

/** The parameter block (binding 0) and the helpers every kernel may use. */
export const PRELUDE = /* wgsl */ `
@group(0) @binding(0) var<storage, read> P: array<u32>;
fn pf(i: u32) -> f32 { return bitcast<f32>(P[i]); }
fn pi(i: u32) -> i32 { return bitcast<i32>(P[i]); }
fn isnan_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isinf_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
// Private variables, not constants: WGSL rejects a constant expression that evaluates to Inf/NaN.
var<private> INF_BITS: u32 = 0x7f800000u;
var<private> NAN_BITS: u32 = 0x7fc00000u;
fn inf_() -> f32 { return bitcast<f32>(INF_BITS); }
fn nan_() -> f32 { return bitcast<f32>(NAN_BITS); }
fn exp_(x: f32) -> f32 { if (isnan_(x)) { return x; } if (x > 88.72284) { return inf_(); } return exp(x); }
fn max_(a: f32, b: f32) -> f32 { if (isnan_(a) || isnan_(b)) { return nan_(); } return max(a, b); }
fn min_(a: f32, b: f32) -> f32 { if (isnan_(a) || isnan_(b)) { return nan_(); } return min(a, b); }
`;

/** The entry point of a one-thread-per-element kernel; `i` is the element, `P[0]` the count. */
export function elementMain(body: string): string {
  return /* wgsl */ `
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * ${WG}u;
  if (i >= P[0]) { return; }
${body}
}`;
}

/** A storage binding declaration. */
export function binding(index: number, name: string, type: string, write = false): string {
  return `@group(0) @binding(${index}) var<storage, ${write ? 'read_write' : 'read'}> ${name}: array<${type}>;`;
}

/** Builds a parameter block of 32-bit words: unsigned, signed and float32 values. */
export class Params {
  private readonly words: number[] = [];
  private readonly kinds: ('u' | 'i' | 'f')[] = [];

  u(...v: number[]): this {
    for (const x of v) {
      this.words.push(x);
      this.kinds.push('u');
    }
    return this;
  }

  i(...v: number[]): this {
    for (const x of v) {
      this.words.push(x);
      this.kinds.push('i');
    }
    return this;
  }

  f(...v: number[]): this {
    for (const x of v) {
      this.words.push(x);
      this.kinds.push('f');
    }
    return this;
  }

  get length(): number {
    return this.words.length;
  }

  buffer(): ArrayBuffer {
    const buf = new ArrayBuffer(Math.max(this.words.length, 4) * 4);
    const u = new Uint32Array(buf);
    const i = new Int32Array(buf);
    const f = new Float32Array(buf);
    this.words.forEach((w, k) => {
      const kind = this.kinds[k];
      if (kind === 'u') u[k] = w >>> 0;
      else if (kind === 'i') i[k] = w | 0;
      else f[k] = w;
    });
    return buf;
  }
}
