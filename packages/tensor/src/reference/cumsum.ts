/**
 * Reference decomposition of the optional kernel `cumsum` (see `OptionalKernels.cumsum`): a
 * Hillis–Steele scan, ⌈log₂ n⌉ passes of out += out shifted by 1, 2, 4, ... along the axis
 * (towards the end, or towards the start when `reverse`), n·log n work in log n ops.
 */
import type { TensorInfo } from '../backend.js';
import { add } from '../ops/binary.js';
import { zeros } from '../ops/creation.js';
import { cat } from '../ops/join.js';
import { narrow } from '../ops/views.js';
import { borrow, runReference, writeTo } from './borrow.js';

/** cumsum by decomposition: out = Σ_{j<=i} x_j (Σ_{j>=i} when `reverse`) along `axis`. */
export function cumsumReference(x: TensorInfo, axis: number, reverse: boolean, out: TensorInfo): void {
  runReference(() => {
    let acc = borrow(x);
    const n = acc.shape[axis];
    for (let s = 1; s < n; s *= 2) {
      const padShape = [...acc.shape];
      padShape[axis] = s;
      const pad = zeros(padShape, { dtype: acc.dtype });
      const shifted = reverse
        ? cat([narrow(acc, axis, s, n - s), pad], axis)
        : cat([pad, narrow(acc, axis, 0, n - s)], axis);
      acc = add(acc, shifted);
    }
    writeTo(out, acc);
  });
}
