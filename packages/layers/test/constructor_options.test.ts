/**
 * Every module class @nnet/layers exports refuses what it cannot use at construction: an unknown
 * option key (a typo such as `{ bais: false }`) throws a ValueError naming the class, the key and
 * the accepted keys; a keyword object where a positional number belongs (PyTorch habit:
 * `new Softmax({ dim: 1 })`) throws a typed error naming the class. The table must list every
 * exported Module subclass, so a new module cannot be added without deciding which check it gets.
 */
import { NNetError, ValueError } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import * as layers from '../src/index.js';

type Options = Record<string, unknown>;

/** How each class is checked. */
type Entry =
  /** Takes an options object: `make(o)` builds the module with options `o`. */
  | { options: (o: Options) => layers.Module }
  /** Takes positional numbers (or modules) only: `bad()` passes a keyword object where one belongs. */
  | { positional: () => unknown }
  /** Takes no arguments at all. */
  | { none: true }
  /** An abstract base of other modules (its subclasses are checked). */
  | { abstract: true };

const gptConfig = { vocabSize: 5, nPositions: 4, nEmbd: 4, nLayer: 1, nHead: 2 };
const fullGptConfig = {
  ...gptConfig,
  nInner: 8,
  layerNormEpsilon: 1e-5,
  embdPdrop: 0,
  attnPdrop: 0,
  residPdrop: 0,
};

const table: Record<string, Entry> = {
  AdaptiveAvgPool2d: { positional: () => new layers.AdaptiveAvgPool2d({ outputSize: 1 } as never) },
  AvgPool2d: { options: (o) => new layers.AvgPool2d(2, o) },
  BatchNorm1d: { options: (o) => new layers.BatchNorm1d(3, o) },
  BatchNorm2d: { options: (o) => new layers.BatchNorm2d(3, o) },
  Conv1D: { positional: () => new layers.Conv1D(2, 2, { std: 0.1 } as never) },
  Conv1d: { options: (o) => new layers.Conv1d(1, 1, 2, o) },
  Conv2d: { options: (o) => new layers.Conv2d(1, 1, 2, o) },
  Conv3d: { options: (o) => new layers.Conv3d(1, 1, 2, o) },
  ConvTranspose2d: { options: (o) => new layers.ConvTranspose2d(1, 1, 2, o) },
  DimActivation: { abstract: true },
  Dropout: { positional: () => new layers.Dropout({ p: 0.1 } as never) },
  ElementwiseActivation: { abstract: true },
  ELU: { positional: () => new layers.ELU({ alpha: 1 } as never) },
  Embedding: { options: (o) => new layers.Embedding(4, 2, o) },
  Flatten: { positional: () => new layers.Flatten({ startDim: 1 } as never) },
  GELU: { options: (o) => new layers.GELU(o) },
  GLU: { positional: () => new layers.GLU({ dim: -1 } as never) },
  GPT2Attention: {
    options: (o) => new layers.GPT2Attention(4, 2, { attnPdrop: 0, residPdrop: 0, projStd: 0.02, ...o }),
  },
  GPT2Block: { options: (o) => new layers.GPT2Block({ ...fullGptConfig, ...o }) },
  GPT2LMHeadModel: { options: (o) => new layers.GPT2LMHeadModel({ ...gptConfig, ...o }) },
  GPT2MLP: { options: (o) => new layers.GPT2MLP(4, 8, { residPdrop: 0, projStd: 0.02, ...o }) },
  GPT2Model: { options: (o) => new layers.GPT2Model({ ...fullGptConfig, ...o }) },
  GRU: { options: (o) => new layers.GRU(2, 3, o) },
  GroupNorm: { options: (o) => new layers.GroupNorm(2, 4, o) },
  Hardsigmoid: { none: true },
  Hardswish: { none: true },
  Hardtanh: { positional: () => new layers.Hardtanh({ minVal: -2 } as never) },
  Identity: { none: true },
  InstanceNorm1d: { options: (o) => new layers.InstanceNorm1d(3, o) },
  InstanceNorm2d: { options: (o) => new layers.InstanceNorm2d(3, o) },
  LSTM: { options: (o) => new layers.LSTM(2, 3, o) },
  LayerNorm: { options: (o) => new layers.LayerNorm(3, o) },
  LeakyReLU: { positional: () => new layers.LeakyReLU({ negativeSlope: 0.2 } as never) },
  LearnedPositionalEmbedding: { options: (o) => new layers.LearnedPositionalEmbedding(8, 4, o) },
  Linear: { options: (o) => new layers.Linear(2, 3, o) },
  LogSigmoid: { none: true },
  LogSoftmax: { positional: () => new layers.LogSoftmax({ dim: 1 } as never) },
  ManualLinear: { positional: () => new layers.ManualLinear({ inFeatures: 2 } as never, 3) },
  MaxPool2d: { options: (o) => new layers.MaxPool2d(2, o) },
  Mish: { none: true },
  ModuleList: { positional: () => new layers.ModuleList({ modules: [] } as never) },
  MultiheadAttention: { options: (o) => new layers.MultiheadAttention(4, 2, o) },
  NeuralNet: { positional: () => new layers.NeuralNet({ layers: [] } as never) },
  PReLU: { positional: () => new layers.PReLU({ numParameters: 1 } as never) },
  RMSNorm: { options: (o) => new layers.RMSNorm(3, o) },
  RNN: { options: (o) => new layers.RNN(2, 3, o) },
  ReLU: { none: true },
  ReLU6: { none: true },
  SELU: { none: true },
  SiLU: { none: true },
  Sequential: { positional: () => new layers.Sequential({ layers: [] } as never) },
  Sigmoid: { none: true },
  SinusoidalPositionalEncoding: { options: (o) => new layers.SinusoidalPositionalEncoding(4, 16, o) },
  Softmax: { positional: () => new layers.Softmax({ dim: 1 } as never) },
  Softsign: { none: true },
  Tanh: { none: true },
  TransformerDecoder: {
    options: (o) =>
      new layers.TransformerDecoder(new layers.TransformerDecoderLayer(4, 2, { dimFeedforward: 8 }), 1, o),
  },
  TransformerDecoderLayer: {
    options: (o) => new layers.TransformerDecoderLayer(4, 2, { dimFeedforward: 8, ...o }),
  },
  TransformerEncoder: {
    options: (o) =>
      new layers.TransformerEncoder(new layers.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }), 1, o),
  },
  TransformerLayerBase: { abstract: true },
  TransformerStack: { abstract: true },
  TransformerEncoderLayer: {
    options: (o) => new layers.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, ...o }),
  },
};

