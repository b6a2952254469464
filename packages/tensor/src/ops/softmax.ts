/**
 * softmax and logSoftmax along one dim, computed stably (the max is subtracted first): the
 * optional kernels `softmax` / `logSoftmax` (references: reference/softmax.ts, log_softmax.ts).
 */

import { compute, record } from '../autograd.js';
import { DTypeError } from '../errors.js';
import { optionalKernel } from '../reference/index.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mul, sub } from './binary.js';
import { checkTensor, runKernel } from './kernel.js';
import { sum } from './reduce.js';
import { exp } from './unary.js';
import { reshape } from './views.js';

function prepare(op: string, x: Tensor, dim: number): number {
  checkTensor(op, x, 'input');
  if (x.dtype !== 'float32')
    throw new DTypeError(`${op}: expects float32, got ${x.dtype}; use x.to('float32').`);
  return x.ndim === 0 ? 0 : normalizeDim(op, dim, x.ndim, x.shape);
}

/** The softmax or logSoftmax kernel (or its reference) along `d`; a 0-d x runs as [1]. */
function forward(op: 'softmax' | 'logSoftmax', x: Tensor, d: number): Tensor {
  if (x.ndim === 0) return compute(() => reshape(forward(op, reshape(x, [1]), 0), []));
  return runKernel(op, [x], x.shape, 'float32', ([xi], out, b) => optionalKernel(b, op)(xi, d, out));
}

/**
 * softmax(x)ᵢ = exp(xᵢ) / Σⱼ exp(xⱼ) along `dim`.   ∂/∂x = y ⊙ (g - Σ g⊙y)
 * Shapes: x [...] → same shape (each slice along `dim` sums to 1); float32.
 *
 * ```ts
 * softmax(tensor([[1, 2, 3]]), 1)   // [1, 3] → [[0.0900, 0.2447, 0.6652]]
 * ```
 */
export function softmax(x: Tensor, dim: number): Tensor {
  const d = prepare('softmax', x, dim);
  const y = forward('softmax', x, d);
  const scalarInput = x.ndim === 0;
  return record('softmax', [x], y, [y], (g, [sy]) => [
    scalarInput ? mul(g, 0) : mul(sy, sub(g, sum(mul(g, sy), d, true))),
  ]);
}

/**
 * log(softmax(x)) along `dim`, without overflow.   ∂/∂x = g - exp(y) ⊙ Σ g
 * Shapes: x [...] → same shape; float32.
 *
 * ```ts
 * logSoftmax(tensor([[1, 2, 3]]), 1)   // [1, 3] → [[-2.4076, -1.4076, -0.4076]]
 * ```
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const d = prepare('logSoftmax', x, dim);
  const y = forward('logSoftmax', x, d);
  const scalarInput = x.ndim === 0;
  return record('logSoftmax', [x], y, [y], (g, [sy]) => [
    scalarInput ? mul(g, 0) : sub(g, mul(exp(sy), sum(g, d, true))),
  ]);
}
