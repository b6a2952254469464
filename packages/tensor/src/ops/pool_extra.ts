/**
 * Pooling beyond the backend's 2-D kernels: `ceilMode`, `dilation` and `divisorOverride` (the
 * reference window table, composed so gradients flow through gather), 1-D pooling (2-D with a
 * height of 1), and functional adaptive average and max pooling.
 */
import { checkOptions, describeValue, ShapeError, ValueError, withOp } from '../errors.js';
import { tidy } from '../scope.js';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div } from './binary.js';
import { fromTypedArray } from './creation.js';
import { gather } from './indexing.js';
import { stack } from './join.js';
import { checkTensor } from './kernel.js';
import { type AvgPool2dOptions, avgPool2d, type MaxPool2dOptions, maxPool2d } from './pool.js';
import { argmax, mean, sum } from './reduce.js';
import { narrow, reshape, squeeze, unsqueeze } from './views.js';
import { pair, tableTensor, unfold, type Window, windowTable } from './window.js';

/** The full geometry of a pooling call, PyTorch's rules. */
export interface PoolGeometry {
  k: [number, number];
  s: [number, number];
  p: [number, number];
  d: [number, number];
  ceilMode: boolean;
  out: [number, number];
}

/** Output length of PyTorch's pooling along one dim, with its ceil-mode rule. */
function poolOut(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = n + 2 * p - d * (k - 1) - 1;
  let o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // The last window must start inside the input or the left padding.
  if (ceil && (o - 1) * s >= n + p) o--;
  return o;
}

export function poolGeometry(
  op: string,
  x: Tensor,
  kernelSize: number | readonly number[],
  o: {
    stride?: number | readonly number[];
    padding?: number | readonly number[];
    dilation?: number | readonly number[];
    ceilMode?: boolean;
  },
): PoolGeometry {
  const k = pair(op, 'kernelSize', kernelSize, 1);
  const s = pair(op, 'stride', o.stride ?? k, 1);
  const p = pair(op, 'padding', o.padding ?? 0, 0);
  const d = pair(op, 'dilation', o.dilation ?? 1, 1);
  if (p[0] > k[0] / 2 || p[1] > k[1] / 2) {
    throw new ValueError(`${op}: padding ${p[0]}x${p[1]} must be at most half the kernel ${k[0]}x${k[1]}.`);
  }
  const H = x.shape[2];
  const W = x.shape[3];
  const ceil = o.ceilMode ?? false;
  const out: [number, number] = [
    poolOut(H, k[0], s[0], p[0], d[0], ceil),
    poolOut(W, k[1], s[1], p[1], d[1], ceil),
  ];
  if (out[0] < 1 || out[1] < 1) {
    throw new ShapeError(
      `${op}: the ${k[0]}x${k[1]} window (dilation ${d[0]}x${d[1]}) does not fit the padded input ${H + 2 * p[0]}x${W + 2 * p[1]} (input ${fmtShape(x.shape)}).`,
    );
  }
  return { k, s, p, d, ceilMode: ceil, out };
}

function window(g: PoolGeometry): Window {
  return { kH: g.k[0], kW: g.k[1], sH: g.s[0], sW: g.s[1], pH: g.p[0], pW: g.p[1], dH: g.d[0], dW: g.d[1] };
}

/** Reference max pooling with any geometry: the first maximum of each window gets the gradient. */
export function maxPool2dGeneral(x: Tensor, g: PoolGeometry): Tensor {
  const [N, C, H, W] = x.shape;
  const [Ho, Wo] = g.out;
  const K = g.k[0] * g.k[1];
  return tidy(() => {
    const table = windowTable(H, W, Ho, Wo, window(g));
    const cols = reshape(unfold(x, tableTensor(table, N, C), Number.NEGATIVE_INFINITY), [N, C, K, Ho * Wo]);
    // Gathering at the argmax (the first maximum, like PyTorch) routes the gradient to one element.
    const values = gather(cols, 2, argmax(cols, 2, true));
    return reshape(values, [N, C, Ho, Wo]);
  });
}

