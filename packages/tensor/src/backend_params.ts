/**
 * The data of the backend contract (backend.ts): how a kernel sees a tensor (`TensorInfo`,
 * `StridedInfo`), the op lists of the elementwise and reduction kernels, and the parameter
 * objects of the kernels that take geometry or hyper-parameters.
 */
import type { DType } from './dtype.js';

/** A dense tensor as a kernel sees it: a storage handle, its dtype and its shape. */
export interface TensorInfo<H = unknown> {
  /** The backend's opaque storage handle (what `alloc` returned). */
  readonly handle: H;
  /** The element type of the storage: 'float32', 'int32' or 'bool'. */
  readonly dtype: DType;
  /** The dims, e.g. `[N, C, H, W]`; the storage holds their product of elements, row-major. */
  readonly shape: readonly number[];
}

/** A strided view of a storage, the input of `copyStrided` (strides and offset in elements). */
export interface StridedInfo<H = unknown> extends TensorInfo<H> {
  /** Elements to step in the storage per unit of each dim (one per dim of `shape`; 0 broadcasts). */
  readonly strides: readonly number[];
  /** The storage index, in elements, of the view's first element. */
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

/**
 * Every UnaryOp, in contract order (the testkit's `unary.<op>` kernel ids).
 *
 * ```ts
 * const backend = getBackend(); // after import '@nnet/backend-cpu'
 * const info = (data: number[]): TensorInfo => {
 *   const handle = backend.alloc('float32', data.length);
 *   backend.write(handle, new Float32Array(data));
 *   return { handle, dtype: 'float32', shape: [data.length] };
 * };
 * const x = info([0.5, 2]);
 * const out = info([0, 0]);
 * UNARY_OPS.length   // 19: 'neg', 'abs', 'sign', 'exp', 'log', ..., 'round', 'logicalNot'
 * for (const op of UNARY_OPS) {
 *   if (op === 'logicalNot') continue; // bool in, bool out
 *   backend.unary(op, x, out);
 *   console.log(op, [...(await backend.read(out.handle, 'float32', 2))]); // neg [-0.5, -2], abs [0.5, 2], ...
 * }
 * ```
 */
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

/**
 * Every BinaryOp, in contract order (the testkit's `binary.<op>` kernel ids).
 *
 * ```ts
 * const backend = getBackend(); // after import '@nnet/backend-cpu'
 * const info = (data: number[]): TensorInfo => {
 *   const handle = backend.alloc('float32', data.length);
 *   backend.write(handle, new Float32Array(data));
 *   return { handle, dtype: 'float32', shape: [data.length] };
 * };
 * const a = info([1, 2]);
 * const b = info([3, 4]);
 * const out = info([0, 0]);
 * BINARY_OPS   // ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'logicalAnd', 'logicalOr']
 * for (const op of BINARY_OPS) {
 *   if (op === 'logicalAnd' || op === 'logicalOr') continue; // bool operands
 *   backend.binary(op, a, b, out);
 *   console.log(op, [...(await backend.read(out.handle, 'float32', 2))]); // add [4, 6], sub [-2, -2], ...
 * }
 * ```
 */
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
/**
 * Every CompareOp, in contract order.
 *
 * ```ts
 * const backend = getBackend(); // after import '@nnet/backend-cpu'
 * const info = (data: number[]): TensorInfo => {
 *   const handle = backend.alloc('float32', data.length);
 *   backend.write(handle, new Float32Array(data));
 *   return { handle, dtype: 'float32', shape: [data.length] };
 * };
 * const a = info([1, 2]);
 * const b = info([2, 2]);
 * const out: TensorInfo = { handle: backend.alloc('bool', 2), dtype: 'bool', shape: [2] };
 * COMPARE_OPS   // ['eq', 'ne', 'lt', 'le', 'gt', 'ge']
 * for (const op of COMPARE_OPS) {
 *   backend.compare(op, a, b, out);
 *   console.log(op, [...(await backend.read(out.handle, 'bool', 2))]); // eq [0, 1], ne [1, 0], lt [1, 0], ...
 * }
 * ```
 */
export const COMPARE_OPS: readonly CompareOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];

