/**
 * Fused scaled dot-product attention (the AssemblyScript kernel streams over key blocks with a
 * running max and sum), split across threads by (batch·head, block of 4 query rows).
 */
import type { AttentionParams } from '@nnet/tensor';
import { AttnField, Job } from '../codes.js';
import { f32bits } from '../ffi.js';
import type { T, WasmContext } from './context.js';

/** Query rows per job unit (the kernel's block). */
const QB = 4;

export function attention(
  ctx: WasmContext,
  q: T,
  k: T,
  v: T,
  mask: T | null,
  { scale, causal }: AttentionParams,
  out: T,
  lse: T,
): void {
  const [B, L, E] = q.shape;
  const S = k.shape[1];
  const Ev = v.shape[2];
  const words = new Array<number>(AttnField.count).fill(0);
  words[AttnField.q] = q.handle;
  words[AttnField.k] = k.handle;
  words[AttnField.v] = v.handle;
  words[AttnField.mask] = mask ? mask.handle : 0;
  words[AttnField.maskShared] = mask && mask.shape[0] === 1 ? 1 : 0;
  words[AttnField.B] = B;
  words[AttnField.L] = L;
  words[AttnField.S] = S;
  words[AttnField.E] = E;
  words[AttnField.Ev] = Ev;
  words[AttnField.scale] = f32bits(scale);
  words[AttnField.causal] = causal ? 1 : 0;
  words[AttnField.out] = out.handle;
  words[AttnField.lse] = lse.handle;
  const blocks = B * Math.ceil(L / QB);
  // Per block: 4 rows × (visible keys) × (a dot of E and an axpy of Ev, 2 flops each, and an exp).
  const keys = causal ? Math.min(S, (L + 1) / 2) : S;
  const { gemmFlop, transcendental } = ctx.par.costs;
  const perBlock = QB * keys * (2 * (E + Ev) * gemmFlop * 2 + transcendental);
  ctx.par.split(blocks, perBlock, 1, (t0, t1) => {
    words[AttnField.t0] = t0;
    words[AttnField.t1] = t1;
    return [Job.attention, ...words];
  });
}
