/**
 * The backend contract: everything a kernel package implements so that layers and training code
 * run on it unchanged. Small on purpose: storage, ~35 required kernels and a few optional fast
 * paths. Autograd, views, broadcasting rules, random numbers and memory accounting live in the
 * front end (`@nnet/tensor`); a backend only moves numbers.
 *
 * Conventions every kernel follows:
 * - Every `TensorInfo` describes a dense row-major buffer starting at element 0 of its handle
 *   (the front end materialises views with `copyStrided` before calling any other kernel).
 * - Output buffers are allocated by the front end and passed in `out`; a kernel writes every
 *   element of `out` (except `scatterAdd`, which accumulates into it) and allocates nothing that
 *   outlives the call.
 * - Shapes are already validated: a kernel may assume they are consistent.
 * - A 0-d tensor has `shape` `[]` and one element; a tensor with a zero in its shape has none.
 */

import type {
  AdamUpdateParams,
  ArgReduceOp,
  AttentionParams,
  BinaryOp,
  CompareOp,
  Conv2dParams,
  CrossEntropyParams,
  FusedActivation,
  MatmulOptions,
  Pool2dParams,
  ReduceOp,
  ResizeAxisParams,
  SGDUpdateParams,
  StridedInfo,
  TensorInfo,
  UnaryOp,
} from './backend_params.js';
import type { DType, TypedArray } from './dtype.js';

export * from './backend_params.js';

/**
 * Kernels every backend implements. Elementwise inputs broadcast NumPy-style to `out.shape`:
 * the front end left-pads every input shape with 1s to the rank of `out`, so each input dim is
 * either equal to out's dim or 1.
 */
export interface RequiredKernels<H = unknown> {
  /**
   * out = op(x), same shape and dtype. Requested on float32 for every op, on int32 only for
   * neg, abs, sign and relu (the front end promotes int32 to float32 for the others), and on bool
   * only for `logicalNot` (bool in, bool out). PyTorch's values at the edges: sign(NaN) = 0,
   * sign(±0) = ±0, round is half-to-even, relu(NaN) = NaN.
   */
  unary(op: UnaryOp, x: TensorInfo<H>, out: TensorInfo<H>): void;
  /**
   * out = a op b with broadcasting; a, b and out share a dtype (`logical*`: bool). `pow` follows
   * C's pow (pow(1, NaN) = 1, pow(NaN, 0) = 1); maximum/minimum propagate NaN.
   */
  binary(op: BinaryOp, a: TensorInfo<H>, b: TensorInfo<H>, out: TensorInfo<H>): void;
  /**
   * out (bool) = a op b with broadcasting; a and b share a dtype. NaN compares false (ne: true);
   * bool inputs compare as numbers (false < true).
   */
  compare(op: CompareOp, a: TensorInfo<H>, b: TensorInfo<H>, out: TensorInfo<H>): void;
  /** out = cond ? a : b with broadcasting; cond is bool, a, b and out share a dtype. */
  where(cond: TensorInfo<H>, a: TensorInfo<H>, b: TensorInfo<H>, out: TensorInfo<H>): void;
  /**
   * out = x converted to out.dtype (`castScalar`): float → int32 truncates toward zero and
   * saturates, NaN → 0 (PyTorch leaves NaN, ±Inf and out-of-range undefined; this is
   * WebAssembly's i32.trunc_sat); to bool is x != 0 (NaN → true).
   */
  cast(x: TensorInfo<H>, out: TensorInfo<H>): void;
  /** Every element of out = value converted to out.dtype like `cast` (`castScalar`). */
  fill(out: TensorInfo<H>, value: number): void;
  /** out[i...] = x.storage[x.offset + sum(i_k * x.strides[k])]; materialises any view. */
  copyStrided(x: StridedInfo<H>, out: TensorInfo<H>): void;
  /**
   * Reduces x over `axes` (sorted, distinct). `out.shape` is x.shape with those axes set to 1.
   * The reduction of an empty set is 0 (sum) or 1 (prod); max and min over an empty set are never
   * requested (the front end throws, as PyTorch does), though float32 backends may return ∓Infinity.
   * `sum` of bool or int32 yields int32 (out.dtype says which).
   */
  reduce(op: ReduceOp, x: TensorInfo<H>, axes: readonly number[], out: TensorInfo<H>): void;
  /** Index (int32) of the first max/min along `axis`; out.shape is x.shape with axis set to 1. NaN wins. */
  argReduce(op: ArgReduceOp, x: TensorInfo<H>, axis: number, out: TensorInfo<H>): void;
  /**
   * Batched product out[b] = op(a[b]) · op(b[b]). `a` is [Ba, M, K] ([Ba, K, M] if transA), `b`
   * is [Bb, K, N] ([Bb, N, K] if transB), out is [B, M, N], with Ba and Bb each 1 or B (a batch
   * of 1 broadcasts). float32 only.
   */
  matmul(a: TensorInfo<H>, b: TensorInfo<H>, out: TensorInfo<H>, options: MatmulOptions): void;
  /**
   * PyTorch `gather`: out[i][j][k] = x[index[i][j][k]][j][k] for axis 0 (and so on). index is
   * int32 with the rank of x; out has index's shape. The front end range-checks indices only where
   * the backend reads synchronously (and `setDebug({ checkIndices })` is on), so a kernel must never
   * read out of bounds: an index outside [0, x.shape[axis]) yields 0 (false for bool).
   */
  gather(x: TensorInfo<H>, axis: number, index: TensorInfo<H>, out: TensorInfo<H>): void;
  /**
   * PyTorch `scatter_add_` in place: out[index[i][j][k]][j][k] += src[i][j][k] for axis 0.
   * index and src share a shape; out keeps its contents and accumulates. A contribution whose index
   * is outside [0, out.shape[axis]) is dropped: a kernel never writes out of bounds.
   */
  scatterAdd(out: TensorInfo<H>, axis: number, index: TensorInfo<H>, src: TensorInfo<H>): void;
}

