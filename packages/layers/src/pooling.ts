/**
 * Pooling and reshaping layers for images (NCHW).
 *   MaxPool2d / AvgPool2d: [N, C, H, W] → [N, C, Ho, Wo], Ho = ⌊(H + 2·padding - kernel) / stride⌋ + 1
 *   AdaptiveAvgPool2d(1): [N, C, H, W] → [N, C, 1, 1] (the mean of each plane)
 *   Flatten(startDim = 1, endDim = -1): merges those dims, e.g. [N, C, H, W] → [N, C·H·W]
 */
import {
  type AvgPool2dOptions,
  avgPool2d,
  type MaxPool2dOptions,
  maxPool2d,
  type Tensor,
  ValueError,
} from '@nnet/tensor';
import { Module } from './module.js';

export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: number | readonly [number, number],
    readonly options: MaxPool2dOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}${this.options.stride !== undefined ? `, stride=${JSON.stringify(this.options.stride)}` : ''}${this.options.padding ? `, padding=${JSON.stringify(this.options.padding)}` : ''}`;
  }
}

export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: number | readonly [number, number],
    readonly options: AvgPool2dOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}${this.options.countIncludePad === false ? ', countIncludePad=false' : ''}`;
  }
}

/** Global average pooling to a 1x1 output (the only output size this version supports). */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | readonly [number, number] = 1) {
    super();
    const [h, w] = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
    if (h !== 1 || w !== 1) {
      throw new ValueError(
        `AdaptiveAvgPool2d: only outputSize 1 is supported in this version, got ${JSON.stringify(outputSize)}.`,
      );
    }
  }
  forward(x: Tensor): Tensor {
    return x.mean([-2, -1], true);
  }
  override extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}

export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}
