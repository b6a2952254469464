/**
 * The WebGPU backend's products and network kernels: matmul and the fused linear, conv2d and its
 * gradients, max/avg pooling and their gradients, and the SGD/Adam updates.
 */
import type {
  AdamUpdateParams,
  Conv2dParams,
  FusedActivation,
  Pool2dParams,
  SGDUpdateParams,
} from '@nnet/tensor';
import { adamBiasCorrections, sizeOf } from '@nnet/tensor';
import { elementGrid, grid, MAX_GRID, Params } from './shaders/common.js';
import { FLOAT_HELPERS } from './shaders/elementwise.js';
import { matmulShader, TILE } from './shaders/matmul.js';
import {
  AVG_POOL_BACKWARD_SHADER,
  AVG_POOL_SHADER,
  adamShader,
  CONV2D_BACKWARD_FILTER_SHADER,
  CONV2D_BACKWARD_INPUT_SHADER,
  conv2dShader,
  MAX_POOL_BACKWARD_SHADER,
  MAX_POOL_BACKWARD_WINDOW_SHADER,
  MAX_POOL_SHADER,
  sgdShader,
} from './shaders/nn.js';
import type { KernelContext, T } from './storage.js';

/** `WebGpuBackend.matmul` (`op` 'matmul') and `linear` (`op` 'linear', b transposed). @internal */
export function product(
  k: KernelContext,
  op: string,
  a: T,
  b: T,
  bias: T | null,
  act: FusedActivation,
  out: T,
  transA: boolean,
  transB: boolean,
): void {
  const r = out.shape.length;
  const M = out.shape[r - 2];
  const N = out.shape[r - 1];
  const batch = sizeOf(out.shape.slice(0, r - 2));
  if (M * N * batch === 0) return;
  const ra = a.shape.length;
  const K = transA ? a.shape[ra - 2] : a.shape[ra - 1];
  const aBatch = sizeOf(a.shape.slice(0, ra - 2));
  const bBatch = sizeOf(b.shape.slice(0, b.shape.length - 2));
  const code = k.shader(`${op}|${transA}|${transB}|${bias !== null}|${act}`, () =>
    matmulShader(transA, transB, bias !== null, act, FLOAT_HELPERS),
  );
  const tensors = bias ? [a, b, bias, out] : [a, b, out];
  // A grid dimension holds at most 65535 workgroups: more batches take several dispatches.
  for (let first = 0; first < batch; first += MAX_GRID) {
    const p = new Params().u(M, K, N, aBatch === 1 ? 0 : M * K, bBatch === 1 ? 0 : K * N, first);
    k.run(op, code, tensors, p, [
      Math.ceil(N / TILE),
      Math.ceil(M / TILE),
      Math.min(MAX_GRID, batch - first),
    ]);
  }
}

/** `WebGpuBackend.sgdUpdate`. @internal */
export function sgdUpdate(
  k: KernelContext,
  param: T,
  grad: T,
  momentumBuf: T | null,
  o: SGDUpdateParams,
): void {
  const n = sizeOf(param.shape);
  if (n === 0) return;
  const code = k.shader(`sgd|${momentumBuf !== null}`, () => sgdShader(momentumBuf !== null));
  const p = new Params()
    .u(n)
    .f(o.lr, o.momentum, 1 - o.dampening)
    .u(o.nesterov ? 1 : 0)
    .f(o.weightDecay)
    .u(o.first ? 1 : 0);
  k.run('sgdUpdate', code, momentumBuf ? [param, grad, momentumBuf] : [param, grad], p, elementGrid(n));
}

/** `WebGpuBackend.adamUpdate`. @internal */
export function adamUpdate(
  k: KernelContext,
  param: T,
  grad: T,
  expAvg: T,
  expAvgSq: T,
  maxExpAvgSq: T | null,
  o: AdamUpdateParams,
): void {
  const n = sizeOf(param.shape);
  if (n === 0) return;
  const ams = maxExpAvgSq !== null;
  const code = k.shader(`adam|${ams}`, () => adamShader(ams));
  const { bc1, sqrtBc2 } = adamBiasCorrections(o);
  const p = new Params()
    .u(n)
    .f(o.lr, o.beta1, o.beta2, o.eps, o.weightDecay)
    .u(o.decoupled ? 1 : 0)
    .f(o.lr / bc1, sqrtBc2, 1 - o.beta1, 1 - o.beta2, 1 - o.lr * o.weightDecay);
  const tensors = maxExpAvgSq
    ? [param, grad, expAvg, expAvgSq, maxExpAvgSq]
    : [param, grad, expAvg, expAvgSq];
  k.run('adamUpdate', code, tensors, p, elementGrid(n));
}

