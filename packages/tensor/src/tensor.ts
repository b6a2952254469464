/**
 * `Tensor`: an n-dimensional array on a backend, with PyTorch semantics. A tensor is a strided
 * view (shape, strides, offset) of a reference-counted storage; views share the storage.
 *
 * Every op is available as a method here and as a free function of the same name.
 */

import type { Node } from './autograd.js';
import * as ag from './autograd.js';
import type { StridedInfo, TensorInfo } from './backend.js';
import { type DType, isFloat, type TypedArray } from './dtype.js';
import './disposable.js';
import { BackendError, DisposedError, DTypeError, ValueError } from './errors.js';
import { formatTensor } from './format.js';
import { touch } from './lifetime.js';
import * as act from './ops/activation.js';
import * as ax from './ops/activation_extra.js';
import * as at from './ops/attention.js';
import * as b from './ops/binary.js';
import * as c from './ops/compare.js';
import * as cr from './ops/creation.js';
import * as ix from './ops/indexing.js';
import * as j from './ops/join.js';
import * as mk from './ops/masking.js';
import * as mx from './ops/math_extra.js';
import * as mm from './ops/matmul.js';
import * as r from './ops/reduce.js';
import * as rx from './ops/reduce_extra.js';
import * as scn from './ops/scan.js';
import * as sct from './ops/scatter.js';
import * as shx from './ops/shape_extra.js';
import * as sm from './ops/softmax.js';
import * as srt from './ops/sort.js';
import * as tr from './ops/trig.js';
import * as u from './ops/unary.js';
import * as v from './ops/views.js';
import { keep, track } from './scope.js';
import { contiguousStrides, fmtShape, type Shape, sizeOf } from './shape.js';
import { countTensor, type Storage } from './storage.js';

/** A tensor or a plain number (numbers become 0-d tensors of a matching dtype). */
export type TensorLike = Tensor | number;
/** One dim, a list of dims, or undefined for all dims. */
export type Dims = number | readonly number[];

let nextId = 1;
let debugLeaks = false;

/** Tensors the program dropped without `dispose()`: the storage is freed when they are collected. */
const finalizer = new FinalizationRegistry<{
  storage: Storage;
  node: Node | null;
  internal: boolean;
  id: number;
}>((held) => {
  if (debugLeaks && !held.internal) {
    console.warn(`nnet: tensor #${held.id} was garbage-collected without dispose(); freeing its storage.`);
  }
  held.node?.release();
  held.storage.release();
  if (!held.internal) countTensor(held.storage.backendName, -1);
});

/** In debug mode, tensors freed by the garbage collector rather than `dispose()` are reported. */
export function setDebugLeaks(on: boolean): void {
  debugLeaks = on;
}

/**
 * An n-dimensional array of float32, int32 or bool on a backend: shape, dtype, a strided view of a
 * reference-counted storage, and (for float32) autograd. Make one with `tensor`, `zeros`, `randn`,
 * ...; every op is a method here and a free function of the same name.
 *
 *   const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 *   x.mul(x).sum().backward();   // x.grad = [[2, 4], [6, 8]]
 */
export class Tensor {
  /** Unique id, handy in debug messages. */
  readonly id = nextId++;
  /** Gradient accumulated by `backward()` (a float32 tensor of this shape), or null. */
  grad: Tensor | null = null;

  /** @internal autograd node that made this tensor (null for leaves and untracked results). */
  _node: Node | null = null;
  private _requiresGrad = false;
  private _disposed = false;
  private _freedReason: string | null = null;
  /** @internal Step-clock stamp of a loose tensor (lifetime.ts); -1 when held, scoped or disposed. */
  _gen = -1;
  /** @internal Forward-clock stamp of a loose tensor made under noGrad; -1 otherwise. */
  _fgen = -1;
  /** @internal Open asynchronous scopes owning this tensor (scope.ts). */
  _asyncOwners = 0;
  /** @internal Returned by an asynchronous scope: never freed by one. */
  _escaped = false;
  private readonly _held: { storage: Storage; node: Node | null; internal: boolean; id: number };

