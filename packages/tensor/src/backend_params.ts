/**
 * The data of the backend contract (backend.ts): how a kernel sees a tensor (`TensorInfo`,
 * `StridedInfo`), the op lists of the elementwise and reduction kernels, and the parameter
 * objects of the kernels that take geometry or hyper-parameters.
 */
import type { DType } from './dtype.js';

/** A dense tensor as a kernel sees it: a storage handle, its dtype and its shape. */
export interface TensorInfo<H = unknown> {
  readonly handle: H;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** A strided view of a storage, the input of `copyStrided` (strides and offset in elements). */
export interface StridedInfo<H = unknown> extends TensorInfo<H> {
  readonly strides: readonly number[];
  readonly offset: number;
}

/** The elementwise functions of the `unary` kernel (see RequiredKernels.unary for their dtypes). */
export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'exp'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'rsqrt'
  | 'reciprocal'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'erf'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'logicalNot';

/** Every UnaryOp, in contract order (the testkit's `unary.<op>` kernel ids). */
export const UNARY_OPS: readonly UnaryOp[] = [
  'neg',
  'abs',
  'sign',
  'exp',
  'log',
  'log1p',
  'sqrt',
  'rsqrt',
  'reciprocal',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'relu',
  'erf',
  'floor',
  'ceil',
  'round',
  'logicalNot',
];

/** Binary arithmetic. `div` on int32 inputs is never requested (the front end casts to float32). */
export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'logicalAnd'
  | 'logicalOr';

/** Every BinaryOp, in contract order (the testkit's `binary.<op>` kernel ids). */
export const BINARY_OPS: readonly BinaryOp[] = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'logicalAnd',
  'logicalOr',
];

/** The comparisons of the `compare` kernel (bool result). */
export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
/** Every CompareOp, in contract order. */
export const COMPARE_OPS: readonly CompareOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];

/** The reductions of the `reduce` kernel. */
export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';
/** Every ReduceOp, in contract order. */
export const REDUCE_OPS: readonly ReduceOp[] = ['sum', 'max', 'min', 'prod'];

/** The index reductions of the `argReduce` kernel (int32 result). */
export type ArgReduceOp = 'argmax' | 'argmin';

/** The transpose flags of the `matmul` kernel (`{ transA: false, transB: true }`: a · bᵀ). */
export interface MatmulOptions {
  /** `a` is stored as `[Ba, K, M]` and used transposed. */
  readonly transA: boolean;
  /** `b` is stored as `[Bb, N, K]` and used transposed. */
  readonly transB: boolean;
}

/** Geometry of a 2-D convolution (PyTorch semantics, symmetric zero padding). */
export interface Conv2dParams {
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly groups: number;
}

/**
 * Geometry of a 2-D pooling window (PyTorch semantics, symmetric padding). The output size is
 * floor((H + 2·pad - kernel) / stride) + 1 (there is no ceil mode) and pad <= kernel / 2, so no
 * window lies wholly in the padding; average pooling has no divisor override.
 */
export interface Pool2dParams {
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  /** Average pooling only: divide by the full window (true) or by the in-bounds part (false). */
  readonly countIncludePad: boolean;
}

/** The activation the `linear` kernel applies in its epilogue (and `linear`'s `activation` option). */
export type FusedActivation = 'none' | 'relu' | 'tanh' | 'sigmoid';

/** Parameters of one fused attention call (see `OptionalKernels.attention`). */
export interface AttentionParams {
  /** Multiplies q·kᵀ before the mask is added (the front end's default is 1/√E). */
  readonly scale: number;
  /**
   * Query i attends to keys j <= i only (top-left aligned when L != S, PyTorch's is_causal): the
   * kernel applies the triangle itself, no mask tensor is passed. Never set together with a mask.
   */
  readonly causal: boolean;
}

/** Parameters of resizeAxis / resizeAxisBackward: resize along one axis (PyTorch's index rules). */
export interface ResizeAxisParams {
  /** The axis of x resized (the others are copied through); x.shape[axis] = inSize, out.shape[axis] = outSize. */
  readonly axis: number;
  /**
   * 'nearest': src = min(floor(fround(i·fround(scale))), in − 1): the product in float32 as
   * PyTorch (fround = round to float32); exact arithmetic differs, e.g. in 2, out 82, i 41 → 0, not 1.
   * 'linear': src = alignCorners ? i·(in − 1)/(out − 1) (0 when out = 1) : max((i + ½)·scale − ½, 0);
   * i0 = floor(src), i1 = min(i0 + 1, in − 1), λ = src − i0, out = (1 − λ)·x[i0] + λ·x[i1].
   */
  readonly mode: 'nearest' | 'linear';
  readonly alignCorners: boolean;
  /** in/out, or 1/scaleFactor when the user gave scaleFactor (PyTorch's rule). Unused with alignCorners. */
  readonly scale: number;
}

/** Parameters of the fused softmax cross-entropy over class indices. */
export interface CrossEntropyParams {
  /** Rows whose target equals this get loss 0 and gradient 0 (PyTorch's ignore_index, default −100). */
  readonly ignoreIndex: number;
}

/** One SGD step's hyper-parameters (PyTorch's rule); `first` is true on a buffer's first step. */
export interface SGDUpdateParams {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly first: boolean;
}

/** One Adam/AdamW step's hyper-parameters; `step` counts from 1 (for the bias corrections). */
export interface AdamUpdateParams {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** AdamW: decay the parameter directly instead of adding λ·p to the gradient. */
  readonly decoupled: boolean;
  readonly amsgrad: boolean;
  readonly step: number;
}