/**
 * Fast paths a backend may provide. The front end holds a reference decomposition of each one
 * (built from required kernels, one file per kernel in `src/reference/`, with the kernel's
 * signature: `referenceKernels`) and runs it whenever the backend lacks the kernel
 * (`optionalKernel(backend, name)`).
 */
export interface OptionalKernels<H = unknown> {
  /** x [N, C, H, W], w [O, C/groups, kH, kW], bias [O] or null, out [N, O, Ho, Wo]. float32. */
  conv2d(
    x: TensorInfo<H>,
    w: TensorInfo<H>,
    bias: TensorInfo<H> | null,
    params: Conv2dParams,
    out: TensorInfo<H>,
  ): void;
  /** dx [N, C, H, W] = gradient of conv2d wrt x, from dy [N, O, Ho, Wo] and w. */
  conv2dBackwardInput(dy: TensorInfo<H>, w: TensorInfo<H>, params: Conv2dParams, dx: TensorInfo<H>): void;
  /** dw [O, C/groups, kH, kW] = gradient of conv2d wrt w, from x and dy. */
  conv2dBackwardFilter(x: TensorInfo<H>, dy: TensorInfo<H>, params: Conv2dParams, dw: TensorInfo<H>): void;
  /**
   * Max pooling of x [N, C, H, W] (padding counts as -Infinity) into out [N, C, Ho, Wo];
   * `indices` (int32, out's shape) receives each max's flat position h * W + w in its input plane.
   * Ties go to the first position in row-major window order; a NaN wins (value and index).
   */
  maxPool2d(x: TensorInfo<H>, params: Pool2dParams, out: TensorInfo<H>, indices: TensorInfo<H>): void;
  /** dx [N, C, H, W] (written in full) from dy and the indices maxPool2d produced. */
  maxPool2dBackward(dy: TensorInfo<H>, indices: TensorInfo<H>, dx: TensorInfo<H>): void;
  /** Average pooling of x [N, C, H, W] into out [N, C, Ho, Wo]. */
  avgPool2d(x: TensorInfo<H>, params: Pool2dParams, out: TensorInfo<H>): void;
  /** dx [N, C, H, W] (written in full) from dy [N, C, Ho, Wo]. */
  avgPool2dBackward(dy: TensorInfo<H>, params: Pool2dParams, dx: TensorInfo<H>): void;
  /**
   * out = softmax(x) along `axis`, computed stably (max subtracted). float32. A slice of all
   * -Infinity gives NaN, as in PyTorch.
   */
  softmax(x: TensorInfo<H>, axis: number, out: TensorInfo<H>): void;
  /** out = log(softmax(x)) along `axis`, computed stably. float32. All -Infinity gives NaN. */
  logSoftmax(x: TensorInfo<H>, axis: number, out: TensorInfo<H>): void;
  /**
   * In place, one SGD step for a parameter (all float32, same size):
   *   d = g + λ·p;  buf = d (first step) or μ·buf + (1 - τ)·d;  d = d + μ·buf (Nesterov) or buf;  p -= lr·d
   * `momentumBuf` is null when momentum is 0.
   */
  sgdUpdate(
    param: TensorInfo<H>,
    grad: TensorInfo<H>,
    momentumBuf: TensorInfo<H> | null,
    params: SGDUpdateParams,
  ): void;
  /**
   * In place, one Adam (or AdamW, `decoupled`) step: m = β₁m + (1 - β₁)g, v = β₂v + (1 - β₂)g²,
   * v̂ = max(v̂, v) with amsgrad, p -= lr/(1 - β₁ᵗ) · m / (√v̂/√(1 - β₂ᵗ) + ε).
   */
  adamUpdate(
    param: TensorInfo<H>,
    grad: TensorInfo<H>,
    expAvg: TensorInfo<H>,
    expAvgSq: TensorInfo<H>,
    maxExpAvgSq: TensorInfo<H> | null,
    params: AdamUpdateParams,
  ): void;
  /**
   * out [M, N] = act(x [M, K] · w[N, K]ᵀ + bias [N]). float32. The activation is applied in the
   * epilogue (the front end's fused `linear(x, w, b, { activation })` requests all four; its
   * gradient uses the saved output: relu' = out > 0, tanh' = 1 − out², sigmoid' = out·(1 − out)).
   */
  linear(
    x: TensorInfo<H>,
    w: TensorInfo<H>,
    bias: TensorInfo<H> | null,
    activation: FusedActivation,
    out: TensorInfo<H>,
  ): void;
  /**
   * Fused scaled dot-product attention forward over B independent (batch × head) slices:
   *   s = scale · q[b]·k[b]ᵀ + mask[b]  (−Infinity where `causal` and j > i)
   *   out[b] = softmax(s)·v[b],  logsumexp[b, i] = log Σⱼ exp(s[i, j])
   * q [B, L, E], k [B, S, E], v [B, S, Ev], mask null or float32 additive [Bm, L, S] with Bm 1
   * (shared) or B, out [B, L, Ev], logsumexp [B, L]. float32, L and S > 0. A row whose scores are
   * all −Infinity gives NaN in out and −Infinity in logsumexp (as PyTorch's math). The kernel need
   * not keep the [L, S] matrix: it may stream over key blocks with a running max and sum
   * (flash-attention style). There is no backward kernel: the front end's gradient recomputes
   * P = exp(s − logsumexp) from the saved q, k, mask and logsumexp. Dropout is never requested
   * (the front end decomposes when dropoutP > 0). Reference: `attentionReference` in
   * reference/attention.ts.
   */
  attention(
    q: TensorInfo<H>,
    k: TensorInfo<H>,
    v: TensorInfo<H>,
    mask: TensorInfo<H> | null,
    params: AttentionParams,
    out: TensorInfo<H>,
    logsumexp: TensorInfo<H>,
  ): void;
  /**
   * Sorts each row of x [R, n] (float32 or int32; the front end moves the sorted dim last and
   * makes it dense) ascending, or descending when `descending`. Stable: equal values keep their
   * order. NaN sorts as the largest value (last ascending, first descending), NaNs in their order.
   * values [R, n] (x's dtype) and indices int32 [R, n] (position in the row) are written in full.
   */
  sortRows(x: TensorInfo<H>, descending: boolean, values: TensorInfo<H>, indices: TensorInfo<H>): void;
  /**
   * Inclusive running sum along `axis` of x (float32 or int32; out the same dtype and shape):
   *   out[..., i, ...] = Σ_{j<=i} x[..., j, ...], or Σ_{j>=i} when `reverse` (the gradient's form).
   * float32 accumulates in order in float32 (as PyTorch's CPU cumsum).
   */
  cumsum(x: TensorInfo<H>, axis: number, reverse: boolean, out: TensorInfo<H>): void;
  /** Resizes float32 x along params.axis into out (same rank; only that dim differs). */
  resizeAxis(x: TensorInfo<H>, params: ResizeAxisParams, out: TensorInfo<H>): void;
  /** The adjoint of resizeAxis: dx (x's shape, written in full, zero where nothing maps) from dy. */
  resizeAxisBackward(dy: TensorInfo<H>, params: ResizeAxisParams, dx: TensorInfo<H>): void;
  /**
   * Fused softmax cross-entropy forward over logits [N, C] (float32) and target int32 [N]:
   *   logsumexp[n] = log Σ_c exp(logits[n, c])   (stable: max subtracted)
   *   loss[n] = logsumexp[n] − logits[n, target[n]], or 0 when target[n] = ignoreIndex.
   * loss [N] and logsumexp [N] float32. The front end validates targets (0 <= t < C or ignoreIndex)
   * before the call; a row of all −Infinity gives NaN as PyTorch.
   */
  crossEntropy(
    logits: TensorInfo<H>,
    target: TensorInfo<H>,
    params: CrossEntropyParams,
    loss: TensorInfo<H>,
    logsumexp: TensorInfo<H>,
  ): void;
  /**
   * Its gradient: dlogits[n, c] = dloss[n] · (exp(logits[n, c] − logsumexp[n]) − [c = target[n]]),
   * and 0 for the whole row when target[n] = ignoreIndex. dloss [N] float32; dlogits [N, C] written in full.
   */
  crossEntropyBackward(
    logits: TensorInfo<H>,
    target: TensorInfo<H>,
    logsumexp: TensorInfo<H>,
    dloss: TensorInfo<H>,
    params: CrossEntropyParams,
    dlogits: TensorInfo<H>,
  ): void;
}

