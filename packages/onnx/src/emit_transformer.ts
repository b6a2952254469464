/**
 * ONNX translations of the transformer layers (TransformerEncoderLayer, TransformerEncoder,
 * TransformerDecoderLayer, TransformerDecoder; post-norm or pre-norm, ReLU or exact GELU) and of
 * the positional encodings (the rows for positions 0..L-1 sliced from the table by the input's
 * length, so the sequence axis stays dynamic).
 */
import type {
  LayerNorm,
  LearnedPositionalEmbedding,
  Linear,
  Module,
  SinusoidalPositionalEncoding,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
} from '@nnet/layers';
import { tidy } from '@nnet/tensor';
import { attentionNodes } from './emit_attention.js';
import { linearNodes } from './emit_basic.js';
import { geluNodes, layerNormNodes } from './emit_norm.js';
import type { Emit, Export, Signature, Val } from './export_context.js';

type AnyLayer = TransformerEncoderLayer | TransformerDecoderLayer;

/** Why a transformer layer (or a stack's layers) cannot be exported, or null. */
export function transformerReject(m: Module): string | null {
  const layers: AnyLayer[] =
    'layers' in m ? [...(m as TransformerEncoder | TransformerDecoder).layers] : [m as AnyLayer];
  const custom = layers.some((l) => typeof l.options.activation === 'function');
  return custom ? 'a custom activation function (only relu and gelu have an ONNX translation)' : null;
}

const NO_WEIGHTS = { needWeights: false, averageAttnWeights: true };

/** A graph value of the same shape and dtype as `like` (the attention translation reads only its rank). */
const sameAs = (name: string, like: Val): Val => ({ name, value: like.value });

/** linear2(act(linear1(x))) (dropout is off in eval). */
function feedForward(b: Export, l: AnyLayer, scope: string, x: string): string {
  const lin = (m: Linear, s: string, input: string) =>
    linearNodes(
      b,
      input,
      b.weight(`${scope}${s}.weight`, m.weight),
      m.bias ? b.weight(`${scope}${s}.bias`, m.bias) : null,
      scope,
    );
  const h = lin(l.linear1, 'linear1', x);
  const act =
    l.options.activation === 'gelu'
      ? geluNodes(b, h, 'none', `${scope}gelu.`)
      : b.node('Relu', [h], [], scope);
  return lin(l.linear2, 'linear2', act);
}

const norm = (b: Export, n: LayerNorm, scope: string, x: string, r: number) =>
  layerNormNodes(b, n, scope, x, r);

/** One encoder or decoder block's nodes on `x`; `memory` and its masks for a decoder block. */
function blockNodes(
  b: Export,
  l: AnyLayer,
  scope: string,
  x: Val,
  masks: { attn: Val | null; keyPadding: Val | null },
  memory: { value: Val; attn: Val | null; keyPadding: Val | null } | null,
): string {
  const r = x.value.ndim;
  const add = (a: string, c: string) => b.node('Add', [a, c], [], scope);
  const sa = (h: string) =>
    attentionNodes(
      b,
      l.self_attn,
      `${scope}self_attn.`,
      {
        query: sameAs(h, x),
        key: sameAs(h, x),
        value: sameAs(h, x),
        keyPaddingMask: masks.keyPadding,
        attnMask: masks.attn,
      },
      NO_WEIGHTS,
    ).output;
  const cross = (h: string) => {
    const dec = l as TransformerDecoderLayer;
    const m = memory!;
    return attentionNodes(
      b,
      dec.multihead_attn,
      `${scope}multihead_attn.`,
      { query: sameAs(h, x), key: m.value, value: m.value, keyPaddingMask: m.keyPadding, attnMask: m.attn },
      NO_WEIGHTS,
    ).output;
  };
  const ff = (h: string) => feedForward(b, l, scope, h);
  const steps: ((h: string) => string)[] = memory ? [sa, cross, ff] : [sa, ff];
  const norms = memory ? [l.norm1, l.norm2, (l as TransformerDecoderLayer).norm3] : [l.norm1, l.norm2];
  let h = x.name;
  steps.forEach((f, i) => {
    const s = `${scope}norm${i + 1}.`;
    // Pre-norm: h + f(norm(h)); post-norm: norm(h + f(h)).
    h = l.normFirst ? add(h, f(norm(b, norms[i], s, h, r))) : norm(b, norms[i], s, add(h, f(h)), r);
  });
  return h;
}

/** The optional final norm of a stack. */
function finalNorm(b: Export, n: LayerNorm | null, scope: string, x: string, r: number): string {
  return n ? norm(b, n, `${scope}norm.`, x, r) : x;
}

