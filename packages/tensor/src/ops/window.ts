/**
 * Sliding-window geometry (`Window`, `pair`, `outSize`, `outputSize`, used by conv and pooling) and
 * the window index tables of `unfold`/`fold` and of the pooling path with ceilMode, dilation or
 * divisorOverride (pool_extra.ts): for each window element k = (i, j) and output position
 * l = (oh, ow), the flat input position h·W + w it reads, or the sentinel H·W for a position in the
 * padding. Gathering from the input plane with one extra sentinel element appended (0 for unfold,
 * -∞ for max pooling) is im2col; scatter-adding back through the same table is its adjoint (col2im).
 * The reference convolution and the plain pooling use strided views instead (reference/windows.ts);
 * these tables stay until the contract can write into a strided destination without an index
 * (rebuilt on views, ceil-mode pooling and cpu fold measured 1.2–1.85× slower, because padding and
 * placing blocks go through `cat`'s index-and-scatter).
 */
import { noGrad } from '../autograd.js';
import { ShapeError, ValueError } from '../errors.js';
import { fmtShape } from '../shape.js';
import { checkStorageSize } from '../storage.js';
import type { Tensor } from '../tensor.js';
import { fromTypedArray, full } from './creation.js';
import { gather } from './indexing.js';
import { cat } from './join.js';
import { materialize } from './kernel.js';
import { expand, reshape } from './views.js';

export interface Window {
  kH: number;
  kW: number;
  sH: number;
  sW: number;
  pH: number;
  pW: number;
  dH: number;
  dW: number;
}

/** Output size of a window sweep along one dim: ⌊(n + 2p - d(k - 1) - 1)/s⌋ + 1. */
export function outSize(n: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
}

/** Normalises an int-or-pair argument (stride, padding, kernel size, dilation). */
export function pair(op: string, name: string, v: number | readonly number[], min: number): [number, number] {
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) ? [...v] : [Number.NaN];
  if (p.length !== 2 || p.some((x) => !Number.isInteger(x) || x < min)) {
    throw new ValueError(
      `${op}: ${name} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(v)}.`,
    );
  }
  return [p[0], p[1]];
}

/** Checks the window fits and returns [Ho, Wo]. */
export function outputSize(op: string, x: Tensor, w: Window): [number, number] {
  const H = x.shape[2];
  const W = x.shape[3];
  const Ho = outSize(H, w.kH, w.sH, w.pH, w.dH);
  const Wo = outSize(W, w.kW, w.sW, w.pW, w.dW);
  if (Ho < 1 || Wo < 1) {
    throw new ShapeError(
      `${op}: the ${w.kH}x${w.kW} kernel (dilation ${w.dH}x${w.dW}) is larger than the padded input ` +
        `${H + 2 * w.pH}x${W + 2 * w.pW} (input ${fmtShape(x.shape)}, padding ${w.pH}x${w.pW}); ` +
        'use a smaller kernel, more padding or a larger input.',
    );
  }
  return [Ho, Wo];
}

/** The [K·L] table of input positions (sentinel H·W in the padding). */
export function windowTable(H: number, W: number, Ho: number, Wo: number, w: Window): Int32Array {
  const K = w.kH * w.kW;
  const L = Ho * Wo;
  checkStorageSize('unfold', [K, L], 'int32');
  const table = new Int32Array(K * L);
  for (let i = 0; i < w.kH; i++) {
    for (let j = 0; j < w.kW; j++) {
      const k = i * w.kW + j;
      for (let oh = 0; oh < Ho; oh++) {
        const h = oh * w.sH - w.pH + i * w.dH;
        for (let ow = 0; ow < Wo; ow++) {
          const c = ow * w.sW - w.pW + j * w.dW;
          const inside = h >= 0 && h < H && c >= 0 && c < W;
          table[k * L + oh * Wo + ow] = inside ? h * W + c : H * W;
        }
      }
    }
  }
  return table;
}

/** The table as an int32 tensor expanded and materialised to [N, C, K·L]. */
export function tableTensor(table: Int32Array, N: number, C: number): Tensor {
  return noGrad(() => {
    const t = fromTypedArray(table, [1, 1, table.length], 'int32');
    const e = expand(t, [N, C, table.length]);
    const m = materialize(e);
    e.dispose();
    t.dispose();
    return m;
  });
}

/**
 * im2col: x [N, C, H, W] → [N, C, K·L], with `padValue` in the padding. Differentiable.
 * Shapes: x [N, C, H, W], index [N, C, K·L] (from tableTensor) → [N, C, K·L], K = kH·kW window
 * elements (outer), L = Ho·Wo positions (inner); same dtype. Internal: not exported by the package.
 *
 * ```ts
 * const w = { kH: 2, kW: 2, sH: 1, sW: 1, pH: 0, pW: 0, dH: 1, dW: 1 };
 * const x = arange(9).to('float32').reshape([1, 1, 3, 3]);
 * unfold(x, tableTensor(windowTable(3, 3, 2, 2, w), 1, 1), 0)
 * // [1, 1, 3, 3] → [1, 1, 16]: [0, 1, 3, 4,  1, 2, 4, 5,  3, 4, 6, 7,  4, 5, 7, 8]
 * ```
 */
export function unfold(x: Tensor, index: Tensor, padValue: number): Tensor {
  const [N, C, H, W] = x.shape;
  const plane = reshape(x, [N, C, H * W]);
  const sentinel = full([N, C, 1], padValue);
  const padded = cat([plane, sentinel], 2);
  const cols = gather(padded, 2, index);
  plane.dispose();
  sentinel.dispose();
  padded.dispose();
  return cols;
}
