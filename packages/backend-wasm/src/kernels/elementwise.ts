/**
 * unary, binary, compare, where, cast, fill: float32 (and int32 add/sub/mul/max/min, int32
 * comparisons, 32-bit where) in AssemblyScript; the rest — int32/bool unary, bool logic, int32
 * pow, bool comparisons and where, float→int32 casts — in @nnet/kernels-js on views of memory.
 */
import * as js from '@nnet/kernels-js';
import { type BinaryOp, type CompareOp, sizeOf, type UnaryOp } from '@nnet/tensor';
import { Binary, Cast, Compare, Job, Limit, Unary } from '../codes.js';
import { bstrides, type T, type WasmContext } from './context.js';

/** int32 binary ops with an AssemblyScript kernel (wrapping, like PyTorch's int32). */
const INT_BINARY = new Set<BinaryOp>(['add', 'sub', 'mul', 'maximum', 'minimum']);

/** The code of `name` in a codes.ts enum, or undefined when the enum has no such member. */
function codeOf(codes: Record<string, string | number>, name: string): number | undefined {
  const code = codes[name];
  return typeof code === 'number' ? code : undefined;
}

/** The broadcast block [rank, out shape, one stride list per operand]. */
function broadcastBlock(ctx: WasmContext, out: T, operands: readonly T[]): number {
  return ctx.heap.block([out.shape.length, ...out.shape, ...operands.flatMap((t) => bstrides(t.shape))]);
}

/** Unary ops the kernel runs with SIMD or one cheap step per element; the others call a transcendental. */
const CHEAP_UNARY = new Set<UnaryOp>(['neg', 'abs', 'relu', 'sign', 'floor', 'ceil', 'round']);

/** Elements per part of a split element-wise call: whole cache lines, whole SIMD vectors. */
const ELEMENT_ALIGN = 16;

export function unary(ctx: WasmContext, op: UnaryOp, x: T, out: T): void {
  const code = codeOf(Unary, op);
  if (x.dtype === 'float32' && code !== undefined) {
    const { elem, transcendental } = ctx.par.costs;
    const per = CHEAP_UNARY.has(op) ? elem : transcendental;
    ctx.par.split(sizeOf(out.shape), per, ELEMENT_ALIGN, (from, to) => [
      Job.unary,
      code,
      x.handle,
      out.handle,
      from,
      to,
    ]);
  } else js.unary(op, ctx.heap.dense(x), ctx.heap.dense(out));
}

/** True when a, b and out have one shape (no broadcasting): the dense kernel, split by ranges. */
function sameShape(a: T, b: T, out: T): boolean {
  const n = out.shape.length;
  return (
    a.shape.length === n &&
    b.shape.length === n &&
    out.shape.every((d, i) => a.shape[i] === d && b.shape[i] === d)
  );
}

/** Whether the AssemblyScript broadcast kernels can walk `out`'s rank. */
const walkable = (out: T) => out.shape.length <= Limit.rank;

export function binary(ctx: WasmContext, op: BinaryOp, a: T, b: T, out: T): void {
  const code = codeOf(Binary, op);
  if (!walkable(out)) {
    js.binary(op, ctx.heap.dense(a), ctx.heap.dense(b), ctx.heap.dense(out));
  } else if (a.dtype === 'float32' && code !== undefined && sameShape(a, b, out)) {
    const { elem, transcendental } = ctx.par.costs;
    const per = op === 'pow' ? transcendental : elem;
    ctx.par.split(sizeOf(out.shape), per, ELEMENT_ALIGN, (from, to) => [
      Job.binary,
      code,
      a.handle,
      b.handle,
      out.handle,
      from,
      to,
    ]);
  } else if (a.dtype === 'float32' && code !== undefined) {
    ctx.k.binaryF32(code, a.handle, b.handle, out.handle, broadcastBlock(ctx, out, [a, b]));
  } else if (a.dtype === 'int32' && code !== undefined && INT_BINARY.has(op)) {
    ctx.k.binaryI32(code, a.handle, b.handle, out.handle, broadcastBlock(ctx, out, [a, b]));
  } else {
    // bool logic and int32 pow (and ranks above Limit.rank): rare, on views of linear memory.
    js.binary(op, ctx.heap.dense(a), ctx.heap.dense(b), ctx.heap.dense(out));
  }
}

export function compare(ctx: WasmContext, op: CompareOp, a: T, b: T, out: T): void {
  if (a.dtype === 'bool' || !walkable(out)) {
    js.compare(op, ctx.heap.dense(a), ctx.heap.dense(b), ctx.heap.dense(out));
    return;
  }
  const kernel = a.dtype === 'float32' ? ctx.k.compareF32 : ctx.k.compareI32;
  kernel(Compare[op], a.handle, b.handle, out.handle, broadcastBlock(ctx, out, [a, b]));
}

export function where(ctx: WasmContext, cond: T, a: T, b: T, out: T): void {
  if (a.dtype === 'bool' || !walkable(out)) {
    js.where(ctx.heap.dense(cond), ctx.heap.dense(a), ctx.heap.dense(b), ctx.heap.dense(out));
    return;
  }
  ctx.k.where32(cond.handle, a.handle, b.handle, out.handle, broadcastBlock(ctx, out, [cond, a, b]));
}

export function cast(ctx: WasmContext, x: T, out: T): void {
  const kind = codeOf(Cast, `${x.dtype}_${out.dtype}`);
  if (kind !== undefined) ctx.k.cast(kind, x.handle, out.handle, sizeOf(out.shape));
  else js.cast(ctx.heap.dense(x), ctx.heap.dense(out));
}

export function fill(ctx: WasmContext, out: T, value: number): void {
  js.fill(ctx.heap.dense(out), value);
}
