/**
 * softmax and logSoftmax along one dim, computed stably (the max is subtracted first). Uses the
 * backend's kernel when it has one, the reference decomposition otherwise.
 */

import { compute, record } from '../autograd.js';
import { hasKernel } from '../backend.js';
import { DTypeError } from '../errors.js';
import { getBackend } from '../registry.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div, mul, sub } from './binary.js';
import { checkTensor, runKernel } from './kernel.js';
import { max, sum } from './reduce.js';
import { exp, log } from './unary.js';

function prepare(op: string, x: Tensor, dim: number): number {
  checkTensor(op, x, 'input');
  if (x.dtype !== 'float32')
    throw new DTypeError(`${op}: expects float32, got ${x.dtype}; use x.to('float32').`);
  return x.ndim === 0 ? 0 : normalizeDim(op, dim, x.ndim, x.shape);
}

/** Reference decomposition: e = exp(x - max); softmax = e / Σe, logSoftmax = (x - max) - log Σe. */
export function softmaxReference(x: Tensor, dim: number, logarithm: boolean): Tensor {
  return compute(() => {
    const shifted = x.ndim === 0 ? sub(x, x) : sub(x, max(x, dim, true));
    const e = exp(shifted);
    const total = x.ndim === 0 ? e : sum(e, dim, true);
    return logarithm ? sub(shifted, log(total)) : div(e, total);
  });
}

function forward(op: 'softmax' | 'logSoftmax', x: Tensor, d: number): Tensor {
  const backend = getBackend();
  if (x.ndim > 0 && hasKernel(backend, op)) {
    return runKernel(op, [x], x.shape, 'float32', ([xi], out, b) => b[op]!(xi, d, out));
  }
  return softmaxReference(x, d, op === 'logSoftmax');
}

/** softmax(x)ᵢ = exp(xᵢ) / Σⱼ exp(xⱼ) along `dim`.   ∂/∂x = y ⊙ (g - Σ g⊙y) */
export function softmax(x: Tensor, dim: number): Tensor {
  const d = prepare('softmax', x, dim);
  const y = forward('softmax', x, d);
  const scalarInput = x.ndim === 0;
  return record('softmax', [x], y, [y], (g, [sy]) => [
    scalarInput ? mul(g, 0) : mul(sy, sub(g, sum(mul(g, sy), d, true))),
  ]);
}

/** log(softmax(x)) along `dim`, without overflow.   ∂/∂x = g - exp(y) ⊙ Σ g */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const d = prepare('logSoftmax', x, dim);
  const y = forward('logSoftmax', x, d);
  const scalarInput = x.ndim === 0;
  return record('logSoftmax', [x], y, [y], (g, [sy]) => [
    scalarInput ? mul(g, 0) : sub(g, mul(exp(sy), sum(g, d, true))),
  ]);
}
