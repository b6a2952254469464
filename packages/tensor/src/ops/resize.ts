/**
 * `interpolate` (nearest and (bi/tri)linear resizing with PyTorch's index rules) and the im2col
 * pair `unfold`/`fold` (sliding patches to columns and back). Resizing is separable: one optional
 * kernel `resizeAxis` per spatial dim, its gradient `resizeAxisBackward` per dim in reverse (the
 * references: reference/resize_axis*.ts); `fold` is the adjoint of `unfold` and each is the
 * other's gradient.
 */
import { compute, record } from '../autograd.js';
import type { ResizeAxisParams } from '../backend.js';
import { checkOptions, DTypeError, describeValue, ShapeError, ValueError } from '../errors.js';
import { optionalKernel } from '../reference/index.js';
import { tidy } from '../scope.js';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { scatterAddInto } from './indexing.js';
import { checkTensor, runKernel } from './kernel.js';
import { narrow, reshape } from './views.js';
import { outSize, pair, tableTensor, unfold as unfoldTable, type Window, windowTable } from './window.js';

/**
 * `interpolate`'s modes: 'nearest' (any 1–3 spatial dims), 'linear' (1), 'bilinear' (2),
 * 'trilinear' (3).
 *
 *   interpolate(img, { size: [64, 64], mode: 'bilinear' })
 */
export type InterpolateMode = 'nearest' | 'linear' | 'bilinear' | 'trilinear';

/** Options of `interpolate`: exactly one of size and scaleFactor. */
export interface InterpolateOptions {
  /** Output spatial size (one number for every spatial dim, or one per dim). */
  size?: number | readonly number[];
  /** Multiplier of each spatial size (output = ⌊in·scale⌋); the index rule then uses 1/scale. */
  scaleFactor?: number | readonly number[];
  /** 'nearest' (default), or 'linear' / 'bilinear' / 'trilinear' for 1 / 2 / 3 spatial dims. */
  mode?: InterpolateMode;
  /** Linear modes: map corner pixel centres onto each other (default false). */
  alignCorners?: boolean;
}

const MODE_RANK: Record<InterpolateMode, number | null> = {
  nearest: null,
  linear: 1,
  bilinear: 2,
  trilinear: 3,
};

