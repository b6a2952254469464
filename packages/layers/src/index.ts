export {
  DimActivation,
  ElementwiseActivation,
  GELU,
  Identity,
  LeakyReLU,
  LogSoftmax,
  ReLU,
  Sigmoid,
  Softmax,
  Tanh,
} from './activations.js';
export {
  ELU,
  GLU,
  Hardsigmoid,
  Hardswish,
  Hardtanh,
  LogSigmoid,
  Mish,
  PReLU,
  ReLU6,
  SELU,
  SiLU,
  Softsign,
} from './activations_extra.js';
export { type AttendOptions, MultiheadAttention, type MultiheadAttentionOptions } from './attention.js';
export { Conv2d, type Conv2dLayerOptions, ConvTranspose2d } from './conv.js';
export { Conv1d, type Conv1dLayerOptions, Conv3d, type Conv3dLayerOptions } from './conv_extra.js';
export { Dropout } from './dropout.js';
export { Embedding } from './embedding.js';
export { GPT2LMHeadModel, GPT2Model } from './gpt2.js';
export {
  Conv1D,
  GPT2Attention,
  type GPT2AttentionOptions,
  GPT2Block,
  type GPT2Config,
  GPT2MLP,
  type LayerCache,
  type LayerStep,
} from './gpt2_blocks.js';
export { type GenerateOptions, type Generative, generate, pickToken } from './gpt2_generate.js';
export * as init from './init.js';
export { calculateGain } from './init.js';
export { Linear, uniformParameter } from './linear.js';
export { ManualLinear } from './manual_linear.js';
export { Module } from './module.js';
export { ModuleList } from './module_list.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions, LayerNorm } from './normalization.js';
export {
  GroupNorm,
  InstanceNorm1d,
  InstanceNorm2d,
  type InstanceNormLayerOptions,
  RMSNorm,
} from './normalization_extra.js';
export { Parameter } from './parameter.js';
export { AdaptiveAvgPool2d, AvgPool2d, Flatten, MaxPool2d } from './pooling.js';
export {
  LearnedPositionalEmbedding,
  type PositionalOptions,
  SinusoidalPositionalEncoding,
} from './positional.js';
export { GRU, LSTM, RNN, type RNNOptions } from './recurrent.js';
export { NeuralNet, Sequential } from './sequential.js';
export {
  type LoadStateDictOptions,
  type LoadStateDictResult,
  type ShapeMismatch,
  type StateDict,
  StateDictError,
} from './state_dict.js';
export {
  type DecoderMasks,
  type SubBlock,
  type TransformerActivation,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
  TransformerLayerBase,
  type TransformerLayerOptions,
  TransformerStack,
} from './transformer.js';
