/**
 * The table of layer translations `exportOnnx` uses, the walk over Sequential, and the check that
 * lists every module with no translation.
 */
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  Conv3d,
  ConvTranspose2d,
  Dropout,
  ELU,
  Embedding,
  Flatten,
  GELU,
  GLU,
  GPT2LMHeadModel,
  GPT2Model,
  GRU,
  GroupNorm,
  Hardsigmoid,
  Hardswish,
  Hardtanh,
  Identity,
  InstanceNorm1d,
  InstanceNorm2d,
  LayerNorm,
  LeakyReLU,
  LearnedPositionalEmbedding,
  Linear,
  LogSigmoid,
  LogSoftmax,
  LSTM,
  ManualLinear,
  MaxPool2d,
  Mish,
  type Module,
  MultiheadAttention,
  PReLU,
  ReLU,
  ReLU6,
  RMSNorm,
  RNN,
  SELU,
  Sequential,
  Sigmoid,
  SiLU,
  SinusoidalPositionalEncoding,
  Softmax,
  Softsign,
  Tanh,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
} from '@nnet/layers';
import { attr } from './builder.js';
import { emitMultiheadAttention, MULTIHEAD_ATTENTION_SIGNATURE } from './emit_attention.js';
import {
  emitAdaptiveAvg,
  emitConv,
  emitConvTranspose,
  emitFlatten,
  emitLinear,
  emitPool,
} from './emit_basic.js';
import {
  ACTIVATION_EMITTERS as ACT,
  emitConvNd,
  emitGlu,
  emitGroupNorm,
  emitInstanceNorm,
  emitPrelu,
  emitRmsNorm,
} from './emit_extra.js';
import { emitGpt2LMHead, emitGpt2Model } from './emit_gpt2.js';
import { emitBatchNorm, emitEmbedding, emitGelu, emitLayerNorm, unary } from './emit_norm.js';
import { emitRecurrent } from './emit_recurrent.js';
import {
  DECODER_SIGNATURE,
  ENCODER_SIGNATURE,
  emitEncoder,
  emitPositional,
  transformerReject,
} from './emit_transformer.js';
import type { Emit, Export, Signature, Val } from './export_context.js';

const emitSequential: Emit = (b, m, scope, x) => {
  let cur = x;
  for (const [name, child] of m.namedChildren()) cur = emitModule(b, child, `${scope}${name}.`, cur);
  return cur;
};

/** The layer types `exportOnnx` translates, most specific first. */
export const EMITTERS: [abstract new (...args: never[]) => Module, Emit][] = [
  [Sequential, emitSequential],
  [Linear, emitLinear],
  [ManualLinear, emitLinear],
  [Conv2d, emitConv],
  [ConvTranspose2d, emitConvTranspose],
  [MaxPool2d, emitPool],
  [AvgPool2d, emitPool],
  [AdaptiveAvgPool2d, emitAdaptiveAvg],
  [Flatten, emitFlatten],
  [BatchNorm1d, emitBatchNorm],
  [BatchNorm2d, emitBatchNorm],
  [LayerNorm, emitLayerNorm],
  [Embedding, emitEmbedding],
  [Dropout, unary('Identity')],
  [Identity, unary('Identity')],
  [ReLU, unary('Relu')],
  [Sigmoid, unary('Sigmoid')],
  [Tanh, unary('Tanh')],
  [LeakyReLU, unary('LeakyRelu', (m) => [attr.float('alpha', (m as LeakyReLU).negativeSlope)])],
  [GELU, emitGelu],
  [Softmax, unary('Softmax', (m) => [attr.int('axis', (m as Softmax).dim)])],
  [LogSoftmax, unary('LogSoftmax', (m) => [attr.int('axis', (m as LogSoftmax).dim)])],
  [RNN, emitRecurrent],
  [LSTM, emitRecurrent],
  [GRU, emitRecurrent],
  [MultiheadAttention, emitMultiheadAttention],
  [TransformerEncoderLayer, emitEncoder],
  [TransformerEncoder, emitEncoder],
  [SinusoidalPositionalEncoding, emitPositional],
  [LearnedPositionalEmbedding, emitPositional],
  [GPT2Model, emitGpt2Model],
  [GPT2LMHeadModel, emitGpt2LMHead],
  [Conv1d, emitConvNd],
  [Conv3d, emitConvNd],
  [GroupNorm, emitGroupNorm],
  [InstanceNorm1d, emitInstanceNorm],
  [InstanceNorm2d, emitInstanceNorm],
  [RMSNorm, emitRmsNorm],
  [PReLU, emitPrelu],
  [GLU, emitGlu],
  [SiLU, ACT.SiLU],
  [ELU, ACT.ELU],
  [SELU, ACT.SELU],
  [Mish, ACT.Mish],
  [Hardtanh, ACT.Hardtanh],
  [ReLU6, ACT.ReLU6],
  [Hardswish, ACT.Hardswish],
  [Hardsigmoid, ACT.Hardsigmoid],
  [Softsign, ACT.Softsign],
  [LogSigmoid, ACT.LogSigmoid],
];

/**
 * The modules that, as the root of an export, take more than one tensor (masks, memory) or give
 * more than one output; each also in EMITTERS if it can sit in a Sequential.
 */
export const SIGNATURES: [abstract new (...args: never[]) => Module, Signature][] = [
  [MultiheadAttention, MULTIHEAD_ATTENTION_SIGNATURE],
  [TransformerEncoderLayer, ENCODER_SIGNATURE],
  [TransformerEncoder, ENCODER_SIGNATURE],
  [TransformerDecoderLayer, DECODER_SIGNATURE],
  [TransformerDecoder, DECODER_SIGNATURE],
];

/** The root signature of `m` (exact class), or null for a one-input, one-output module. */
export function signatureFor(m: Module): Signature | null {
  return SIGNATURES.find(([cls]) => m.constructor === cls)?.[1] ?? null;
}

/** Why a module with a translation still cannot be exported, or null. */
function rejectReason(m: Module): string | null {
  const transformer = [
    TransformerEncoderLayer,
    TransformerEncoder,
    TransformerDecoderLayer,
    TransformerDecoder,
  ];
  return transformer.some((c) => m.constructor === c) ? transformerReject(m) : null;
}

function emitterFor(m: Module): Emit | null {
  // Exact class match first, so that a user subclass of a known layer (which may override forward)
  // is not silently exported as its parent.
  return EMITTERS.find(([cls]) => m.constructor === cls)?.[1] ?? null;
}

export function emitModule(b: Export, m: Module, scope: string, x: Val): Val {
  return emitterFor(m)!(b, m, scope, x);
}

/**
 * Every module in the tree that has no translation (children of Sequential are checked, others
 * not), with the reason when it has one but cannot use it. `root` allows the root signatures.
 */
export function unsupported(m: Module, path: string, root = false): { path: string; type: string }[] {
  if (!emitterFor(m) && !(root && signatureFor(m))) return [{ path, type: m.constructor.name }];
  const why = rejectReason(m);
  if (why) return [{ path, type: `${m.constructor.name} (${why})` }];
  if (!(m instanceof Sequential)) return [];
  return m.namedChildren().flatMap(([n, c]) => unsupported(c, path ? `${path}.${n}` : n));
}
