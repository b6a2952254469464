export * from './backend.js';
export * from './dtype.js';
export * from './errors.js';
export * from './shape.js';
export * from './registry.js';
export { Generator, defaultGenerator, manualSeed } from './random.js';
export { memory, type MemoryInfo, type BackendMemory } from './storage.js';
export { tidy, keep } from './scope.js';
export { Tensor, isTensor, setDebugLeaks, type TensorLike, type Dims, type NestedArray } from './tensor.js';
export { noGrad, enableGrad, isGradEnabled, customGrad, type GradRule } from './autograd.js';
export {
  tensor,
  scalar,
  full,
  zeros,
  ones,
  fullLike,
  zerosLike,
  onesLike,
  arange,
  linspace,
  eye,
  rand,
  randn,
  randint,
  type TensorOptions,
  type CreateOptions,
  type RandomOptions,
  type TensorData,
} from './ops/creation.js';
export * from './functional.js';
export {
  cast,
  neg,
  abs,
  sign,
  exp,
  log,
  log1p,
  sqrt,
  rsqrt,
  reciprocal,
  square,
  sin,
  cos,
  tanh,
  sigmoid,
  relu,
  erf,
  floor,
  ceil,
  round,
  logicalNot,
} from './ops/unary.js';
export { add, sub, mul, div, pow, maximum, minimum, logicalAnd, logicalOr, where } from './ops/binary.js';
export { eq, ne, lt, le, gt, ge, isnan, isfinite } from './ops/compare.js';
export { leakyRelu, gelu, softplus, clamp } from './ops/activation.js';
export { sum, mean, max, min, prod, argmax, argmin, variance as var, variance, std, logsumexp } from './ops/reduce.js';
export { matmul, linear } from './ops/matmul.js';
export { softmax, logSoftmax } from './ops/softmax.js';
export { cat, stack, split, chunk } from './ops/join.js';
export { gather, indexSelect, oneHot } from './ops/indexing.js';
export { conv2d, type Conv2dOptions } from './ops/conv.js';
export { maxPool2d, avgPool2d, type MaxPool2dOptions, type AvgPool2dOptions } from './ops/pool.js';
