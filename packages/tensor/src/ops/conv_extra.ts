/**
 * 1-D and 3-D convolution on top of `conv2d` (whose kernel or reference decomposition does the
 * work): conv1d is a conv2d with a height of 1; conv3d sums one conv2d per kernel depth over
 * depth-strided slices of the input, with the output depth folded into the batch. Gradients are
 * conv2d's, through the views.
 */
import { checkOptions, DTypeError, describeValue, ShapeError, ValueError, withOp } from '../errors.js';
import { tidy } from '../scope.js';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add } from './binary.js';
import { conv2d } from './conv.js';
import { checkTensor } from './kernel.js';
import { pad } from './shape_extra.js';
import { permute, reshape, select, slice, squeeze, unsqueeze } from './views.js';
import { outSize } from './window.js';

/** Options of `conv1d`. */
export interface Conv1dOptions {
  /** Step of the kernel along L; default 1. */
  stride?: number;
  /** Zero padding on each side, or 'valid' (none) or 'same' (output length = input length; stride 1). */
  padding?: number | 'same' | 'valid';
  /** Spacing between kernel taps; default 1. */
  dilation?: number;
  /** Channel groups (C and O divisible by it; w is [O, C/groups, k]); default 1. */
  groups?: number;
}

function single(op: string, name: string, v: unknown, min: number): number {
  const n = Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
    throw new ValueError(`${op}: ${name} must be an integer >= ${min}, got ${JSON.stringify(v)}.`);
  }
  return n;
}

/**
 * 1-D convolution (cross-correlation, as PyTorch): x [N, C, L] (or [C, L]), weight
 * [out, C/groups, k], bias [out] → [N, out, Lo].
 *
 * ```ts
 * conv1d(randn([2, 3, 10]), randn([4, 3, 3]), null, { padding: 1 })   // [2, 4, 10]
 * ```
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  return withOp('conv1d', () => {
    checkTensor('conv1d', x);
    checkTensor('conv1d', weight, 'weight');
    checkOptions('conv1d', options, ['stride', 'padding', 'dilation', 'groups']);
    if (x.ndim === 2) return tidy(() => squeeze(conv1d(unsqueeze(x, 0), weight, bias, options), 0));
    if (x.ndim !== 3)
      throw new ShapeError(`conv1d: input must be [N, C, L] (or [C, L]), got ${fmtShape(x.shape)}.`);
    if (weight.ndim !== 3) {
      throw new ShapeError(`conv1d: weight must be [out, in/groups, k], got ${fmtShape(weight.shape)}.`);
    }
    const stride = single('conv1d', 'stride', options.stride ?? 1, 1);
    const dilation = single('conv1d', 'dilation', options.dilation ?? 1, 1);
    const p = options.padding ?? 0;
    const padding =
      p === 'same' || p === 'valid' ? p : ([0, single('conv1d', 'padding', p, 0)] as [number, number]);
    return tidy(() =>
      squeeze(
        conv2d(unsqueeze(x, 2), unsqueeze(weight, 2), bias, {
          stride: [1, stride],
          padding,
          dilation: [1, dilation],
          groups: options.groups ?? 1,
        }),
        2,
      ),
    );
  });
}

/** One number for all three spatial dims, or one per dim `[D, H, W]`. */
export type Triple = number | readonly [number, number, number];

/** Options of `conv3d`. */
export interface Conv3dOptions {
  /** Step of the kernel along D, H, W; default 1. */
  stride?: Triple;
  /** Zero padding on each side of D, H, W; default 0. */
  padding?: Triple;
  /** Spacing between kernel taps along D, H, W; default 1. */
  dilation?: Triple;
  /** Channel groups (C and O divisible by it; w is [O, C/groups, kD, kH, kW]); default 1. */
  groups?: number;
}

