/**
 * unary, binary, compare, where, cast, fill: float32 (and int32 add/sub/mul/max/min, int32
 * comparisons, 32-bit where) in AssemblyScript; the rest — int32/bool unary, bool logic, int32
 * pow, bool comparisons and where, float→int32 casts — in @nnet/kernels-js on views of memory.
 */
import * as js from '@nnet/kernels-js';
import { type BinaryOp, type CompareOp, sizeOf, type UnaryOp } from '@nnet/tensor';
import { chunkBounds } from '../chunks.js';
import { Binary, Broadcast, Cast, Compare, Job, Limit, Unary } from '../codes.js';
import { bstrides, type T, type WasmContext } from './context.js';

/** int32 binary ops with an AssemblyScript kernel (wrapping, like PyTorch's int32). */
const INT_BINARY = new Set<BinaryOp>(['add', 'sub', 'mul', 'maximum', 'minimum']);

/** The code of `name` in a codes.ts enum, or undefined when the enum has no such member. */
function codeOf(codes: Record<string, string | number>, name: string): number | undefined {
  const code = codes[name];
  return typeof code === 'number' ? code : undefined;
}

/**
 * out's shape and each operand's element strides (0 where it broadcasts) with dims of size 1
 * dropped and neighbouring dims merged wherever every operand steps through both as through one
 * (stride[d] = stride[d + 1]·shape[d + 1]): [64, 8, 26, 26] + [1, 8, 1, 1] walks as [64, 8, 676]
 * with strides [0, 1, 0], so the kernels' innermost loop (SIMD along a dense row against a
 * broadcast value) runs 676 elements instead of 26. The same elements in the same order: results
 * do not change.
 */
function coalesce(
  shape: readonly number[],
  operands: readonly (readonly number[])[],
): {
  shape: number[];
  strides: number[][];
} {
  // Plain loops: this runs on every broadcast call, and flatMap/every/forEach closures cost more
  // than the kernel on small tensors.
  const out: number[] = [];
  const strides: number[][] = [];
  for (let k = 0; k < operands.length; k++) strides.push([]);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d];
    if (n === 1) continue;
    const last = out.length - 1;
    let merges = last >= 0;
    for (let k = 0; merges && k < operands.length; k++) merges = strides[k][last] === operands[k][d] * n;
    if (merges) {
      out[last] *= n;
      for (let k = 0; k < operands.length; k++) strides[k][last] = operands[k][d];
    } else {
      out.push(n);
      for (let k = 0; k < operands.length; k++) strides[k].push(operands[k][d]);
    }
  }
  return { shape: out, strides };
}

/**
 * A broadcast kernel's parameter words: rank, the walk's shape with its first dim set to `rows`,
 * then each operand's strides.
 */
function walkWords(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  rows: number,
): number[] {
  const words = [shape.length];
  for (let d = 0; d < shape.length; d++) words.push(d === 0 ? rows : shape[d]);
  for (const s of strides) for (let d = 0; d < s.length; d++) words.push(s[d]);
  return words;
}

/** Bytes per element in linear memory (bool: one byte). */
const bytesOf = (t: T) => (t.dtype === 'bool' ? 1 : 4);

/**
 * Runs a broadcast kernel (`kernel`, op code `op`) over out's elements, `nsPerElement` each on one
 * thread: in one call, or split across threads by rows of out's first dim, each chunk with its own
 * parameter block (that dim cut to its rows) and its operands' pointers moved to its first row.
 * Every element is computed as in one call: results are identical for any thread count.
 * `operands` are x, y (and z for where32: x the condition).
 */