/** The reductions of the `reduce` kernel. */
export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';
/**
 * Every ReduceOp, in contract order.
 *
 * ```ts
 * const backend = getBackend(); // after import '@nnet/backend-cpu'
 * const x: TensorInfo = { handle: backend.alloc('float32', 4), dtype: 'float32', shape: [2, 2] };
 * backend.write(x.handle, new Float32Array([1, 2, 3, 4]));
 * const out: TensorInfo = { handle: backend.alloc('float32', 2), dtype: 'float32', shape: [1, 2] };
 * REDUCE_OPS   // ['sum', 'max', 'min', 'prod']
 * for (const op of REDUCE_OPS) {
 *   backend.reduce(op, x, [0], out); // over axis 0
 *   console.log(op, [...(await backend.read(out.handle, 'float32', 2))]); // sum [4, 6], max [3, 4], ...
 * }
 * ```
 */
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
  /** Vertical stride (>= 1): Ho = floor((H + 2·padH − dilationH·(kH − 1) − 1) / strideH) + 1. */
  readonly strideH: number;
  /** Horizontal stride (>= 1), the same rule for Wo. */
  readonly strideW: number;
  /** Zero rows added above and below the input. */
  readonly padH: number;
  /** Zero columns added left and right of the input. */
  readonly padW: number;
  /** Spacing between kernel rows (1: dense kernel). */
  readonly dilationH: number;
  /** Spacing between kernel columns (1: dense kernel). */
  readonly dilationW: number;
  /** Channel groups: C and O are both divisible by it; w is `[O, C/groups, kH, kW]`. */
  readonly groups: number;
}

/**
 * Geometry of a 2-D pooling window (PyTorch semantics, symmetric padding). The output size is
 * floor((H + 2·pad - kernel) / stride) + 1 (there is no ceil mode) and pad <= kernel / 2, so no
 * window lies wholly in the padding; average pooling has no divisor override.
 */
export interface Pool2dParams {
  /** Window height. */
  readonly kernelH: number;
  /** Window width. */
  readonly kernelW: number;
  /** Vertical step between windows: Ho = floor((H + 2·padH − kernelH) / strideH) + 1. */
  readonly strideH: number;
  /** Horizontal step between windows (the same rule for Wo). */
  readonly strideW: number;
  /** Rows of padding above and below (<= kernelH / 2). */
  readonly padH: number;
  /** Columns of padding left and right (<= kernelW / 2). */
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
  /** 'linear' only: map the corner samples of input and output onto each other (PyTorch's align_corners). */
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
  /** Learning rate: p -= lr·d. */
  readonly lr: number;
  /** Momentum factor μ (0: no momentum buffer). */
  readonly momentum: number;
  /** Dampening τ of the momentum update: buf = μ·buf + (1 − τ)·d. */
  readonly dampening: number;
  /** Nesterov momentum: step with d + μ·buf instead of buf. */
  readonly nesterov: boolean;
  /** L2 penalty λ added to the gradient: d = g + λ·p. */
  readonly weightDecay: number;
  /** True on the buffer's first step: buf = d (no dampening). */
  readonly first: boolean;
}

/** One Adam/AdamW step's hyper-parameters; `step` counts from 1 (for the bias corrections). */
export interface AdamUpdateParams {
  /** Learning rate. */
  readonly lr: number;
  /** β₁, decay of the first-moment average m (PyTorch default 0.9). */
  readonly beta1: number;
  /** β₂, decay of the second-moment average v (PyTorch default 0.999). */
  readonly beta2: number;
  /** ε added to the denominator √v̂ / √(1 − β₂ᵗ) for stability. */
  readonly eps: number;
  /** Weight decay λ: added to the gradient as λ·p (Adam) or p -= lr·λ·p (AdamW, `decoupled`). */
  readonly weightDecay: number;
  /** AdamW: decay the parameter directly instead of adding λ·p to the gradient. */
  readonly decoupled: boolean;
  /** AMSGrad: use the running max of v (`maxExpAvgSq`) in the denominator. */
  readonly amsgrad: boolean;
  /** The step number t, counting from 1 (bias corrections 1 − β₁ᵗ and 1 − β₂ᵗ). */
  readonly step: number;
}

/**
 * Adam's bias corrections for step t (counted from 1): bc1 = 1 - β₁ᵗ and sqrtBc2 = √(1 - β₂ᵗ),
 * computed once per step in float64 (kernels take them as arguments; one rule for every backend).
 *
 * @example
 * ```ts
 * adamBiasCorrections({ beta1: 0.9, beta2: 0.999, step: 1 }); // { bc1: 0.1, sqrtBc2: 0.0316... }
 * ```
 */
export function adamBiasCorrections(o: Pick<AdamUpdateParams, 'beta1' | 'beta2' | 'step'>): {
  /** 1 − β₁ᵗ, the first moment's correction. */
  bc1: number;
  /** √(1 − β₂ᵗ), the square root of the second moment's correction. */
  sqrtBc2: number;
} {
  return { bc1: 1 - o.beta1 ** o.step, sqrtBc2: Math.sqrt(1 - o.beta2 ** o.step) };
}
