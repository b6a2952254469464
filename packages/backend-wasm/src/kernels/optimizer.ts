/** The fused SGD and Adam updates, in place (formulas in the contract's doc comments). */
import { adamBiasCorrections } from '@nnet/kernels-js';
import { type AdamUpdateParams, type SGDUpdateParams, sizeOf } from '@nnet/tensor';
import type { T, WasmContext } from './context.js';

export function sgdUpdate(
  ctx: WasmContext,
  param: T,
  grad: T,
  momentumBuf: T | null,
  o: SGDUpdateParams,
): void {
  const buf = momentumBuf ? momentumBuf.handle : 0;
  const { lr, momentum, dampening, weightDecay } = o;
  const n = sizeOf(param.shape);
  ctx.k.sgdUpdate(
    param.handle,
    grad.handle,
    buf,
    n,
    lr,
    momentum,
    dampening,
    o.nesterov ? 1 : 0,
    weightDecay,
    o.first ? 1 : 0,
  );
}

export function adamUpdate(
  ctx: WasmContext,
  param: T,
  grad: T,
  expAvg: T,
  expAvgSq: T,
  maxExpAvgSq: T | null,
  o: AdamUpdateParams,
): void {
  const vmax = maxExpAvgSq ? maxExpAvgSq.handle : 0;
  const n = sizeOf(param.shape);
  const { bc1, sqrtBc2 } = adamBiasCorrections(o);
  ctx.k.adamUpdate(
    param.handle,
    grad.handle,
    expAvg.handle,
    expAvgSq.handle,
    vmax,
    n,
    o.lr,
    o.beta1,
    o.beta2,
    o.eps,
    o.weightDecay,
    o.decoupled ? 1 : 0,
    bc1,
    sqrtBc2,
  );
}
