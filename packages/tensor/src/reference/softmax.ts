/**
 * Reference decomposition of the optional kernel `softmax` (see `OptionalKernels.softmax`):
 * e = exp(x − max), e / Σe along the axis.
 */
import type { TensorInfo } from '../backend.js';
import { div, sub } from '../ops/binary.js';
import { max, sum } from '../ops/reduce.js';
import { exp } from '../ops/unary.js';
import { borrow, runReference, writeTo } from './borrow.js';

/** softmax by decomposition along `axis`: exp(x − max) / Σ exp(x − max). */
export function softmaxReference(x: TensorInfo, axis: number, out: TensorInfo): void {
  runReference(() => {
    const xt = borrow(x);
    const e = exp(sub(xt, max(xt, axis, true)));
    writeTo(out, div(e, sum(e, axis, true)));
  });
}