function triple(op: string, name: string, v: Triple, min: number): [number, number, number] {
  const t = typeof v === 'number' ? [v, v, v] : Array.isArray(v) ? [...v] : [Number.NaN];
  if (t.length !== 3 || t.some((n) => !Number.isInteger(n) || n < min)) {
    throw new ValueError(
      `${op}: ${name} must be an integer >= ${min} or three of them, got ${Array.isArray(v) ? JSON.stringify(v) : describeValue(v)}.`,
    );
  }
  return [t[0], t[1], t[2]];
}

/**
 * 3-D convolution: x [N, C, D, H, W] (or [C, D, H, W]), weight [out, C/groups, kD, kH, kW],
 * bias [out] → [N, out, Do, Ho, Wo].
 *
 * ```ts
 * conv3d(randn([1, 2, 4, 5, 5]), randn([3, 2, 3, 3, 3]), null, { padding: 1 })   // [1, 3, 4, 5, 5]
 * ```
 */
export function conv3d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv3dOptions = {}): Tensor {
  return withOp('conv3d', () => {
    checkTensor('conv3d', x);
    checkTensor('conv3d', weight, 'weight');
    checkOptions('conv3d', options, ['stride', 'padding', 'dilation', 'groups']);
    if (x.dtype !== 'float32' || weight.dtype !== 'float32') {
      throw new DTypeError(`conv3d: expects float32 tensors, got ${x.dtype} and ${weight.dtype}.`);
    }
    if (x.ndim === 4) return tidy(() => squeeze(conv3d(unsqueeze(x, 0), weight, bias, options), 0));
    if (x.ndim !== 5) {
      throw new ShapeError(
        `conv3d: input must be [N, C, D, H, W] (or [C, D, H, W]), got ${fmtShape(x.shape)}.`,
      );
    }
    if (weight.ndim !== 5) {
      throw new ShapeError(
        `conv3d: weight must be [out, in/groups, kD, kH, kW], got ${fmtShape(weight.shape)}.`,
      );
    }
    const [sD, sH, sW] = triple('conv3d', 'stride', options.stride ?? 1, 1);
    const [pD, pH, pW] = triple('conv3d', 'padding', options.padding ?? 0, 0);
    const [dD, dH, dW] = triple('conv3d', 'dilation', options.dilation ?? 1, 1);
    const [N, , D] = x.shape;
    const [O, , kD] = weight.shape;
    const Do = outSize(D, kD, sD, pD, dD);
    if (Do < 1) {
      throw new ShapeError(
        `conv3d: the depth-${kD} kernel (dilation ${dD}) is larger than the padded input depth ${D + 2 * pD} (input ${fmtShape(x.shape)}).`,
      );
    }
    return tidy(() => {
      const xp = pD > 0 ? pad(x, [0, 0, 0, 0, pD, pD]) : x;
      let acc: Tensor | null = null;
      for (let kd = 0; kd < kD; kd++) {
        // Input depths kd·dD, kd·dD + sD, ... feed output depths 0, 1, ...: fold them into the batch.
        const xs = slice(xp, 2, kd * dD, kd * dD + (Do - 1) * sD + 1, sD);
        const planes = reshape(permute(xs, [0, 2, 1, 3, 4]), [N * Do, x.shape[1], x.shape[3], x.shape[4]]);
        const y = conv2d(planes, select(weight, 2, kd), null, {
          stride: [sH, sW],
          padding: [pH, pW],
          dilation: [dH, dW],
          groups: options.groups ?? 1,
        });
        acc = acc ? add(acc, y) : y;
      }
      const [, , Ho, Wo] = acc!.shape;
      let out = permute(reshape(acc!, [N, Do, O, Ho, Wo]), [0, 2, 1, 3, 4]);
      if (bias) {
        if (bias.ndim !== 1 || bias.shape[0] !== O) {
          throw new ShapeError(`conv3d: bias must have shape [${O}], got ${fmtShape(bias.shape)}.`);
        }
        out = add(out, reshape(bias, [1, O, 1, 1, 1]));
      }
      return out.contiguous();
    });
  });
}
