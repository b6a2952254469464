export { customGrad, enableGrad, type GradRule, isGradEnabled, noGrad } from './autograd.js';
export * from './backend.js';
export { type DebugOptions, getDebug, setDebug } from './debug.js';
export * from './dtype.js';
export * from './errors.js';
export * from './functional.js';
export { isAutoFree, markForward, markStep, moduleForward, setAutoFree } from './lifetime.js';
export { clamp, gelu, leakyRelu, softplus } from './ops/activation.js';
export { add, div, logicalAnd, logicalOr, maximum, minimum, mul, pow, sub, where } from './ops/binary.js';
export { eq, ge, gt, isfinite, isnan, le, lt, ne } from './ops/compare.js';
export { type Conv2dOptions, type ConvTranspose2dOptions, conv2d, convTranspose2d } from './ops/conv.js';
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
export { gather, indexSelect, oneHot } from './ops/indexing.js';
export { cat, chunk, split, stack } from './ops/join.js';
export { checkTensor } from './ops/kernel.js';
export { linear, matmul } from './ops/matmul.js';
export { adamStep, sgdStep } from './ops/optimizer_step.js';
export { type AvgPool2dOptions, avgPool2d, type MaxPool2dOptions, maxPool2d } from './ops/pool.js';
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
export { logSoftmax, softmax } from './ops/softmax.js';
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
export * from './registry.js';
export {
  type DecodedSafetensors,
  decodeSafetensors,
  type EncodeSafetensorsOptions,
  encodeSafetensors,
  encodeSafetensorsAsync,
  type SafetensorsDType,
} from './safetensors.js';
export { AsyncScope, keep, scope, tidy, tidyAsync } from './scope.js';
export * from './shape.js';
export {
  type BackendMemory,
  checkStorageSize,
  DEFAULT_MAX_STORAGE_BYTES,
  MAX_STORAGE_ELEMENTS,
  type MemoryInfo,
  maxStorageBytes,
  memory,
} from './storage.js';
export { type Dims, isTensor, type NestedArray, setDebugLeaks, Tensor, type TensorLike } from './tensor.js';