function broadcast(
  ctx: WasmContext,
  kernel: Broadcast,
  op: number,
  operands: readonly T[],
  out: T,
  nsPerElement: number,
  whole: (params: number) => void,
): void {
  const { shape, strides } = coalesce(
    out.shape,
    operands.map((t) => bstrides(t.shape)),
  );
  const rank = shape.length;
  const rows = rank === 0 ? 1 : shape[0];
  const n = sizeOf(out.shape);
  // Each row of the innermost loop costs about ROW_ELEMENTS elements more (its set-up and the
  // odometer step), a lot when rows are short.
  const inner = rank === 0 ? 1 : shape[rank - 1];
  const plan = ctx.par.plan(n * nsPerElement * (1 + ROW_ELEMENTS / inner), rows, BROADCAST_KIND + kernel);
  const parts = plan.parts;
  if (parts < 2) {
    whole(ctx.heap.block(walkWords(shape, strides, rows)));
    plan.finish();
    return;
  }
  const words = 1 + rank * (1 + operands.length);
  const blocks = ctx.heap.alloc(4 * words * parts);
  try {
    const bounds = chunkBounds(rows, parts, 1);
    const perRow = n / rows;
    const jobs: number[][] = [];
    for (let i = 1; i < bounds.length; i++) {
      const from = bounds[i - 1];
      const to = bounds[i];
      const params = blocks + 4 * words * (i - 1);
      ctx.heap.setInt32(params, walkWords(shape, strides, to - from));
      const at = operands.map((t, k) => t.handle + from * strides[k][0] * bytesOf(t));
      const [x, y, z = 0] = at;
      jobs.push([Job.broadcast, kernel, op, x, y, z, out.handle + from * perRow * bytesOf(out), params]);
    }
    ctx.par.run(jobs);
  } finally {
    ctx.heap.free(blocks);
  }
  plan.finish();
}

/** The innermost loop's cost per row of a broadcast kernel, in elements (measured: ~2x per element on rows of 26). */
const ROW_ELEMENTS = 24;

/** The kinds plan() records broadcast calls under (after the Job kinds): one per Broadcast kernel. */
const BROADCAST_KIND = 100;

/**
 * One thread's cost per element of the broadcast kernels (in units of the model's `elem`, a SIMD
 * add): the float32 add..div loop is SIMD along a dense last dim; the others are scalar loops.
 */
const SIMD_BROADCAST = 1;
const SCALAR_BROADCAST = 6;

/** Unary ops the kernel runs with SIMD (assembly's unaryF32); the others call a transcendental per element. */
const CHEAP_UNARY = new Set<UnaryOp>([
  'neg',
  'abs',
  'relu',
  'sign',
  'floor',
  'ceil',
  'round',
  'sqrt',
  'reciprocal',
]);

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
    const { elem, transcendental } = ctx.par.costs;
    const per =
      op === 'pow' ? transcendental : (code <= Binary.div ? SIMD_BROADCAST : SCALAR_BROADCAST) * elem;
    broadcast(ctx, Broadcast.binaryF32, code, [a, b], out, per, (params) =>
      ctx.k.binaryF32(code, a.handle, b.handle, out.handle, params),
    );
  } else if (a.dtype === 'int32' && code !== undefined && INT_BINARY.has(op)) {
    broadcast(ctx, Broadcast.binaryI32, code, [a, b], out, SCALAR_BROADCAST * ctx.par.costs.elem, (params) =>
      ctx.k.binaryI32(code, a.handle, b.handle, out.handle, params),
    );
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
  const float = a.dtype === 'float32';
  const kernel = float ? ctx.k.compareF32 : ctx.k.compareI32;
  const code = Compare[op];
  broadcast(
    ctx,
    float ? Broadcast.compareF32 : Broadcast.compareI32,
    code,
    [a, b],
    out,
    SCALAR_BROADCAST * ctx.par.costs.elem,
    (params) => kernel(code, a.handle, b.handle, out.handle, params),
  );
}

export function where(ctx: WasmContext, cond: T, a: T, b: T, out: T): void {
  if (a.dtype === 'bool' || !walkable(out)) {
    js.where(ctx.heap.dense(cond), ctx.heap.dense(a), ctx.heap.dense(b), ctx.heap.dense(out));
    return;
  }
  broadcast(ctx, Broadcast.where32, 0, [cond, a, b], out, SCALAR_BROADCAST * ctx.par.costs.elem, (params) =>
    ctx.k.where32(cond.handle, a.handle, b.handle, out.handle, params),
  );
}

export function cast(ctx: WasmContext, x: T, out: T): void {
  const kind = codeOf(Cast, `${x.dtype}_${out.dtype}`);
  if (kind === undefined) {
    js.cast(ctx.heap.dense(x), ctx.heap.dense(out));
    return;
  }
  const [sx, so] = [bytesOf(x), bytesOf(out)];
  ctx.par.split(sizeOf(out.shape), SCALAR_BROADCAST * ctx.par.costs.elem, ELEMENT_ALIGN, (from, to) => [
    Job.cast,
    kind,
    x.handle + from * sx,
    out.handle + from * so,
    to - from,
  ]);
}

export function fill(ctx: WasmContext, out: T, value: number): void {
  js.fill(ctx.heap.dense(out), value);
}
