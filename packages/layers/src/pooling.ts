/**
 * Pooling and reshaping layers for images (NCHW).
 *   MaxPool2d / AvgPool2d: [N, C, H, W] → [N, C, Ho, Wo], Ho = ⌊(H + 2·padding - kernel) / stride⌋ + 1
 *   AdaptiveAvgPool2d([oH, oW]): [N, C, H, W] → [N, C, oH, oW] over PyTorch's adaptive windows
 *   Flatten(startDim = 1, endDim = -1): merges those dims, e.g. [N, C, H, W] → [N, C·H·W]
 */
import {
  type AvgPool2dOptions,
  avgPool2d,
  checkOptions,
  fmtShape,
  type MaxPool2dOptions,
  maxPool2d,
  ShapeError,
  stack,
  type Tensor,
  tidy,
  ValueError,
} from '@nnet/tensor';
import { checkNumberArg } from './args.js';
import { Module } from './module.js';

/**
 * 2-D max pooling, PyTorch's nn.MaxPool2d: [N, C, H, W] → [N, C, Ho, Wo] (see the file's
 * formula); options stride (default kernelSize), padding, dilation, ceilMode.
 *
 * ```ts
 * const pool = new MaxPool2d(2); // [N, C, 32, 32] → [N, C, 16, 16]
 * ```
 */
export class MaxPool2d extends Module {
  constructor(
    /** The pooling window (kH, kW), a number meaning a square window. */
    readonly kernelSize: number | readonly [number, number],
    /** maxPool2d's options as given (stride default kernelSize, padding, dilation, ceilMode). */
    readonly options: MaxPool2dOptions = {},
  ) {
    super();
    checkOptions('MaxPool2d', options, ['stride', 'padding', 'ceilMode', 'dilation']);
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}${this.options.stride !== undefined ? `, stride=${JSON.stringify(this.options.stride)}` : ''}${this.options.padding ? `, padding=${JSON.stringify(this.options.padding)}` : ''}`;
  }
}

/**
 * 2-D average pooling, PyTorch's nn.AvgPool2d: [N, C, H, W] → [N, C, Ho, Wo]; options stride,
 * padding, ceilMode, countIncludePad, divisorOverride.
 *
 * ```ts
 * const pool = new AvgPool2d(2, { stride: 2 });
 * ```
 */
export class AvgPool2d extends Module {
  constructor(
    /** The pooling window (kH, kW), a number meaning a square window. */
    readonly kernelSize: number | readonly [number, number],
    /** avgPool2d's options as given (stride default kernelSize, padding, ceilMode, countIncludePad, divisorOverride). */
    readonly options: AvgPool2dOptions = {},
  ) {
    super();
    checkOptions('AvgPool2d', options, [
      'stride',
      'padding',
      'ceilMode',
      'countIncludePad',
      'divisorOverride',
    ]);
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}${this.options.countIncludePad === false ? ', countIncludePad=false' : ''}`;
  }
}

/**
 * Average pooling to a fixed output size: [N, C, H, W] → [N, C, oH, oW]; output cell (i, j)
 * averages input rows ⌊i·H/oH⌋ .. ⌈(i + 1)·H/oH⌉ - 1 and the matching columns (PyTorch's windows).
 *
 * ```ts
 * const gap = new AdaptiveAvgPool2d(1); // [N, C, H, W] → [N, C, 1, 1]
 * ```
 */
export class AdaptiveAvgPool2d extends Module {
  /** The output size as a pair [oH, oW] (outputSize resolved). */
  readonly size: [number, number];

  /**
   * The requested output size (oH, oW), a number meaning a square; default 1.
   * @param outputSize The requested output size (oH, oW), a number meaning a square; default 1.
   */
  constructor(readonly outputSize: number | readonly [number, number] = 1) {
    super();
    const [h, w] =
      typeof outputSize === 'number'
        ? [outputSize, outputSize]
        : Array.isArray(outputSize) && outputSize.length === 2
          ? outputSize
          : [Number.NaN, Number.NaN];
    if (![h, w].every((v) => Number.isInteger(v) && v > 0)) {
      throw new ValueError(
        `AdaptiveAvgPool2d: outputSize must be positive integers, got ${JSON.stringify(outputSize)}.`,
      );
    }
    this.size = [h, w];
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 && x.ndim !== 4) {
      throw new ShapeError(
        `AdaptiveAvgPool2d: input must be [N, C, H, W] or [C, H, W], got ${fmtShape(x.shape)}.`,
      );
    }
    const [oH, oW] = this.size;
    const H = x.shape[x.ndim - 2];
    const W = x.shape[x.ndim - 1];
    if (oH === 1 && oW === 1) return x.mean([-2, -1], true);
    const window = (i: number, n: number, o: number): [number, number] => {
      const start = Math.floor((i * n) / o);
      return [start, Math.ceil(((i + 1) * n) / o) - start];
    };
    return tidy(() => {
      const rows: Tensor[] = [];
      for (let i = 0; i < oH; i++) {
        const [h0, hl] = window(i, H, oH);
        const cells: Tensor[] = [];
        for (let j = 0; j < oW; j++) {
          const [w0, wl] = window(j, W, oW);
          cells.push(x.narrow(-2, h0, hl).narrow(-1, w0, wl).mean([-2, -1]));
        }
        rows.push(stack(cells, -1));
      }
      return stack(rows, -2);
    });
  }

  override extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}

/**
 * Merges dims startDim..endDim (default 1..-1): [N, C, H, W] → [N, C·H·W].
 *
 * ```ts
 * const model = new Sequential(new Conv2d(1, 8, 3), new Flatten(), new Linear(8 * 26 * 26, 10));
 * ```
 */
export class Flatten extends Module {
  constructor(
    /** First dim merged (default 1; negative counts from the end). */
    readonly startDim = 1,
    /** Last dim merged, inclusive (default -1, the last). */
    readonly endDim = -1,
  ) {
    super();
    checkNumberArg('Flatten', 'startDim', startDim, true);
    checkNumberArg('Flatten', 'endDim', endDim, true);
  }
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}