function encoderNodes(
  b: Export,
  m: Module,
  scope: string,
  src: Val,
  mask: Val | null,
  kpm: Val | null,
): string {
  const masks = { attn: mask, keyPadding: kpm };
  if (!('layers' in m)) return blockNodes(b, m as TransformerEncoderLayer, scope, src, masks, null);
  const enc = m as TransformerEncoder;
  let h = src.name;
  [...enc.layers].forEach((l, i) => {
    h = blockNodes(b, l, `${scope}layers.${i}.`, sameAs(h, src), masks, null);
  });
  return finalNorm(b, enc.norm, scope, h, src.value.ndim);
}

/** TransformerEncoderLayer or TransformerEncoder in a Sequential: no masks. */
export const emitEncoder: Emit = (b, m, scope, x) =>
  b.val(
    encoderNodes(b, m, scope, x, null, null),
    tidy(() => m.forward(x.value)),
  );

/** TransformerEncoderLayer or TransformerEncoder as a root: PyTorch's (src, mask, src_key_padding_mask). */
export const ENCODER_SIGNATURE: Signature = {
  inputs: ['src', 'mask', 'src_key_padding_mask'],
  required: 1,
  outputs: () => ['output'],
  emit: (b, m, [src, mask, kpm]) => [
    b.val(
      encoderNodes(b, m, '', src!, mask, kpm),
      tidy(
        () => ENCODER_SIGNATURE.run(m, [src!.value, mask?.value ?? null, kpm?.value ?? null], NO_WEIGHTS)[0],
      ),
    ),
  ],
  run: (m, [src, mask, kpm]) => [(m as TransformerEncoder).forward(src!, mask, kpm)],
};

/**
 * TransformerDecoderLayer or TransformerDecoder as a root: PyTorch's (tgt, memory, tgt_mask,
 * memory_mask, tgt_key_padding_mask, memory_key_padding_mask).
 */
export const DECODER_SIGNATURE: Signature = {
  inputs: ['tgt', 'memory', 'tgt_mask', 'memory_mask', 'tgt_key_padding_mask', 'memory_key_padding_mask'],
  required: 2,
  outputs: () => ['output'],
  emit: (b, m, [tgt, memory, tm, mm, tkpm, mkpm]) => {
    const masks = { attn: tm, keyPadding: tkpm };
    const mem = { value: memory!, attn: mm, keyPadding: mkpm };
    let out: string;
    if (!('layers' in m)) out = blockNodes(b, m as TransformerDecoderLayer, '', tgt!, masks, mem);
    else {
      const dec = m as TransformerDecoder;
      let h = tgt!.name;
      [...dec.layers].forEach((l, i) => {
        h = blockNodes(b, l, `layers.${i}.`, sameAs(h, tgt!), masks, mem);
      });
      out = finalNorm(b, dec.norm, '', h, tgt!.value.ndim);
    }
    const values = [tgt, memory, tm, mm, tkpm, mkpm].map((v) => v?.value ?? null);
    return [
      b.val(
        out,
        tidy(() => DECODER_SIGNATURE.run(m, values, NO_WEIGHTS)[0]),
      ),
    ];
  },
  run: (m, [tgt, memory, tm, mm, tkpm, mkpm]) => [
    (m as TransformerDecoder).forward(tgt!, memory!, tm, mm, tkpm, mkpm),
  ],
};

/** SinusoidalPositionalEncoding or LearnedPositionalEmbedding at start 0: x + table[0:L]. */
export const emitPositional: Emit = (b, m, scope, x) => {
  const p = m as SinusoidalPositionalEncoding | LearnedPositionalEmbedding;
  const table =
    'table' in p
      ? b.weight(`${scope}table`, p.table)
      : b.weight(`${scope}weight`, (p as LearnedPositionalEmbedding).weight);
  const ax = p.batchFirst ? 1 : 0;
  const len = b.node(
    'Slice',
    [b.node('Shape', [x.name], [], scope), b.int64s([ax], `${scope}/s`), b.int64s([ax + 1], `${scope}/e`)],
    [],
    scope,
  );
  const zero = b.int64s([0], `${scope}/zero`);
  let rows = b.node('Slice', [table, zero, len, zero], [], scope);
  if (!p.batchFirst) rows = b.node('Unsqueeze', [rows, b.int64s([1], `${scope}/axes`)], [], scope);
  return b.val(b.node('Add', [x.name, rows], [], scope), p.forward(x.value));
};
