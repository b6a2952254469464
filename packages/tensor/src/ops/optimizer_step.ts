/**
 * Fused optimizer steps, in place: the backend's `sgdUpdate` / `adamUpdate` kernel when it has one
 * (the parameter and its state never leave the backend), the same arithmetic in tensor ops
 * otherwise. Used by @nnet/optim; the formulas are in the kernels' doc comments (backend.ts).
 */

import { noGrad } from '../autograd.js';
import type { AdamUpdateParams, SGDUpdateParams } from '../backend.js';
import { hasKernel } from '../backend.js';
import { DTypeError, ShapeError } from '../errors.js';
import { tidy } from '../scope.js';
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

/** One SGD step on `param` in place (see SGDUpdateParams). `momentumBuf` is updated in place too. */
export function sgdStep(
  param: Tensor,
  grad: Tensor,
  momentumBuf: Tensor | null,
  params: SGDUpdateParams,
): void {
  checkState('sgdStep', param, [grad, momentumBuf]);
  const backend = backendFor('sgdStep', momentumBuf ? [param, grad, momentumBuf] : [param, grad]);
  if (hasKernel(backend, 'sgdUpdate')) {
    const g = grad._isDense() ? grad : materialize(grad);
    backend.sgdUpdate!(param._info(), g._info(), momentumBuf ? momentumBuf._info() : null, params);
    if (g !== grad) g.dispose();
    return;
  }
  noGrad(() =>
    tidy(() => {
      let d = params.weightDecay !== 0 ? grad.add(param, params.weightDecay) : grad;
      if (momentumBuf) {
        momentumBuf.assign(params.first ? d : momentumBuf.mul(params.momentum).add(d, 1 - params.dampening));
        d = params.nesterov ? d.add(momentumBuf, params.momentum) : momentumBuf;
      }
      param.assign(param.sub(d, params.lr));
    }),
  );
}

/** One Adam/AdamW step on `param` in place; the moment estimates are updated in place too. */
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
  if (hasKernel(backend, 'adamUpdate')) {
    const g = grad._isDense() ? grad : materialize(grad);
    backend.adamUpdate!(
      param._info(),
      g._info(),
      expAvg._info(),
      expAvgSq._info(),
      maxExpAvgSq ? maxExpAvgSq._info() : null,
      params,
    );
    if (g !== grad) g.dispose();
    return;
  }
  noGrad(() =>
    tidy(() => {
      const { lr, beta1, beta2, eps, weightDecay, step } = params;
      let g = grad;
      if (weightDecay !== 0) {
        if (params.decoupled) param.assign(param.mul(1 - lr * weightDecay));
        else g = grad.add(param, weightDecay);
      }
      expAvg.assign(expAvg.mul(beta1).add(g, 1 - beta1));
      expAvgSq.assign(expAvgSq.mul(beta2).add(g.mul(g), 1 - beta2));
      let v = expAvgSq;
      if (maxExpAvgSq) {
        maxExpAvgSq.assign(maxExpAvgSq.maximum(expAvgSq));
        v = maxExpAvgSq;
      }
      const denom = v
        .sqrt()
        .div(Math.sqrt(1 - beta2 ** step))
        .add(eps);
      param.assign(param.sub(expAvg.div(denom), lr / (1 - beta1 ** step)));
    }),
  );
}
