export { customGrad, enableGrad, type GradRule, isGradEnabled, noGrad } from './autograd.js';
export * from './backend.js';
export { type DebugOptions, getDebug, setDebug } from './debug.js';
export * from './dtype.js';
export * from './errors.js';
export * from './functional.js';
export { isAutoFree, markForward, markStep, moduleForward, setAutoFree } from './lifetime.js';
export { clamp, gelu, leakyRelu, softplus } from './ops/activation.js';
export {
  elu,
  glu,
  hardsigmoid,
  hardswish,
  hardtanh,
  logsigmoid,
  mish,
  prelu,
  relu6,
  selu,
  silu,
  softsign,
} from './ops/activation_extra.js';
export { type AttentionOptions, scaledDotProductAttention } from './ops/attention.js';
export { add, div, logicalAnd, logicalOr, maximum, minimum, mul, pow, sub, where } from './ops/binary.js';
export { eq, ge, gt, isfinite, isnan, le, lt, ne } from './ops/compare.js';
export { type Conv2dOptions, type ConvTranspose2dOptions, conv2d, convTranspose2d } from './ops/conv.js';
export { type Conv1dOptions, type Conv3dOptions, conv1d, conv3d, type Triple } from './ops/conv_extra.js';
export {
  arange,
  type CreateOptions,
  checkDType,
  eye,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  type RandomOptions,
  rand,
  randint,
  randn,
  scalar,
  type TensorData,
  type TensorOptions,
  tensor,
  zeros,
  zerosLike,
} from './ops/creation.js';
export { type SoftmaxCrossEntropyOptions, softmaxCrossEntropy } from './ops/cross_entropy.js';
export { einsum } from './ops/einsum.js';
export { gather, indexSelect, oneHot } from './ops/indexing.js';
export { cat, chunk, split, stack } from './ops/join.js';
export { checkTensor } from './ops/kernel.js';
export { maskedFill, tril, triu } from './ops/masking.js';
export {
  addcdiv,
  addcmul,
  clampTensor,
  floorDivide,
  fmod,
  lerp,
  log2,
  log10,
  logaddexp,
  remainder,
  trunc,
  xlogy,
} from './ops/math_extra.js';
export { type LinearOptions, linear, matmul } from './ops/matmul.js';
export {
  type BatchNormFnOptions,
  batchNorm,
  type GroupNormOptions,
  groupNorm,
  type InstanceNormOptions,
  instanceNorm,
  type LayerNormOptions,
  layerNorm,
  type RMSNormOptions,
  rmsNorm,
} from './ops/normalization.js';
export { adamStep, sgdStep } from './ops/optimizer_step.js';
export {
  type AvgPool2dOptions,
  avgPool2d,
  type MaxPool2dOptions,
  maxPool2d,
  type Pool2dBaseOptions,
} from './ops/pool.js';
export {
  type AvgPool1dOptions,
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  avgPool1d,
  type MaxPool1dOptions,
  maxPool1d,
} from './ops/pool_extra.js';
export {
  argmax,
  argmin,
  logsumexp,
  max,
  mean,
  min,
  prod,
  std,
  sum,
  variance as var,
  variance,
} from './ops/reduce.js';
export { all, any, cdist, cosineSimilarity, type NormOrder, norm } from './ops/reduce_extra.js';
export {
  fold,
  type InterpolateMode,
  type InterpolateOptions,
  interpolate,
  type PatchOptions,
  unfold,
} from './ops/resize.js';
export { cumprod, cumsum } from './ops/scan.js';
export { indexAdd, maskedSelect, nonzero, scatter, scatterAdd } from './ops/scatter.js';
export {
  diag,
  flip,
  outer,
  type PadMode,
  type PadOptions,
  pad,
  repeat,
  roll,
  tile,
} from './ops/shape_extra.js';
export { logSoftmax, softmax } from './ops/softmax.js';
export { argsort, median, sort, topk } from './ops/sort.js';
export {
  acos,
  acosh,
  asin,
  asinh,
  atan,
  atan2,
  atanh,
  cosh,
  expm1,
  sinh,
  tan,
} from './ops/trig.js';
export {
  abs,
  cast,
  ceil,
  cos,
  erf,
  exp,
  floor,
  log,
  log1p,
  logicalNot,
  neg,
  reciprocal,
  relu,
  round,
  rsqrt,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  tanh,
} from './ops/unary.js';
export { defaultGenerator, Generator, manualSeed } from './random.js';
export { attentionReference } from './reference/attention.js';
export { optionalKernel, referenceKernels } from './reference/index.js';
export { nearestSource, type ResizeTable, resizeTable } from './reference/resize_axis.js';
export * from './registry.js';
export {
  type DecodedSafetensors,
  decodeSafetensors,
  type EncodeSafetensorsOptions,
  encodeSafetensors,
  encodeSafetensorsAsync,
  type SafetensorsDType,
} from './safetensors.js';
export { AsyncScope, keep, type Scoped, scope, tidy, tidyAsync } from './scope.js';
export * from './shape.js';
export {
  type BackendMemory,
  type BackendMemoryStats,
  checkStorageSize,
  DEFAULT_MAX_STORAGE_BYTES,
  MAX_STORAGE_ELEMENTS,
  type MemoryInfo,
  type MemoryStats,
  maxStorageBytes,
  memory,
  memoryStats,
  resetPeakMemory,
} from './storage.js';
export { type Dims, isTensor, type NestedArray, setDebugLeaks, Tensor, type TensorLike } from './tensor.js';