/**
 * Reference average pooling with any geometry. Divisor: `divisorOverride` if given; else the
 * window clipped to the padded input (countIncludePad) or to the input itself (PyTorch's rule).
 */
export function avgPool2dGeneral(
  x: Tensor,
  g: PoolGeometry,
  countIncludePad: boolean,
  divisorOverride?: number,
): Tensor {
  const [N, C, H, W] = x.shape;
  const [Ho, Wo] = g.out;
  const K = g.k[0] * g.k[1];
  const L = Ho * Wo;
  const divisors = new Float32Array(L);
  for (let oh = 0; oh < Ho; oh++) {
    for (let ow = 0; ow < Wo; ow++) {
      const h0 = oh * g.s[0] - g.p[0];
      const w0 = ow * g.s[1] - g.p[1];
      const h1 = Math.min(h0 + g.k[0], H + g.p[0]);
      const w1 = Math.min(w0 + g.k[1], W + g.p[1]);
      const padded = (h1 - h0) * (w1 - w0);
      const inside = (Math.min(h1, H) - Math.max(h0, 0)) * (Math.min(w1, W) - Math.max(w0, 0));
      divisors[oh * Wo + ow] = divisorOverride ?? (countIncludePad ? padded : inside);
    }
  }
  return tidy(() => {
    const table = windowTable(H, W, Ho, Wo, { ...window(g), dH: 1, dW: 1 });
    const cols = reshape(unfold(x, tableTensor(table, N, C), 0), [N, C, K, L]);
    return reshape(div(sum(cols, 2), fromTypedArray(divisors, [1, 1, L], 'float32')), [N, C, Ho, Wo]);
  });
}

/** Options of the 1-D pools (single numbers; `dilation` and `ceilMode` as the 2-D ones). */
export interface MaxPool1dOptions {
  /** Step between windows; default kernelSize. */
  stride?: number;
  /** Implicit -Infinity padding on each side (<= kernelSize / 2); default 0. */
  padding?: number;
  /** Spacing between window elements; default 1. */
  dilation?: number;
  /** Lo = ⌈…⌉ instead of ⌊…⌋ (a last partial window); default false. */
  ceilMode?: boolean;
}

/**
 * Options of `avgPool1d` (PyTorch's F.avg_pool1d): stride, padding, ceilMode, countIncludePad.
 *
 *   avgPool1d(x, 2, { stride: 1, padding: 1 })
 */
export interface AvgPool1dOptions {
  /** Step between windows; default kernelSize. */
  stride?: number;
  /** Implicit zero padding on each side (<= kernelSize / 2); default 0. */
  padding?: number;
  /** Lo = ⌈…⌉ instead of ⌊…⌋ (a last partial window); default false. */
  ceilMode?: boolean;
  /** Divide by the full window, padding included (true, default) or by its in-bounds part (false). */
  countIncludePad?: boolean;
}

function as1d(x: Tensor, op: string, fn: (x4: Tensor) => Tensor): Tensor {
  if (x.ndim === 2) return tidy(() => squeeze(as1d(unsqueeze(x, 0), op, fn), 0));
  if (x.ndim !== 3)
    throw new ShapeError(`${op}: input must be [N, C, L] (or [C, L]), got ${fmtShape(x.shape)}.`);
  return tidy(() => squeeze(fn(unsqueeze(x, 2)), 2));
}

/** A 1-D size option as the [1, v] pair of the 2-D pool, after checking it is an integer >= min. */
function lift(
  op: string,
  name: string,
  v: number | undefined,
  one: number,
  min: number,
): [number, number] | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < min) {
    throw new ValueError(`${op}: ${name} must be an integer >= ${min}, got ${describeValue(v)}.`);
  }
  return [one, v];
}

