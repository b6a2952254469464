/**
 * Fused optimizer steps, in place, on the optional kernels `sgdUpdate` / `adamUpdate` (the
 * parameter and its state never leave the backend; references: reference/sgd_update.ts,
 * adam_update.ts). Used by @nnet/optim; the formulas are in the kernels' doc comments (backend.ts).
 */

import type { AdamUpdateParams, SGDUpdateParams } from '../backend.js';
import { DTypeError, ShapeError } from '../errors.js';
import { optionalKernel } from '../reference/index.js';
import { fmtShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendFor, checkTensor, materialize } from './kernel.js';

function checkState(op: string, p: Tensor, tensors: (Tensor | null)[]): void {
  for (const t of [p, ...tensors]) {
    if (!t) continue;
    checkTensor(op, t, 'tensor');
    if (t.dtype !== 'float32') throw new DTypeError(`${op}: expects float32 tensors, got ${t.dtype}.`);
    if (!shapesEqual(t.shape, p.shape)) {
      throw new ShapeError(
        `${op}: every tensor must have the parameter's shape ${fmtShape(p.shape)}, got ${fmtShape(t.shape)}.`,
      );
    }
  }
  for (const t of [p, ...tensors.slice(1)]) {
    if (t && !t._isDense())
      throw new ShapeError(`${op}: parameters and optimizer state must be contiguous tensors, not views.`);
  }
}

/**
 * One SGD step on `param` in place (see SGDUpdateParams). `momentumBuf` is updated in place too.
 * Shapes: param, grad and momentumBuf: one shape, float32, contiguous (not views); returns nothing.
 *
 * ```ts
 * const p = tensor([1, 2]);
 * sgdStep(p, tensor([0.5, 0.5]), null, { lr: 0.1, momentum: 0, dampening: 0, nesterov: false,
 *   weightDecay: 0, first: true });   // p → [0.95, 1.95]
 * ```
 */
export function sgdStep(
  param: Tensor,
  grad: Tensor,
  momentumBuf: Tensor | null,
  params: SGDUpdateParams,
): void {
  checkState('sgdStep', param, [grad, momentumBuf]);
  const backend = backendFor('sgdStep', momentumBuf ? [param, grad, momentumBuf] : [param, grad]);
  const g = grad._isDense() ? grad : materialize(grad);
  try {
    optionalKernel(backend, 'sgdUpdate')(
      param._info(),
      g._info(),
      momentumBuf ? momentumBuf._info() : null,
      params,
    );
  } finally {
    if (g !== grad) g.dispose();
  }
}

/**
 * One Adam/AdamW step on `param` in place; the moment estimates are updated in place too.
 * Shapes: param, grad, expAvg, expAvgSq (and maxExpAvgSq): one shape, float32, contiguous (not
 * views); returns nothing.
 *
 * ```ts
 * const p = tensor([1, 2]);
 * const m = zeros([2]);
 * const v = zeros([2]);
 * adamStep(p, tensor([0.5, -0.5]), m, v, null, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8,
 *   weightDecay: 0, decoupled: false, amsgrad: false, step: 1 });
 * // p → [0.9, 2.1] (the first step moves each weight by ≈ lr·sign(g))
 * ```
 */
export function adamStep(
  param: Tensor,
  grad: Tensor,
  expAvg: Tensor,
  expAvgSq: Tensor,
  maxExpAvgSq: Tensor | null,
  params: AdamUpdateParams,
): void {
  checkState('adamStep', param, [grad, expAvg, expAvgSq, maxExpAvgSq]);
  const backend = backendFor('adamStep', [
    param,
    grad,
    expAvg,
    expAvgSq,
    ...(maxExpAvgSq ? [maxExpAvgSq] : []),
  ]);
  const g = grad._isDense() ? grad : materialize(grad);
  try {
    optionalKernel(backend, 'adamUpdate')(
      param._info(),
      g._info(),
      expAvg._info(),
      expAvgSq._info(),
      maxExpAvgSq ? maxExpAvgSq._info() : null,
      params,
    );
  } finally {
    if (g !== grad) g.dispose();
  }
}