  /**
   * @internal Use `tensor()`, `zeros()`, ... to make tensors. `internal` tensors (values the
   * autograd graph saved) are neither counted by `memory()` nor tracked by `tidy`.
   */
  constructor(
    /** @internal */ readonly _storage: Storage,
    readonly shape: Shape,
    readonly dtype: DType,
    readonly strides: readonly number[] = contiguousStrides(shape),
    readonly offset = 0,
    /** @internal */ readonly _internal = false,
  ) {
    this._held = { storage: _storage, node: null, internal: _internal, id: this.id };
    finalizer.register(this, this._held, this);
    if (!_internal) {
      countTensor(_storage.backendName, 1);
      track(this);
    }
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Number of dims. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Name of the backend holding this tensor's storage. */
  get backend(): string {
    return this._storage.backendName;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Whether gradients flow to this tensor. Only float tensors can require grad. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  set requiresGrad(on: boolean) {
    if (on && !isFloat(this.dtype)) {
      throw new DTypeError(
        `requiresGrad: only float32 tensors can require gradients, this one is ${this.dtype}. ` +
          "Cast it first: t.to('float32').",
      );
    }
    if (!on && this._node) {
      throw new ValueError('requiresGrad: cannot turn off gradients of a non-leaf tensor; use detach().');
    }
    this._requiresGrad = on;
  }

  /** True for tensors not made by a tracked op (user-made tensors and parameters). */
  get isLeaf(): boolean {
    return this._node === null;
  }

  /** @internal Sets the autograd node (called once, by the op that made this tensor). */
  _setNode(node: Node): void {
    this._node = node;
    this._held.node = node;
    this._requiresGrad = true;
  }

  /** @internal Throws DisposedError if this tensor was disposed; marks it as used now. */
  _check(op: string): this {
    if (this._disposed) {
      const why =
        this._freedReason ??
        'by dispose() or at the end of the tidy() that made it. Return it from tidy or keep() it to use it later';
      throw new DisposedError(
        `${op}: tensor #${this.id} with shape ${fmtShape(this.shape)} was ${this._freedReason ? '' : 'disposed '}${why}.`,
      );
    }
    touch(this);
    return this;
  }

  /** True when the elements are laid out row-major with no gaps (offset may be non-zero). */
  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i] === 1) continue;
      if (this.strides[i] !== expected) return this.size === 0;
      expected *= this.shape[i];
    }
    return true;
  }

  /** @internal True when kernels can read this tensor directly (contiguous from element 0). */
  _isDense(): boolean {
    return this.offset === 0 && this.isContiguous();
  }

  /** @internal The kernel view of a dense tensor. */
  _info(): TensorInfo {
    return { handle: this._storage.handle, dtype: this.dtype, shape: this.shape };
  }

  /** @internal The strided view, for copyStrided. */
  _strided(): StridedInfo {
    return {
      handle: this._storage.handle,
      dtype: this.dtype,
      shape: this.shape,
      strides: this.strides,
      offset: this.offset,
    };
  }

  /** @internal Frees this tensor on the library's initiative, remembering why for later misuse. */
  _reclaim(reason: string): void {
    if (this._disposed) return;
    this._freedReason = reason;
    this.dispose();
  }

  /** Releases this tensor's reference to its storage. Safe to call twice. */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._gen = -1;
    this._fgen = -1;
    finalizer.unregister(this);
    if (this._node) {
      this._node.release();
      this._node = null;
      this._held.node = null;
    }
    this._storage.release();
    if (!this._internal) countTensor(this._storage.backendName, -1);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Removes this tensor from every open `tidy` scope so it outlives them. */
  keep(): this {
    return keep(this);
  }

  // ---- reading -------------------------------------------------------------------------------

  /** The elements, row-major, as a fresh typed array (Float32Array, Int32Array or Uint8Array). */
  async data(): Promise<TypedArray> {
    this._check('data');
    const dense = this._isDense() ? this : v.contiguousUntracked(this);
    try {
      return await dense._storage.backend.read(dense._storage.handle, this.dtype, this.size);
    } finally {
      if (dense !== this) dense.dispose();
    }
  }

  /** Synchronous `data()`, on backends that can read synchronously (CPU and WASM can). */
  dataSync(): TypedArray {
    this._check('dataSync');
    const backend = this._storage.backend;
    if (!backend.readSync) {
      throw new BackendError(
        `dataSync: backend '${this.backend}' cannot read synchronously; use await t.data() instead.`,
      );
    }
    const dense = this._isDense() ? this : v.contiguousUntracked(this);
    try {
      return backend.readSync(dense._storage.handle, this.dtype, this.size);
    } finally {
      if (dense !== this) dense.dispose();
    }
  }

  /** The elements as nested arrays (a number for a 0-d tensor; booleans for bool). */
  toArray(): NestedArray {
    const data = this.dataSync();
    const isBool = this.dtype === 'bool';
    const build = (dim: number, off: number): NestedArray => {
      if (dim === this.ndim) return isBool ? data[off] !== 0 : data[off];
      const n = this.shape[dim];
      const step = sizeOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < n; i++) out.push(build(dim + 1, off + i * step));
      return out;
    };
    return build(0, 0);
  }

  /** The single element of a one-element tensor, as a number. */
  item(): number {
    this._check('item');
    if (this.size !== 1) {
      throw new ValueError(
        `item: only one-element tensors can be converted to a number, this one has shape ${fmtShape(this.shape)}. ` +
          'Reduce it first (e.g. .sum() or .mean()) or use toArray().',
      );
    }
    return this.dataSync()[0];
  }

  /** PyTorch-style printout: `tensor([[1.0000, 2.0000], ...], requiresGrad=true)`. */
  toString(): string {
    if (this._disposed) return `tensor(<disposed>, shape=${fmtShape(this.shape)})`;
    return formatTensor(this);
  }

  // ---- autograd ------------------------------------------------------------------------------

  /**
   * Computes gradients of this tensor with respect to every leaf that requires grad, adding them
   * into each leaf's `.grad`. A non-scalar tensor needs `grad`, the gradient of the final value
   * with respect to it. The graph is freed afterwards unless `retainGraph` is set.
   */
  backward(grad?: Tensor, options: { retainGraph?: boolean } = {}): void {
    ag.backward(this, grad, options);
  }

  /** A tensor sharing this storage, cut from the autograd graph. */
  detach(): Tensor {
    return v.detach(this);
  }

  /** Sets requiresGrad and returns this tensor (chainable). */
  requiresGrad_(on = true): this {
    this.requiresGrad = on;
    return this;
  }

  /**
   * Copies `src`'s values into this tensor's storage in place (no gradient is recorded). Used by
   * optimizers and `loadStateDict`. Shapes must match; dtypes are converted.
   */
  assign(src: Tensor): this {
    cr.assign(this, src);
    return this;
  }

  /** A copy with its own storage (tracked by autograd like an identity op). */
  clone(): Tensor {
    return v.clone(this);
  }

  /** Converts to another dtype (a no-op copy-free view if it already has it). */
  to(dtype: DType): Tensor {
    return u.cast(this, dtype);
  }

  // ---- views and shape -----------------------------------------------------------------------

  reshape(shape: readonly number[]): Tensor {
    return v.reshape(this, shape);
  }
  view(shape: readonly number[]): Tensor {
    return v.view(this, shape);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return v.transpose(this, dim0, dim1);
  }
  /** Transpose of a 2-D tensor (or a no-op for 0-d and 1-d). */
  t(): Tensor {
    return v.t(this);
  }
  permute(dims: readonly number[]): Tensor {
    return v.permute(this, dims);
  }
  squeeze(dim?: Dims): Tensor {
    return v.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return v.unsqueeze(this, dim);
  }
  expand(shape: readonly number[]): Tensor {
    return v.expand(this, shape);
  }
  expandAs(other: Tensor): Tensor {
    return v.expand(this, other.shape);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return v.narrow(this, dim, start, length);
  }
  /** Python-like slice along one dim: `x.slice(0, 1, 3)` is `x[1:3]`. */
  slice(dim: number, start?: number, end?: number, step?: number): Tensor {
    return v.slice(this, dim, start, end, step);
  }
  select(dim: number, index: number): Tensor {
    return v.select(this, dim, index);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return v.flatten(this, startDim, endDim);
  }
  contiguous(): Tensor {
    return v.contiguous(this);
  }

  // ---- elementwise ---------------------------------------------------------------------------

  add(other: TensorLike, alpha?: number): Tensor {
    return b.add(this, other, alpha);
  }
  sub(other: TensorLike, alpha?: number): Tensor {
    return b.sub(this, other, alpha);
  }
  mul(other: TensorLike): Tensor {
    return b.mul(this, other);
  }
  div(other: TensorLike): Tensor {
    return b.div(this, other);
  }
  pow(exponent: TensorLike): Tensor {
    return b.pow(this, exponent);
  }
  maximum(other: TensorLike): Tensor {
    return b.maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return b.minimum(this, other);
  }
  neg(): Tensor {
    return u.neg(this);
  }
  abs(): Tensor {
    return u.abs(this);
  }
  sign(): Tensor {
    return u.sign(this);
  }
  exp(): Tensor {
    return u.exp(this);
  }
  log(): Tensor {
    return u.log(this);
  }
  log1p(): Tensor {
    return u.log1p(this);
  }
  sqrt(): Tensor {
    return u.sqrt(this);
  }
  rsqrt(): Tensor {
    return u.rsqrt(this);
  }
  reciprocal(): Tensor {
    return u.reciprocal(this);
  }
  square(): Tensor {
    return u.square(this);
  }
  sin(): Tensor {
    return u.sin(this);
  }
  cos(): Tensor {
    return u.cos(this);
  }
  tanh(): Tensor {
    return u.tanh(this);
  }
  sigmoid(): Tensor {
    return u.sigmoid(this);
  }
  relu(): Tensor {
    return u.relu(this);
  }
  erf(): Tensor {
    return u.erf(this);
  }
  floor(): Tensor {
    return u.floor(this);
  }
  ceil(): Tensor {
    return u.ceil(this);
  }
  round(): Tensor {
    return u.round(this);
  }
  logicalNot(): Tensor {
    return u.logicalNot(this);
  }
  logicalAnd(other: TensorLike): Tensor {
    return b.logicalAnd(this, other);
  }
  logicalOr(other: TensorLike): Tensor {
    return b.logicalOr(this, other);
  }
  leakyRelu(negativeSlope = 0.01): Tensor {
    return act.leakyRelu(this, negativeSlope);
  }
  gelu(options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
    return act.gelu(this, options);
  }
  softplus(options: { beta?: number; threshold?: number } = {}): Tensor {
    return act.softplus(this, options);
  }
  clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor {
    return act.clamp(this, min, max);
  }
  isnan(): Tensor {
    return c.isnan(this);
  }
  isfinite(): Tensor {
    return c.isfinite(this);
  }

  // ---- comparisons ---------------------------------------------------------------------------

  eq(other: TensorLike): Tensor {
    return c.eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return c.ne(this, other);
  }
  lt(other: TensorLike): Tensor {
    return c.lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return c.le(this, other);
  }
  gt(other: TensorLike): Tensor {
    return c.gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return c.ge(this, other);
  }

  // ---- reductions ----------------------------------------------------------------------------

  sum(dim?: Dims, keepdim = false): Tensor {
    return r.sum(this, dim, keepdim);
  }
  mean(dim?: Dims, keepdim = false): Tensor {
    return r.mean(this, dim, keepdim);
  }
  max(dim?: Dims, keepdim = false): Tensor {
    return r.max(this, dim, keepdim);
  }
  min(dim?: Dims, keepdim = false): Tensor {
    return r.min(this, dim, keepdim);
  }
  prod(dim?: Dims, keepdim = false): Tensor {
    return r.prod(this, dim, keepdim);
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return r.argmax(this, dim, keepdim);
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return r.argmin(this, dim, keepdim);
  }
  var(dim?: Dims, keepdim = false, correction = 1): Tensor {
    return r.variance(this, dim, keepdim, correction);
  }
  std(dim?: Dims, keepdim = false, correction = 1): Tensor {
    return r.std(this, dim, keepdim, correction);
  }
  logsumexp(dim: Dims, keepdim = false): Tensor {
    return r.logsumexp(this, dim, keepdim);
  }

  // ---- linear algebra, softmax, indexing -----------------------------------------------------

  matmul(other: Tensor): Tensor {
    return mm.matmul(this, other);
  }
  softmax(dim: number): Tensor {
    return sm.softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return sm.logSoftmax(this, dim);
  }
  gather(dim: number, index: Tensor): Tensor {
    return ix.gather(this, dim, index);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return ix.indexSelect(this, dim, index);
  }
  oneHot(numClasses = -1, dtype: 'int32' | 'float32' = 'int32'): Tensor {
    return ix.oneHot(this, numClasses, dtype);
  }
  split(splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
    return j.split(this, splitSizeOrSections, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return j.chunk(this, chunks, dim);
  }
  where(condition: Tensor, other: TensorLike): Tensor {
    return b.where(condition, this, other);
  }

  // ---- masks and triangles (ops/masking.ts) ---------------------------------------------------

  /** The lower triangle of the last two dims (col - row <= diagonal), the rest 0. */
  tril(diagonal = 0): Tensor {
    return mk.tril(this, diagonal);
  }
  /** The upper triangle of the last two dims (col - row >= diagonal), the rest 0. */
  triu(diagonal = 0): Tensor {
    return mk.triu(this, diagonal);
  }
  /** `value` where the bool `mask` (broadcast) is true, this tensor elsewhere. */
  maskedFill(mask: Tensor, value: number | Tensor): Tensor {
    return mk.maskedFill(this, mask, value);
  }

  // ---- more activations (ops/activation_extra.ts) ---------------------------------------------

  silu(): Tensor {
    return ax.silu(this);
  }
  elu(alpha = 1): Tensor {
    return ax.elu(this, alpha);
  }
  selu(): Tensor {
    return ax.selu(this);
  }
  mish(): Tensor {
    return ax.mish(this);
  }
  hardtanh(minVal = -1, maxVal = 1): Tensor {
    return ax.hardtanh(this, minVal, maxVal);
  }
  relu6(): Tensor {
    return ax.relu6(this);
  }
  hardsigmoid(): Tensor {
    return ax.hardsigmoid(this);
  }
  hardswish(): Tensor {
    return ax.hardswish(this);
  }
  softsign(): Tensor {
    return ax.softsign(this);
  }
  logsigmoid(): Tensor {
    return ax.logsigmoid(this);
  }
  glu(dim = -1): Tensor {
    return ax.glu(this, dim);
  }
  prelu(weight: Tensor): Tensor {
    return ax.prelu(this, weight);
  }

  // ---- more elementwise math (ops/math_extra.ts) ----------------------------------------------

  tan(): Tensor {
    return tr.tan(this);
  }
  asin(): Tensor {
    return tr.asin(this);
  }
  acos(): Tensor {
    return tr.acos(this);
  }
  atan(): Tensor {
    return tr.atan(this);
  }
  sinh(): Tensor {
    return tr.sinh(this);
  }
  cosh(): Tensor {
    return tr.cosh(this);
  }
  asinh(): Tensor {
    return tr.asinh(this);
  }
  acosh(): Tensor {
    return tr.acosh(this);
  }
  atanh(): Tensor {
    return tr.atanh(this);
  }
  /** atan2(this, other): the angle of the point (other, this). */
  atan2(other: TensorLike): Tensor {
    return tr.atan2(this, other);
  }
  expm1(): Tensor {
    return tr.expm1(this);
  }
  log2(): Tensor {
    return mx.log2(this);
  }
  log10(): Tensor {
    return mx.log10(this);
  }
  trunc(): Tensor {
    return mx.trunc(this);
  }
  fmod(other: TensorLike): Tensor {
    return mx.fmod(this, other);
  }
  remainder(other: TensorLike): Tensor {
    return mx.remainder(this, other);
  }
  floorDivide(other: TensorLike): Tensor {
    return mx.floorDivide(this, other);
  }
  lerp(end: Tensor, weight: TensorLike): Tensor {
    return mx.lerp(this, end, weight);
  }
  addcmul(t1: Tensor, t2: Tensor, value = 1): Tensor {
    return mx.addcmul(this, t1, t2, value);
  }
  addcdiv(t1: Tensor, t2: Tensor, value = 1): Tensor {
    return mx.addcdiv(this, t1, t2, value);
  }
  logaddexp(other: TensorLike): Tensor {
    return mx.logaddexp(this, other);
  }
  xlogy(other: TensorLike): Tensor {
    return mx.xlogy(this, other);
  }
  /** clamp with tensor (or number) bounds that broadcast with this tensor. */
  clampTensor(min?: TensorLike | null, max?: TensorLike | null): Tensor {
    return mx.clampTensor(this, min, max);
  }

  // ---- more reductions (ops/reduce_extra.ts) -------------------------------------------------

  all(dim?: Dims, keepdim = false): Tensor {
    return rx.all(this, dim, keepdim);
  }
  any(dim?: Dims, keepdim = false): Tensor {
    return rx.any(this, dim, keepdim);
  }
  norm(p: rx.NormOrder = 2, dim?: Dims, keepdim = false): Tensor {
    return rx.norm(this, p, dim, keepdim);
  }
  cosineSimilarity(other: Tensor, dim = 1, eps = 1e-8): Tensor {
    return rx.cosineSimilarity(this, other, dim, eps);
  }
  cdist(other: Tensor, p = 2): Tensor {
    return rx.cdist(this, other, p);
  }

  // ---- more shape ops (ops/shape_extra.ts) ----------------------------------------------------

  /** Repeats along each dim (`repeats` has at least one entry per dim). */
  repeat(repeats: readonly number[]): Tensor {
    return shx.repeat(this, repeats);
  }
  tile(reps: readonly number[]): Tensor {
    return shx.tile(this, reps);
  }
  flip(dims: Dims): Tensor {
    return shx.flip(this, dims);
  }
  roll(shifts: number | readonly number[], dims?: Dims): Tensor {
    return shx.roll(this, shifts, dims);
  }
  /** Pads the last dims: [left, right, top, bottom, ...] (PyTorch's F.pad order). */
  pad(padding: readonly number[], options: shx.PadOptions = {}): Tensor {
    return shx.pad(this, padding, options);
  }
  diag(diagonal = 0): Tensor {
    return shx.diag(this, diagonal);
  }
  outer(other: Tensor): Tensor {
    return shx.outer(this, other);
  }

  // ---- scans, sorting, scatter (ops/scan.ts, ops/sort.ts, ops/scatter.ts) ---------------------

  cumsum(dim: number): Tensor {
    return scn.cumsum(this, dim);
  }
  cumprod(dim: number): Tensor {
    return scn.cumprod(this, dim);
  }
  /** [values, indices] sorted along `dim` (stable; NaN last). */
  sort(dim = -1, descending = false): [Tensor, Tensor] {
    return srt.sort(this, dim, descending);
  }
  argsort(dim = -1, descending = false): Tensor {
    return srt.argsort(this, dim, descending);
  }
  /** [values, indices] of the k largest (or smallest) along `dim`, sorted. */
  topk(k: number, dim = -1, largest = true): [Tensor, Tensor] {
    return srt.topk(this, k, dim, largest);
  }
  /** The lower median of all elements (0-d), or [values, indices] along `dim`. */
  median(): Tensor;
  median(dim: number, keepdim?: boolean): [Tensor, Tensor];
  median(dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
    return dim === undefined ? srt.median(this) : srt.median(this, dim, keepdim);
  }
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor {
    return sct.scatter(this, dim, index, src);
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return sct.scatterAdd(this, dim, index, src);
  }
  indexAdd(dim: number, index: Tensor, source: Tensor, alpha = 1): Tensor {
    return sct.indexAdd(this, dim, index, source, alpha);
  }
  /** int32 [count, ndim] coordinates of the non-zero elements (synchronous read). */
  nonzero(): Tensor {
    return sct.nonzero(this);
  }
  maskedSelect(mask: Tensor): Tensor {
    return sct.maskedSelect(this, mask);
  }

  // ---- attention (ops/attention.ts) -------------------------------------------------------------

  /** Scaled dot-product attention with this tensor as the queries [..., L, E]. */
  scaledDotProductAttention(k: Tensor, v: Tensor, options: at.AttentionOptions = {}): Tensor {
    return at.scaledDotProductAttention(this, k, v, options);
  }
}

/** Nested arrays of numbers (or booleans for bool tensors), as `toArray()` returns. */
export type NestedArray = number | boolean | NestedArray[];

/**
 * True when `x` is a Tensor (a type guard).
 *
 *   isTensor(tensor([1]))   // true;  isTensor([1]) // false
 */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}