function convParams(
  count: number,
  xShape: readonly number[],
  wShape: readonly number[],
  yShape: readonly number[],
  c: Conv2dParams,
): Params {
  const [N, C, H, W] = xShape;
  const [O, , kH, kW] = wShape;
  return new Params().u(
    count,
    N,
    C,
    H,
    W,
    O,
    yShape[2],
    yShape[3],
    kH,
    kW,
    c.strideH,
    c.strideW,
    c.padH,
    c.padW,
    c.dilationH,
    c.dilationW,
    c.groups,
  );
}

/** `WebGpuBackend.conv2d`. @internal */
export function conv2d(k: KernelContext, x: T, w: T, bias: T | null, params: Conv2dParams, out: T): void {
  const n = sizeOf(out.shape);
  if (n === 0) return;
  const code = k.shader(`conv2d|${bias !== null}`, () => conv2dShader(bias !== null));
  const p = convParams(n, x.shape, w.shape, out.shape, params);
  k.run('conv2d', code, bias ? [x, w, bias, out] : [x, w, out], p, elementGrid(n));
}

/** `WebGpuBackend.conv2dBackwardInput`. @internal */
export function conv2dBackwardInput(k: KernelContext, dy: T, w: T, params: Conv2dParams, dx: T): void {
  const n = sizeOf(dx.shape);
  if (n === 0) return;
  const p = convParams(n, dx.shape, w.shape, dy.shape, params);
  k.run('conv2dBackwardInput', CONV2D_BACKWARD_INPUT_SHADER, [dy, w, dx], p, elementGrid(n));
}

/** `WebGpuBackend.conv2dBackwardFilter`. @internal */
export function conv2dBackwardFilter(k: KernelContext, x: T, dy: T, params: Conv2dParams, dw: T): void {
  const n = sizeOf(dw.shape);
  if (n === 0) return;
  const p = convParams(n, x.shape, dw.shape, dy.shape, params);
  k.run('conv2dBackwardFilter', CONV2D_BACKWARD_FILTER_SHADER, [x, dy, dw], p, grid(n));
}

function poolParams(
  count: number,
  xShape: readonly number[],
  yShape: readonly number[],
  q: Pool2dParams,
): Params {
  return new Params().u(
    count,
    xShape[2],
    xShape[3],
    yShape[2],
    yShape[3],
    q.kernelH,
    q.kernelW,
    q.strideH,
    q.strideW,
    q.padH,
    q.padW,
    q.countIncludePad ? 1 : 0,
  );
}

/** `WebGpuBackend.maxPool2d` (the caller records `params` as the indices' window geometry). @internal */
export function maxPool2d(k: KernelContext, x: T, params: Pool2dParams, out: T, indices: T): void {
  const n = sizeOf(out.shape);
  if (n === 0) return;
  const p = poolParams(n, x.shape, out.shape, params);
  k.run('maxPool2d', MAX_POOL_SHADER, [x, out, indices], p, elementGrid(n));
}

/**
 * `WebGpuBackend.maxPool2dBackward`; `origin` is the window geometry maxPool2d recorded for
 * `indices` (then only the windows containing each element are visited), or undefined.
 * @internal
 */
export function maxPool2dBackward(
  k: KernelContext,
  dy: T,
  indices: T,
  dx: T,
  origin: Pool2dParams | undefined,
): void {
  const n = sizeOf(dx.shape);
  if (n === 0) return;
  if (origin) {
    const p = poolParams(n, dx.shape, dy.shape, origin);
    k.run('maxPool2dBackward', MAX_POOL_BACKWARD_WINDOW_SHADER, [dy, indices, dx], p, elementGrid(n));
    return;
  }
  // Indices from elsewhere: scan each plane's outputs (the kernel receives no window geometry).
  const p = new Params().u(n, dx.shape[2] * dx.shape[3], dy.shape[2] * dy.shape[3]);
  k.run('maxPool2dBackward', MAX_POOL_BACKWARD_SHADER, [dy, indices, dx], p, elementGrid(n));
}

/** `WebGpuBackend.avgPool2d`. @internal */
export function avgPool2d(k: KernelContext, x: T, params: Pool2dParams, out: T): void {
  const n = sizeOf(out.shape);
  if (n === 0) return;
  const p = poolParams(n, x.shape, out.shape, params);
  k.run('avgPool2d', AVG_POOL_SHADER, [x, out], p, elementGrid(n));
}

/** `WebGpuBackend.avgPool2dBackward`. @internal */
export function avgPool2dBackward(k: KernelContext, dy: T, params: Pool2dParams, dx: T): void {
  const n = sizeOf(dx.shape);
  if (n === 0) return;
  const p = poolParams(n, dx.shape, dy.shape, params);
  k.run('avgPool2dBackward', AVG_POOL_BACKWARD_SHADER, [dy, dx], p, elementGrid(n));
}