/** The name of a required kernel method: 'unary', 'binary', ..., 'scatterAdd' (see REQUIRED_KERNELS). */
export type RequiredKernelName = keyof RequiredKernels;
/** The name of an optional kernel method: 'conv2d', ..., 'crossEntropyBackward' (see OPTIONAL_KERNELS). */
export type OptionalKernelName = keyof OptionalKernels;

/**
 * The required kernel methods, in contract order.
 *
 * ```ts
 * const myBackend = getBackend();
 * REQUIRED_KERNELS.slice(0, 4)   // ['unary', 'binary', 'compare', 'where'] (12 in all)
 * const missing = REQUIRED_KERNELS.filter((k) => typeof myBackend[k] !== 'function');
 * ```
 */
export const REQUIRED_KERNELS: readonly RequiredKernelName[] = [
  'unary',
  'binary',
  'compare',
  'where',
  'cast',
  'fill',
  'copyStrided',
  'reduce',
  'argReduce',
  'matmul',
  'gather',
  'scatterAdd',
];

/**
 * The optional kernel methods, in contract order: each has a reference decomposition
 * (`referenceKernels`) that runs when a backend lacks it.
 *
 * ```ts
 * const backend = getBackend();
 * OPTIONAL_KERNELS.filter((k) => !hasKernel(backend, k))   // what the backend decomposes
 * ```
 */