/**
 * Resizes the spatial dims of x [N, C, ...spatial] (1 to 3 spatial dims).
 *   nearest: out[i] = x[min(⌊i·scale⌋, in - 1)], i·scale in float32 (as PyTorch)
 *   linear:  out[i] = (1 - λ)·x[i0] + λ·x[i0 + 1] at source position (i + ½)·scale - ½ (clamped at
 *            0), or i·(in - 1)/(out - 1) with alignCorners
 * with scale = in/out, or 1/scaleFactor when scaleFactor is given (PyTorch's rule).
 *
 * ```ts
 * const img = randn([1, 3, 4, 4]); // [N, C, H, W]
 * interpolate(img, { scaleFactor: 2, mode: 'bilinear' })   // [N, C, 2H, 2W]
 * ```
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  checkTensor('interpolate', x);
  checkOptions('interpolate', options, ['size', 'scaleFactor', 'mode', 'alignCorners']);
  if (x.dtype !== 'float32')
    throw new DTypeError(`interpolate: expects a float32 input, got ${x.dtype}; use x.to('float32').`);
  const mode = options.mode ?? 'nearest';
  if (!(mode in MODE_RANK)) {
    throw new ValueError(
      `interpolate: mode must be 'nearest', 'linear', 'bilinear' or 'trilinear', got '${String(mode)}'.`,
    );
  }
  const spatial = x.ndim - 2;
  if (spatial < 1 || spatial > 3) {
    throw new ShapeError(
      `interpolate: input must be [N, C, ...] with 1 to 3 spatial dims, got ${fmtShape(x.shape)}.`,
    );
  }
  const rank = MODE_RANK[mode];
  if (rank !== null && rank !== spatial) {
    throw new ShapeError(
      `interpolate: mode '${mode}' needs ${rank} spatial dim(s), the input ${fmtShape(x.shape)} has ${spatial}.`,
    );
  }
  if (mode === 'nearest' && options.alignCorners !== undefined) {
    throw new ValueError("interpolate: alignCorners only applies to the linear modes, not 'nearest'.");
  }
  if ((options.size === undefined) === (options.scaleFactor === undefined)) {
    throw new ValueError('interpolate: give exactly one of size and scaleFactor.');
  }
  const perDim = (v: number | readonly number[], name: string): number[] => {
    const a =
      typeof v === 'number'
        ? new Array<number>(spatial).fill(v)
        : Array.isArray(v) && v.every((e) => typeof e === 'number')
          ? [...v]
          : null;
    if (a === null) {
      throw new ValueError(
        `interpolate: ${name} must be a number or an array of ${spatial} number(s), got ${Array.isArray(v) ? JSON.stringify(v) : describeValue(v)}.`,
      );
    }
    if (a.length !== spatial)
      throw new ValueError(`interpolate: ${name} needs ${spatial} value(s), got ${JSON.stringify(v)}.`);
    return a;
  };
  const inSizes = x.shape.slice(2);
  let outSizes: number[];
  let scales: number[] | null = null;
  if (options.size !== undefined) {
    outSizes = perDim(options.size, 'size');
    if (outSizes.some((s) => !Number.isInteger(s) || s < 1)) {
      throw new ValueError(
        `interpolate: size must be positive integers, got ${JSON.stringify(options.size)}.`,
      );
    }
  } else {
    const f = perDim(options.scaleFactor!, 'scaleFactor');
    if (f.some((s) => !(s > 0) || !Number.isFinite(s)))
      throw new ValueError(
        `interpolate: scaleFactor must be finite and > 0, got ${describeValue(options.scaleFactor)}; pass e.g. { scaleFactor: 2 } or give size instead.`,
      );
    outSizes = inSizes.map((n, i) => Math.floor(n * f[i]));
    if (outSizes.some((s) => s < 1))
      throw new ValueError(
        `interpolate: scaleFactor ${JSON.stringify(options.scaleFactor)} gives an empty output; use a larger scaleFactor or give size.`,
      );
    scales = f.map((s) => 1 / s);
  }
  const align = options.alignCorners ?? false;
  // One resizeAxis per spatial dim that changes (an unchanged size with scale 1 is the identity).
  const steps: { params: ResizeAxisParams; inShape: number[]; outShape: number[] }[] = [];
  let shape = [...x.shape];
  for (let k = 0; k < spatial; k++) {
    const n = inSizes[k];
    const o = outSizes[k];
    const scale = scales ? scales[k] : n / o;
    if (n === o && (align || scale === 1)) continue;
    const outShape = [...shape];
    outShape[2 + k] = o;
    const params: ResizeAxisParams = {
      axis: 2 + k,
      mode: mode === 'nearest' ? 'nearest' : 'linear',
      alignCorners: align,
      scale,
    };
    steps.push({ params, inShape: shape, outShape });
    shape = outShape;
  }
  if (steps.length === 0) return tidy(() => reshape(x, x.shape));
  const y = compute(() => {
    let out = x;
    for (const { params, outShape } of steps) {
      out = runKernel('interpolate', [out], outShape, 'float32', ([xi], o, b) =>
        optionalKernel(b, 'resizeAxis')(xi, params, o),
      );
    }
    return out;
  });
  return record('interpolate', [x], y, [], (g) => [
    compute(() => {
      let dx = g;
      for (let k = steps.length - 1; k >= 0; k--) {
        const { params, inShape } = steps[k];
        dx = runKernel('interpolate backward', [dx], inShape, 'float32', ([dy], o, b) =>
          optionalKernel(b, 'resizeAxisBackward')(dy, params, o),
        );
      }
      return dx;
    }),
  ]);
}

/** Options of `unfold` and `fold` (ints or pairs). */
export interface PatchOptions {
  /** Spacing between the elements of a patch, one number or [dH, dW]; default 1. */
  dilation?: number | readonly [number, number];
  /** Zero padding on each side of the image, one number or [pH, pW]; default 0. */
  padding?: number | readonly [number, number];
  /** Step between patches, one number or [sH, sW]; default 1. */
  stride?: number | readonly [number, number];
}

function patchWindow(op: string, kernelSize: number | readonly number[], o: PatchOptions): Window {
  checkOptions(op, o, ['dilation', 'padding', 'stride']);
  const [kH, kW] = pair(op, 'kernelSize', kernelSize, 1);
  const [dH, dW] = pair(op, 'dilation', o.dilation ?? 1, 1);
  const [pH, pW] = pair(op, 'padding', o.padding ?? 0, 0);
  const [sH, sW] = pair(op, 'stride', o.stride ?? 1, 1);
  return { kH, kW, sH, sW, pH, pW, dH, dW };
}