/**
 * 1-D max pooling: x [N, C, L] → [N, C, Lo]; padding counts as -∞.
 *   ∂/∂x: each output's gradient goes to its window's first maximum
 *
 * ```ts
 * maxPool1d(tensor([[[1, 3, 2, 5, 4, 0]]]), 2)   // [1, 1, 6] → [1, 1, 3]: [[[3, 5, 4]]]
 * ```
 */
export function maxPool1d(x: Tensor, kernelSize: number, options: MaxPool1dOptions = {}): Tensor {
  return withOp('maxPool1d', () => {
    checkTensor('maxPool1d', x);
    checkOptions('maxPool1d', options, ['stride', 'padding', 'dilation', 'ceilMode']);
    const kernel = lift('maxPool1d', 'kernelSize', kernelSize, 1, 1)!;
    const o: MaxPool2dOptions = {
      stride: lift('maxPool1d', 'stride', options.stride, 1, 1),
      padding: lift('maxPool1d', 'padding', options.padding, 0, 0),
      dilation: lift('maxPool1d', 'dilation', options.dilation, 1, 1),
      ceilMode: options.ceilMode,
    };
    return as1d(x, 'maxPool1d', (x4) => maxPool2d(x4, kernel, o));
  });
}

/**
 * 1-D average pooling: x [N, C, L] → [N, C, Lo].
 *   ∂/∂x: each output's gradient is shared by the positions its window averaged
 *
 * ```ts
 * avgPool1d(tensor([[[0, 1, 2, 3, 4, 5]]]), 2)   // [1, 1, 6] → [1, 1, 3]: [[[0.5, 2.5, 4.5]]]
 * ```
 */