export const OPTIONAL_KERNELS: readonly OptionalKernelName[] = [
  'conv2d',
  'conv2dBackwardInput',
  'conv2dBackwardFilter',
  'maxPool2d',
  'maxPool2dBackward',
  'avgPool2d',
  'avgPool2dBackward',
  'softmax',
  'logSoftmax',
  'linear',
  'sgdUpdate',
  'adamUpdate',
  'attention',
  'sortRows',
  'cumsum',
  'resizeAxis',
  'resizeAxisBackward',
  'crossEntropy',
  'crossEntropyBackward',
];

/** Storage: opaque handles that hold the numbers of one tensor storage each. */
export interface BackendStorage<H = unknown> {
  /**
   * The most bytes one storage may hold on this backend (optional). The front end refuses a larger
   * tensor with a `MemoryError` (naming the op, the bytes requested and this limit) before calling
   * `alloc`; without it the limit is 4 GiB (wasm32's address space). Independently of it, no
   * storage holds more than 2^31 - 1 elements (the int32 index range). Declare the true ceiling:
   * a typed-array backend the engine's largest typed array, a WebAssembly backend its memory's
   * maximum, a GPU backend its device's `maxBufferSize`.
   */
  readonly maxStorageBytes?: number;
  /**
   * Allocates storage for `size` elements of `dtype`; contents are unspecified. If the device runs
   * out of memory anyway, throwing (any error) is fine: the front end reports it as a
   * `MemoryError` naming the op.
   */
  alloc(dtype: DType, size: number): H;
  /** Releases a handle; it is never used again. */
  free(handle: H): void;
  /** Copies `data` into the handle starting at element `offset` (default 0). */
  write(handle: H, data: TypedArray, offset?: number): void;
  /** Reads `size` elements of `dtype` into a fresh array. */
  read(handle: H, dtype: DType, size: number): Promise<TypedArray>;
  /** Synchronous read, where the device allows it (CPU and WASM do; a GPU may not). */
  readSync?(handle: H, dtype: DType, size: number): TypedArray;
  /**
   * Storages the backend holds right now and their bytes: the sum over live storages of
   * size × bytes per element (1 for bool, 4 otherwise), not counting allocator rounding or
   * scratch space. The leak checks read it. `reserved` (optional) is what the backend holds from
   * the system for storages — pools, free lists, the extent of a WebAssembly heap — for
   * `memoryStats()`.
   */
  memory(): {
    /** Live storages (allocated and not yet freed). */
    storages: number;
    /** Σ size × bytes per element over the live storages. */
    bytes: number;
    /** Bytes held from the system for storages, pools included (optional). */
    reserved?: number;
  };
}