function blocks(op: string, H: number, W: number, w: Window): [number, number] {
  const Ho = outSize(H, w.kH, w.sH, w.pH, w.dH);
  const Wo = outSize(W, w.kW, w.sW, w.pW, w.dW);
  if (Ho < 1 || Wo < 1) {
    throw new ShapeError(
      `${op}: the ${w.kH}x${w.kW} kernel does not fit the padded ${H + 2 * w.pH}x${W + 2 * w.pW} plane; use a smaller kernelSize or more padding.`,
    );
  }
  return [Ho, Wo];
}

/**
 * im2col: the sliding kH×kW patches of x [N, C, H, W] (or [C, H, W]) as columns
 * [N, C·kH·kW, L], L the number of patch positions (PyTorch's F.unfold).
 *   ∂/∂x = fold(g): each column entry's gradient added back to the pixel it copied
 *
 * ```ts
 * const x = arange(9).to('float32').reshape([1, 1, 3, 3]);
 * unfold(x, 2)   // [1, 1, 3, 3] → [1, 4, 4]: [[[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]]]
 * ```
 */
export function unfold(
  x: Tensor,
  kernelSize: number | readonly [number, number],
  options: PatchOptions = {},
): Tensor {
  checkTensor('unfold', x);
  const w = patchWindow('unfold', kernelSize, options);
  if (x.ndim === 3)
    return tidy(() => reshape(unfold(reshape(x, [1, ...x.shape]), kernelSize, options), unfoldShape3(x, w)));
  if (x.ndim !== 4)
    throw new ShapeError(`unfold: input must be [N, C, H, W] (or [C, H, W]), got ${fmtShape(x.shape)}.`);
  const [N, C, H, W] = x.shape;
  const [Ho, Wo] = blocks('unfold', H, W, w);
  const K = w.kH * w.kW;
  return tidy(() =>
    reshape(unfoldTable(x, tableTensor(windowTable(H, W, Ho, Wo, w), N, C), 0), [N, C * K, Ho * Wo]),
  );
}

function unfoldShape3(x: Tensor, w: Window): number[] {
  const [C, H, W] = x.shape;
  const [Ho, Wo] = blocks('unfold', H, W, w);
  return [C * w.kH * w.kW, Ho * Wo];
}

/**
 * col2im, the adjoint of `unfold`: columns [N, C·kH·kW, L] (or [C·kH·kW, L]) summed back into
 * [N, C, H, W] with [H, W] = outputSize (overlapping entries add up; PyTorch's F.fold).
 *   ∂/∂cols = unfold(g)
 *
 * ```ts
 * fold(ones([1, 4, 4]), 3, 2)   // cols [1, 4, 4] → [1, 1, 3, 3]: [[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]] (overlaps add up)
 * ```
 */
export function fold(
  cols: Tensor,
  outputSize: number | readonly [number, number],
  kernelSize: number | readonly [number, number],
  options: PatchOptions = {},
): Tensor {
  checkTensor('fold', cols, 'cols');
  const w = patchWindow('fold', kernelSize, options);
  const [H, W] = pair('fold', 'outputSize', outputSize, 1);
  if (cols.ndim === 2)
    return tidy(() =>
      reshape(fold(reshape(cols, [1, ...cols.shape]), outputSize, kernelSize, options), [-1, H, W]),
    );
  const K = w.kH * w.kW;
  if (cols.ndim !== 3 || cols.shape[1] % K !== 0) {
    throw new ShapeError(
      `fold: input must be [N, C·${w.kH}·${w.kW}, L] (or without N), got ${fmtShape(cols.shape)}; dim 1 must be divisible by ${K}.`,
    );
  }
  const [N, CK, L] = cols.shape;
  const C = CK / K;
  const [Ho, Wo] = blocks('fold', H, W, w);
  if (Ho * Wo !== L) {
    throw new ShapeError(
      `fold: ${L} columns given but a ${H}x${W} output with this kernel, stride and padding has ${Ho * Wo} patch positions; pass the outputSize, kernelSize, stride and padding that unfold used.`,
    );
  }
  const y = compute(() => {
    const table = tableTensor(windowTable(H, W, Ho, Wo, w), N, C);
    const flat = scatterAddInto([N, C, H * W + 1], 2, table, reshape(cols, [N, C, K * L]));
    return reshape(narrow(flat, 2, 0, H * W), [N, C, H, W]);
  });
  return record('fold', [cols], y, [], (g) => [unfold(g, kernelSize, options)]);
}
