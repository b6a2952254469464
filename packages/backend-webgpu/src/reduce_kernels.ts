/**
 * The WebGPU backend's reductions along axes (reduce, argReduce, softmax/logSoftmax) and its
 * indexed layout kernels (gather, scatterAdd).
 */
import type { ArgReduceOp, DType, ReduceOp } from '@nnet/tensor';
import { contiguousStrides, sizeOf } from '@nnet/tensor';
import { elementGrid, grid, Params } from './shaders/common.js';
import { argReduceShader, GATHER_SHADER, reduceShader, scatterAddShader } from './shaders/layout.js';
import { softmaxShader } from './shaders/nn.js';
import { type KernelContext, type T, TREE_REDUCE_MIN } from './storage.js';

/** Elements per workgroup when a few very long rows are split over many workgroups (two passes). */
const SEGMENT = 4096;

/** `WebGpuBackend.reduce`. @internal */
export function reduce(k: KernelContext, op: ReduceOp, x: T, axes: readonly number[], out: T): void {
  const nOut = sizeOf(out.shape);
  if (nOut === 0) return;
  const strides = contiguousStrides(x.shape);
  const kept: number[] = [];
  const keptStrides: number[] = [];
  const red: number[] = [];
  const redStrides: number[] = [];
  x.shape.forEach((d, i) => {
    if (axes.includes(i)) {
      red.push(d);
      redStrides.push(strides[i]);
    } else {
      kept.push(d);
      keptStrides.push(strides[i]);
    }
  });
  const R = sizeOf(red);
  const geometry = [kept.length, red.length, ...kept, ...keptStrides, ...red, ...redStrides];
  if (R < TREE_REDUCE_MIN) {
    const code = k.shader(`reduce.${op}|${x.dtype}|${out.dtype}|loop`, () =>
      reduceShader(op, x.dtype, out.dtype, false),
    );
    k.run(
      'reduce',
      code,
      [x, out],
      new Params().u(nOut, R, ...geometry.slice(0, 2), 1, R, ...geometry.slice(2)),
      elementGrid(nOut),
    );
    return;
  }
  // Few outputs over very long rows: segments of SEGMENT elements, each its own workgroup, then
  // a second pass over the [nOut, S] partials (kept in a pooled scratch buffer).
  const S = nOut <= 256 ? Math.min(256, Math.ceil(R / SEGMENT)) : 1;
  const code = k.shader(`reduce.${op}|${x.dtype}|${out.dtype}|tree`, () =>
    reduceShader(op, x.dtype, out.dtype, true),
  );
  const first = (count: number, segment: number) =>
    new Params().u(count, R, ...geometry.slice(0, 2), S, segment, ...geometry.slice(2));
  if (S === 1) {
    k.run('reduce', code, [x, out], first(nOut, R), grid(nOut));
    return;
  }
  const partialType: DType = out.dtype === 'float32' ? 'float32' : 'int32';
  const scratch = k.acquire(nOut * S * 4);
  const pass1 = k.shader(`reduce.${op}|${x.dtype}|${partialType}|tree`, () =>
    reduceShader(op, x.dtype, partialType, true),
  );
  k.run('reduce', pass1, [x, scratch], first(nOut * S, Math.ceil(R / S)), grid(nOut * S));
  const pass2 = k.shader(`reduce.${op}|${partialType}|${out.dtype}|loop`, () =>
    reduceShader(op, partialType, out.dtype, false),
  );
  // The partials as [nOut, S], reduced over axis 1 (kept: nOut with stride S; reduced: S, 1).
  k.run(
    'reduce',
    pass2,
    [scratch, out],
    new Params().u(nOut, S, 1, 1, 1, S, nOut, S, S, 1),
    elementGrid(nOut),
  );
  // Queue order keeps the scratch valid for the two passes even if it is reused right away.
  k.release(scratch);
}

/** `WebGpuBackend.argReduce`. @internal */
export function argReduce(k: KernelContext, op: ArgReduceOp, x: T, axis: number, out: T): void {
  const nOut = sizeOf(out.shape);
  if (nOut === 0) return;
  const L = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const code = k.shader(`${op}|${x.dtype}`, () => argReduceShader(op, x.dtype));
  k.run('argReduce', code, [x, out], new Params().u(nOut, L, inner), elementGrid(nOut));
}

/** `WebGpuBackend.softmax` (`log` false) and `logSoftmax` (`log` true). @internal */
export function softmaxLike(k: KernelContext, op: string, log: boolean, x: T, axis: number, out: T): void {
  const n = sizeOf(x.shape);
  if (n === 0) return;
  const L = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const rows = n / L;
  const tree = L >= TREE_REDUCE_MIN;
  const code = k.shader(`${op}|${tree}`, () => softmaxShader(log, tree));
  k.run(op, code, [x, out], new Params().u(rows, L, inner), tree ? grid(rows) : elementGrid(rows));
}

/** `WebGpuBackend.gather`. @internal */
export function gather(k: KernelContext, x: T, axis: number, index: T, out: T): void {
  const n = sizeOf(out.shape);
  if (n === 0) return;
  const p = new Params().u(
    n,
    out.shape.length,
    axis,
    x.shape[axis],
    ...out.shape,
    ...contiguousStrides(x.shape),
  );
  k.run('gather', GATHER_SHADER, [x, index, out], p, elementGrid(n));
}

/** `WebGpuBackend.scatterAdd`. @internal */
export function scatterAdd(k: KernelContext, out: T, axis: number, index: T, src: T): void {
  const n = sizeOf(out.shape);
  if (n === 0 || sizeOf(index.shape) === 0) return;
  const code = k.shader(`scatterAdd|${out.dtype}`, () => scatterAddShader(out.dtype));
  const p = new Params().u(
    n,
    out.shape.length,
    axis,
    ...out.shape,
    ...index.shape,
    ...contiguousStrides(index.shape),
  );
  k.run('scatterAdd', code, [index, src, out], p, elementGrid(n));
}
