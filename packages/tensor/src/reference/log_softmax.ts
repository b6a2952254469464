/**
 * Reference decomposition of the optional kernel `logSoftmax` (see `OptionalKernels.logSoftmax`):
 * (x − max) − log Σ exp(x − max) along the axis.
 */
import type { TensorInfo } from '../backend.js';
import { sub } from '../ops/binary.js';
import { max, sum } from '../ops/reduce.js';
import { exp, log } from '../ops/unary.js';
import { borrow, runReference, writeTo } from './borrow.js';

/** logSoftmax by decomposition along `axis`: (x − max) − log Σ exp(x − max). */
export function logSoftmaxReference(x: TensorInfo, axis: number, out: TensorInfo): void {
  runReference(() => {
    const xt = borrow(x);
    const shifted = sub(xt, max(xt, axis, true));
    writeTo(out, sub(shifted, log(sum(exp(shifted), axis, true))));
  });
}
