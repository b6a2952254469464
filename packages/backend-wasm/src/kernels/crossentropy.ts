/** The fused softmax cross-entropy over class indices, forward and backward, split by rows. */
import type { CrossEntropyParams } from '@nnet/tensor';
import { CeField, Job } from '../codes.js';
import type { T, WasmContext } from './context.js';

function run(
  ctx: WasmContext,
  logits: T,
  target: T,
  ignoreIndex: number,
  fields: Partial<Record<'loss' | 'lse' | 'dloss' | 'dlogits', number>>,
): void {
  const [N, C] = logits.shape;
  if (N === 0) return;
  const words = new Array<number>(CeField.count).fill(0);
  words[CeField.logits] = logits.handle;
  words[CeField.target] = target.handle;
  words[CeField.C] = C;
  words[CeField.ignoreIndex] = ignoreIndex;
  words[CeField.backward] = fields.dlogits ? 1 : 0;
  words[CeField.loss] = fields.loss ?? 0;
  words[CeField.lse] = fields.lse ?? 0;
  words[CeField.dloss] = fields.dloss ?? 0;
  words[CeField.dlogits] = fields.dlogits ?? 0;
  const { elem, transcendental } = ctx.par.costs;
  ctx.par.split(N, C * (transcendental + 2 * elem), 1, (from, to) => {
    words[CeField.from] = from;
    words[CeField.to] = to;
    return [Job.crossEntropy, ...words];
  });
}

/** loss [N] and logsumexp [N] of logits [N, C] against int32 targets [N] (0 where ignored). */
export function crossEntropy(
  ctx: WasmContext,
  logits: T,
  target: T,
  { ignoreIndex }: CrossEntropyParams,
  loss: T,
  logsumexp: T,
): void {
  run(ctx, logits, target, ignoreIndex, { loss: loss.handle, lse: logsumexp.handle });
}

/** dlogits [N, C] = dloss[n]·(softmax(logits)[n, c] − [c = target[n]]), 0 rows where ignored. */
export function crossEntropyBackward(
  ctx: WasmContext,
  logits: T,
  target: T,
  logsumexp: T,
  dloss: T,
  { ignoreIndex }: CrossEntropyParams,
  dlogits: T,
): void {
  run(ctx, logits, target, ignoreIndex, {
    lse: logsumexp.handle,
    dloss: dloss.handle,
    dlogits: dlogits.handle,
  });
}