export function avgPool1d(x: Tensor, kernelSize: number, options: AvgPool1dOptions = {}): Tensor {
  return withOp('avgPool1d', () => {
    checkTensor('avgPool1d', x);
    checkOptions('avgPool1d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
    const kernel = lift('avgPool1d', 'kernelSize', kernelSize, 1, 1)!;
    const o: AvgPool2dOptions = {
      stride: lift('avgPool1d', 'stride', options.stride, 1, 1),
      padding: lift('avgPool1d', 'padding', options.padding, 0, 0),
      ceilMode: options.ceilMode,
      countIncludePad: options.countIncludePad,
    };
    return as1d(x, 'avgPool1d', (x4) => avgPool2d(x4, kernel, o));
  });
}

/** PyTorch's adaptive window of output cell i: [⌊i·n/o⌋, ⌈(i + 1)·n/o⌉). */
function adaptiveWindow(i: number, n: number, o: number): [number, number] {
  const start = Math.floor((i * n) / o);
  return [start, Math.ceil(((i + 1) * n) / o) - start];
}

function adaptiveSize(op: string, outputSize: number | readonly number[]): [number, number] {
  return pair(op, 'outputSize', outputSize, 1);
}

function adaptive2d(
  op: string,
  x: Tensor,
  outputSize: number | readonly number[],
  cell: (w: Tensor) => Tensor,
): Tensor {
  checkTensor(op, x);
  if (x.ndim === 3) return tidy(() => squeeze(adaptive2d(op, unsqueeze(x, 0), outputSize, cell), 0));
  if (x.ndim !== 4)
    throw new ShapeError(`${op}: input must be [N, C, H, W] (or [C, H, W]), got ${fmtShape(x.shape)}.`);
  const [oH, oW] = adaptiveSize(op, outputSize);
  const [N, C, H, W] = x.shape;
  if (H === 0 || W === 0) throw new ShapeError(`${op}: input ${fmtShape(x.shape)} has an empty spatial dim.`);
  return tidy(() => {
    const rows: Tensor[] = [];
    for (let i = 0; i < oH; i++) {
      const [h0, hl] = adaptiveWindow(i, H, oH);
      const cells: Tensor[] = [];
      for (let j = 0; j < oW; j++) {
        const [w0, wl] = adaptiveWindow(j, W, oW);
        cells.push(cell(reshape(narrow(narrow(x, 2, h0, hl), 3, w0, wl), [N, C, hl * wl])));
      }
      rows.push(stack(cells, -1));
    }
    return stack(rows, -2);
  });
}

/**
 * Adaptive average pooling to `outputSize` [oH, oW] (or one number for both): x [N, C, H, W] →
 * [N, C, oH, oW], cell (i, j) averaging rows ⌊i·H/oH⌋..⌈(i + 1)·H/oH⌉ - 1 and the matching columns.
 *
 * Shapes: x [N, C, H, W] or [C, H, W] → [N, C, oH, oW] or [C, oH, oW].
 *
 * ```ts
 * const x = randn([2, 3, 8, 8]);
 * adaptiveAvgPool2d(tensor([[[[1, 2, 3, 4], [5, 6, 7, 8]]]]), [1, 2])   // [1, 1, 2, 4] → [[[[3.5, 5.5]]]]
 * adaptiveAvgPool2d(x, 1)   // global average pooling: [N, C, H, W] → [N, C, 1, 1]
 * ```
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number, number]): Tensor {
  return adaptive2d('adaptiveAvgPool2d', x, outputSize, (w) => mean(w, 2));
}

/**
 * Adaptive max pooling to `outputSize` (windows as adaptiveAvgPool2d).
 *   ∂/∂x: each output's gradient goes to its window's first maximum
 *
 * ```ts
 * const x = arange(16).to('float32').reshape([1, 1, 4, 4]);
 * adaptiveMaxPool2d(x, [2, 1])   // [1, 1, 4, 4] → [1, 1, 2, 1]: [[[[7], [15]]]]
 * adaptiveMaxPool2d(x, 1)   // → [1, 1, 1, 1]: global max 15
 * ```
 */
export function adaptiveMaxPool2d(x: Tensor, outputSize: number | readonly [number, number]): Tensor {
  return adaptive2d('adaptiveMaxPool2d', x, outputSize, (w) => squeeze(gather(w, 2, argmax(w, 2, true)), 2));
}

function adaptive1d(
  op: string,
  x: Tensor,
  outputSize: number,
  f: (x4: Tensor, s: [number, number]) => Tensor,
): Tensor {
  checkTensor(op, x);
  if (!Number.isInteger(outputSize) || outputSize < 1) {
    throw new ValueError(`${op}: outputSize must be a positive integer, got ${JSON.stringify(outputSize)}.`);
  }
  return as1d(x, op, (x4) => f(x4, [1, outputSize]));
}

/**
 * Adaptive average pooling of x [N, C, L] to [N, C, outputSize] (windows as adaptiveAvgPool2d;
 * they may overlap).
 *
 * Shapes: x [N, C, L] or [C, L] → [N, C, outputSize] or [C, outputSize].
 *
 * ```ts
 * adaptiveAvgPool1d(tensor([[[1, 2, 3, 4, 5, 6]]]), 3)   // [1, 1, 6] → [[[1.5, 3.5, 5.5]]]
 * adaptiveAvgPool1d(tensor([[[1, 2, 3, 4, 5]]]), 2)      // windows 0..2, 2..4 → [[[2, 4]]]
 * ```
 */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number): Tensor {
  return adaptive1d('adaptiveAvgPool1d', x, outputSize, adaptiveAvgPool2d);
}

/**
 * Adaptive max pooling of x [N, C, L] to [N, C, outputSize] (windows as adaptiveAvgPool2d).
 *
 * Shapes: x [N, C, L] or [C, L] → [N, C, outputSize] or [C, outputSize].
 *
 * ```ts
 * adaptiveMaxPool1d(tensor([[[1, 5, 2, 4, 6, 3]]]), 2)   // [1, 1, 6] → [[[5, 6]]]
 * ```
 */
export function adaptiveMaxPool1d(x: Tensor, outputSize: number): Tensor {
  return adaptive1d('adaptiveMaxPool1d', x, outputSize, adaptiveMaxPool2d);
}
