/**
 * The table of layer translations `exportOnnx` uses, the walk over Sequential, and the check that
 * lists every module with no translation.
 */
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  ConvTranspose2d,
  Dropout,
  Embedding,
  Flatten,
  GELU,
  GRU,
  Identity,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  LSTM,
  ManualLinear,
  MaxPool2d,
  type Module,
  ReLU,
  RNN,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
} from '@nnet/layers';
import { attr } from './builder.js';
import {
  emitAdaptiveAvg,
  emitConv,
  emitConvTranspose,
  emitFlatten,
  emitLinear,
  emitPool,
} from './emit_basic.js';
import { emitBatchNorm, emitEmbedding, emitGelu, emitLayerNorm, unary } from './emit_norm.js';
import { emitRecurrent } from './emit_recurrent.js';
import type { Emit, Export, Val } from './export_context.js';

export const emitSequential: Emit = (b, m, scope, x) => {
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
];

export function emitterFor(m: Module): Emit | null {
  // Exact class match first, so that a user subclass of a known layer (which may override forward)
  // is not silently exported as its parent.
  return EMITTERS.find(([cls]) => m.constructor === cls)?.[1] ?? null;
}

export function emitModule(b: Export, m: Module, scope: string, x: Val): Val {
  return emitterFor(m)!(b, m, scope, x);
}

/** Every module in the tree that has no emitter (children of Sequential are checked, others not). */
export function unsupported(m: Module, path: string): { path: string; type: string }[] {
  if (!emitterFor(m)) return [{ path, type: m.constructor.name }];
  if (!(m instanceof Sequential)) return [];
  return m.namedChildren().flatMap(([n, c]) => unsupported(c, path ? `${path}.${n}` : n));
}