const moduleClasses = Object.entries(layers)
  .filter(([, v]) => typeof v === 'function' && (v === layers.Module || v.prototype instanceof layers.Module))
  .filter(([, v]) => v !== layers.Module)
  .map(([k]) => k)
  .sort();

describe('module constructors refuse what they cannot use', () => {
  it('the table lists every exported module class, and only those', () => {
    expect(Object.keys(table).sort()).toEqual(moduleClasses);
  });

  for (const [name, entry] of Object.entries(table)) {
    if ('options' in entry) {
      it(`${name}: builds with valid options; an unknown key throws a ValueError naming it and the accepted keys`, () => {
        expect(entry.options({})).toBeInstanceOf(layers.Module);
        for (const key of ['bais', 'requires_grad', 'x_typo']) {
          let err: unknown = null;
          try {
            entry.options({ [key]: 1 });
          } catch (e) {
            err = e;
          }
          expect(err, `${name} accepted option '${key}'`).toBeInstanceOf(ValueError);
          expect((err as Error).message).toMatch(
            new RegExp(`^${name}: unknown option '${key}'; the options are '\\w+'`),
          );
        }
      });
    } else if ('positional' in entry) {
      // layers.NeuralNet is layers.Sequential under its older name: messages give the class's own name.
      const cls = (layers as Record<string, unknown>)[name] as { name: string };
      it(`${name}: a keyword object where a positional argument belongs throws a typed error naming ${cls.name}`, () => {
        let err: unknown = null;
        try {
          entry.positional();
        } catch (e) {
          err = e;
        }
        expect(err, `${name} accepted an object`).toBeInstanceOf(NNetError);
        expect((err as Error).message.startsWith(`${cls.name}:`), (err as Error).message).toBe(true);
      });
    }
  }
});
