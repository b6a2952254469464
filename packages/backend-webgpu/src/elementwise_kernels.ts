/**
 * The WebGPU backend's element-wise kernels (unary, binary, compare, where, cast) with broadcasting,
 * and the layout fills and copies (fill, copyStrided).
 */
import type { BinaryOp, CompareOp, TensorInfo, UnaryOp } from '@nnet/tensor';
import { castScalar, DTypeError, sizeOf } from '@nnet/tensor';
import { elementGrid, Params, wgslType } from './shaders/common.js';
import {
  binaryExpr,
  CAST_HELPERS,
  castExpr,
  compareExpr,
  elementwiseParams,
  elementwiseShader,
  FILL_SHADER,
  FLOAT_HELPERS,
  inputMode,
  unaryExpr,
} from './shaders/elementwise.js';
import { COPY_STRIDED_SHADER } from './shaders/layout.js';
import type { KernelContext, T, WebGpuStorage } from './storage.js';

function leftPad(shape: readonly number[], rank: number): number[] {
  return [...new Array<number>(rank - shape.length).fill(1), ...shape];
}

function elementwise(
  k: KernelContext,
  op: string,
  key: string,
  ins: readonly T[],
  out: T,
  expr: string,
  helpers: string,
): void {
  const n = sizeOf(out.shape);
  if (n === 0) return;
  const shapes = ins.map((t) => leftPad(t.shape, out.shape.length));
  const modes = shapes.map((s) => inputMode(s, out.shape));
  const types = ins.map((t) => wgslType(t.dtype));
  const code = k.shader(`${key}|${types.join(',')}|${modes.join(',')}`, () =>
    elementwiseShader(types, wgslType(out.dtype), modes, expr, helpers),
  );
  k.run(op, code, [...ins, out], elementwiseParams(out.shape, shapes), elementGrid(n));
}

/** `WebGpuBackend.unary`. @internal */
export function unary(k: KernelContext, op: UnaryOp, x: T, out: T): void {
  const expr = unaryExpr(op, x.dtype);
  if (expr === null) throw new DTypeError(`webgpu.unary: '${op}' is not defined on ${x.dtype}.`);
  elementwise(k, 'unary', `unary.${op}`, [x], out, expr, FLOAT_HELPERS);
}

/** `WebGpuBackend.binary`. @internal */
export function binary(k: KernelContext, op: BinaryOp, a: T, b: T, out: T): void {
  elementwise(k, 'binary', `binary.${op}`, [a, b], out, binaryExpr(op, a.dtype), FLOAT_HELPERS);
}

/** `WebGpuBackend.compare`. @internal */
export function compare(k: KernelContext, op: CompareOp, a: T, b: T, out: T): void {
  elementwise(k, 'compare', `compare.${op}`, [a, b], out, compareExpr(op, a.dtype), '');
}

/** `WebGpuBackend.where`. @internal */
export function where(k: KernelContext, cond: T, a: T, b: T, out: T): void {
  // Inputs are named a (cond), b (a) and c (b) in the shader.
  elementwise(k, 'where', 'where', [cond, a, b], out, 'select(c, b, a != 0u)', '');
}

/** `WebGpuBackend.cast`. @internal */
export function cast(k: KernelContext, x: T, out: T): void {
  elementwise(k, 'cast', `cast.${out.dtype}`, [x], out, castExpr(x.dtype, out.dtype), CAST_HELPERS);
}

/** `WebGpuBackend.fill`. @internal */
export function fill(k: KernelContext, out: T, value: number): void {
  const n = sizeOf(out.shape);
  if (n === 0) return;
  const v = castScalar(value, out.dtype);
  const bits = out.dtype === 'float32' ? new Uint32Array(new Float32Array([v]).buffer)[0] : v >>> 0;
  k.run('fill', FILL_SHADER, [out], new Params().u(n, bits), elementGrid(n));
}

/** `WebGpuBackend.copyStrided`. @internal */
export function copyStrided(
  k: KernelContext,
  x: TensorInfo<WebGpuStorage> & { strides: readonly number[]; offset: number },
  out: T,
): void {
  const n = sizeOf(out.shape);
  if (n === 0) return;
  const p = new Params()
    .u(n, x.shape.length)
    .i(x.offset)
    .u(...x.shape)
    .i(...x.strides);
  k.run('copyStrided', COPY_STRIDED_SHADER, [x, out], p, elementGrid(n));
}