/**
 * A backend: a name, storage, the required kernels and any optional ones. Implement it as a
 * plain object or a class and register a factory with `registerBackend`.
 *
 *   registerBackend('mine', () => ({ name: 'mine', ...storage, ...requiredKernels }));
 *
 * The optional kernels (each described under `OptionalKernels`, where the shapes are given):
 * @property conv2d 2-D convolution: x [N, C, H, W], w [O, C/groups, kH, kW], bias [O] or null → out [N, O, Ho, Wo].
 * @property conv2dBackwardInput conv2d's gradient wrt x: dy [N, O, Ho, Wo] and w → dx [N, C, H, W].
 * @property conv2dBackwardFilter conv2d's gradient wrt w: x and dy [N, O, Ho, Wo] → dw [O, C/groups, kH, kW].
 * @property maxPool2d Max pooling: x [N, C, H, W] → out [N, C, Ho, Wo] and int32 indices (flat h·W + w).
 * @property maxPool2dBackward maxPool2d's gradient: dy and the indices → dx [N, C, H, W].
 * @property avgPool2d Average pooling: x [N, C, H, W] → out [N, C, Ho, Wo].
 * @property avgPool2dBackward avgPool2d's gradient: dy [N, C, Ho, Wo] → dx [N, C, H, W].
 * @property softmax out = softmax(x) along an axis, computed stably (x's shape).
 * @property logSoftmax out = log(softmax(x)) along an axis, computed stably (x's shape).
 * @property linear out [M, N] = act(x [M, K] · w [N, K]ᵀ + bias [N]).
 * @property sgdUpdate One in-place SGD step of a parameter (momentum, dampening, Nesterov, weight decay).
 * @property adamUpdate One in-place Adam/AdamW step of a parameter (optionally AMSGrad).
 * @property attention Fused scaled dot-product attention: q [B, L, E], k [B, S, E], v [B, S, Ev] → out [B, L, Ev], logsumexp [B, L].
 * @property sortRows Stable sort of each row of x [R, n] → values [R, n] and int32 indices [R, n].
 * @property cumsum Inclusive running sum along an axis (or reversed), x's shape and dtype.
 * @property resizeAxis Resizes x along one axis (nearest or linear, PyTorch's index rules).
 * @property resizeAxisBackward resizeAxis's adjoint: dy → dx (x's shape).
 * @property crossEntropy Fused softmax cross-entropy: logits [N, C], int32 target [N] → loss [N], logsumexp [N].
 * @property crossEntropyBackward crossEntropy's gradient: dloss [N] → dlogits [N, C].
 */
export interface Backend<H = unknown>
  extends BackendStorage<H>,
    RequiredKernels<H>,
    Partial<OptionalKernels<H>> {
  /** The backend's name, e.g. 'cpu', 'wasm' or 'webgpu' (shown in errors and support matrices). */
  readonly name: string;
  /** Releases everything the backend holds (optional). */
  dispose?(): void;
}

/** A backend known to implement the optional kernel `N` (what `hasKernel` narrows to). */
export type BackendWith<N extends OptionalKernelName, H = unknown> = Backend<H> &
  Required<Pick<OptionalKernels<H>, N>>;

/**
 * True when the backend implements the optional kernel `name`; a type guard, so
 * `backend[name]` needs no `!` after it. To run a kernel or its reference decomposition, use
 * `optionalKernel` (reference/index.ts) instead of branching on this.
 *
 * ```ts
 * const backend = getBackend(); // after import '@nnet/backend-cpu'
 * const info = (data: number[], shape: number[]): TensorInfo => {
 *   const handle = backend.alloc('float32', data.length);
 *   backend.write(handle, new Float32Array(data));
 *   return { handle, dtype: 'float32', shape };
 * };
 * const x = info([1, 2, 3], [3]);
 * const out = info([0, 0, 0], [3]);
 * if (hasKernel(backend, 'cumsum')) backend.cumsum(x, 0, false, out); // no `!` needed
 * await backend.read(out.handle, 'float32', 3)   // [1, 3, 6] (the cpu backend has cumsum)
 * ```
 */
export function hasKernel<N extends OptionalKernelName, H>(
  backend: Backend<H>,
  name: N,
): backend is BackendWith<N, H> {
  return typeof backend[name] === 'function';
}

/**
 * Creates a backend, possibly asynchronously (WASM instantiation). `requested` is true when the
 * backend was asked for by name (`setBackend`), false when the registry chose it by priority.
 */
export type BackendFactory<H = unknown> = (context: {
  requested: boolean;
}) => Backend<H> | Promise<Backend<H>>;
