/**
 * ONNX translation of GPT-2's forward (GPT2LMHeadModel: token ids → logits; GPT2Model: → hidden
 * states), without the key/value cache: token and position embeddings, pre-norm blocks of causal
 * attention (the [T, T] corner of an [nPositions, nPositions] additive mask, so T stays dynamic) and
 * a GELU-tanh MLP, the final norm, and logits against the tied token embedding.
 */
import type { Conv1D, GPT2Block, GPT2LMHeadModel, GPT2Model } from '@nnet/layers';
import { full, noGrad, tidy } from '@nnet/tensor';
import { attr } from './builder.js';
import { mergeHeads, splitHeads } from './emit_attention.js';
import { geluNodes, layerNormNodes } from './emit_norm.js';
import type { Emit, Export } from './export_context.js';

/** HF's Conv1D: x·W + b with W stored [in, out]. */
function conv1d(b: Export, c: Conv1D, scope: string, x: string): string {
  const mm = b.node('MatMul', [x, b.weight(`${scope}weight`, c.weight)], [], scope);
  return b.node('Add', [mm, b.weight(`${scope}bias`, c.bias)], [], scope);
}

/** One block on `x` [N, T, C]; `causal` is the [T, T] additive mask, shared by every block. */
function blockNodes(b: Export, blk: GPT2Block, scope: string, x: string, causal: string): string {
  const C = blk.attn.nEmbd;
  const H = blk.attn.nHead;
  const d = C / H;
  const s = `${scope}attn.`;
  const qkv = conv1d(b, blk.attn.c_attn, `${s}c_attn.`, layerNormNodes(b, blk.ln_1, `${scope}ln_1.`, x, 3));
  const axis2 = b.int64s([2], `${s}/axis`);
  const part = (i: number) =>
    b.node(
      'Slice',
      [qkv, b.int64s([i * C], `${s}/start`), b.int64s([(i + 1) * C], `${s}/end`), axis2],
      [],
      s,
    );
  const scores = b.node(
    'Mul',
    [
      b.node('MatMul', [splitHeads(b, part(0), H, d, s), splitHeads(b, part(1), H, d, s, true)], [], s),
      b.scalar(`${s}scale`, 1 / Math.sqrt(d)),
    ],
    [],
    s,
  );
  const w = b.node('Softmax', [b.node('Add', [scores, causal], [], s)], [attr.int('axis', -1)], s);
  const heads = b.node('MatMul', [w, splitHeads(b, part(2), H, d, s)], [], s);
  const h = b.node(
    'Add',
    [x, conv1d(b, blk.attn.c_proj, `${s}c_proj.`, mergeHeads(b, heads, C, s))],
    [],
    scope,
  );
  const m = `${scope}mlp.`;
  const fc = conv1d(b, blk.mlp.c_fc, `${m}c_fc.`, layerNormNodes(b, blk.ln_2, `${scope}ln_2.`, h, 3));
  const mlp = conv1d(b, blk.mlp.c_proj, `${m}c_proj.`, geluNodes(b, fc, 'tanh', `${m}gelu.`));
  return b.node('Add', [h, mlp], [], scope);
}

/** The trunk's nodes: ids [N, T] → hidden states [N, T, C] after ln_f. */
function trunkNodes(b: Export, g: GPT2Model, scope: string, ids: string): { hidden: string; wte: string } {
  const P = g.config.nPositions;
  const wte = b.weight(`${scope}wte.weight`, g.wte.weight);
  const tok = b.node('Gather', [wte, ids], [attr.int('axis', 0)], scope);
  const T = b.node(
    'Slice',
    [b.node('Shape', [ids], [], scope), b.int64s([1], `${scope}/s`), b.int64s([2], `${scope}/e`)],
    [],
    scope,
  );
  const zero = b.int64s([0], `${scope}/zero`);
  const pos = b.node('Slice', [b.weight(`${scope}wpe.weight`, g.wpe.weight), zero, T, zero], [], scope);
  let x = b.node('Add', [tok, pos], [], scope);
  // 0 on and below the diagonal, -inf above: query i sees keys 0..i.
  const table = b.own(noGrad(() => tidy(() => full([P, P], Number.NEGATIVE_INFINITY).triu(1))));
  const TT = b.node('Concat', [T, T], [attr.int('axis', 0)], scope);
  const causal = b.node(
    'Slice',
    [
      b.weight(`${scope}causal_mask`, table),
      b.int64s([0, 0], `${scope}/zeros`),
      TT,
      b.int64s([0, 1], `${scope}/axes`),
    ],
    [],
    scope,
  );
  [...g.h].forEach((blk, i) => {
    x = blockNodes(b, blk, `${scope}h.${i}.`, x, causal);
  });
  return { hidden: layerNormNodes(b, g.ln_f, `${scope}ln_f.`, x, 3), wte };
}

/** GPT2Model: ids [N, T] int32 → hidden states [N, T, C]. */
export const emitGpt2Model: Emit = (b, m, scope, x) =>
  b.val(
    trunkNodes(b, m as GPT2Model, scope, x.name).hidden,
    tidy(() => m.forward(x.value)),
  );

/** GPT2LMHeadModel: ids [N, T] int32 → logits [N, T, V] (hidden states · wteᵀ, the tied head). */
export const emitGpt2LMHead: Emit = (b, m, scope, x) => {
  const g = m as GPT2LMHeadModel;
  const { hidden, wte } = trunkNodes(b, g.transformer, `${scope}transformer.`, x.name);
  const logits = b.node(
    'MatMul',
    [hidden, b.node('Transpose', [wte], [attr.ints('perm', [1, 0])], scope)],
    [],
    scope,
  );
  return b.val(
    logits,
    tidy(() => g.forward(x.value)),
  );
};
