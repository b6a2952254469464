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
    /** Size of each dim, outermost first (`[]` for a 0-d tensor), e.g. `[2, 3]`. */
    readonly shape: Shape,
    /** Element type: 'float32', 'int32' or 'bool'. */
    readonly dtype: DType,
    /**
     * Elements to step in the storage per step along each dim (row-major `[3, 1]` for a dense `[2, 3]`; 0 for
     * broadcast dims).
     */
    readonly strides: readonly number[] = contiguousStrides(shape),
    /** Index in the storage (in elements) of this view's first element; 0 by default. */
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

  /**
   * True once `dispose()` (or the end of the `tidy` that owned it) has freed this tensor; using it then
   * throws a DisposedError.
   *
   *   x.dispose(); x.isDisposed   // true
   */
  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Whether gradients flow to this tensor. Only float tensors can require grad. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  /**
   * Turns gradient tracking on or off for a leaf. Throws DTypeError for a non-float tensor and
   * ValueError when turning it off on a non-leaf (use detach()).
   *
   *   w.requiresGrad = true   // w float32 leaf
   */
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

  /**
   * `dispose()`, so a `using` declaration frees the tensor at the end of its block.
   *
   *   { using t = zeros([2, 3]); ... }   // t is disposed here
   */
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

  /**
   * The same elements in a new shape (a view when the strides allow, else a copy); one entry may be -1.
   *
   *   x.reshape([3, -1])   // [2, 6] → [3, 4]
   */
  reshape(shape: readonly number[]): Tensor {
    return v.reshape(this, shape);
  }
  /**
   * The same storage in a new shape; throws ShapeError if this tensor is not contiguous (use reshape then).
   *
   *   x.view([6])   // [2, 3] → [6]
   */
  view(shape: readonly number[]): Tensor {
    return v.view(this, shape);
  }
  /**
   * Swaps dims `dim0` and `dim1` (a view).
   *
   *   x.transpose(0, 1)   // [2, 3] → [3, 2]
   */
  transpose(dim0: number, dim1: number): Tensor {
    return v.transpose(this, dim0, dim1);
  }
  /** Transpose of a 2-D tensor (or a no-op for 0-d and 1-d). */
  t(): Tensor {
    return v.t(this);
  }
  /**
   * Reorders the dims: dim i of the result is dim `dims[i]` of this tensor (a view).
   *
   *   x.permute([2, 0, 1])   // [2, 3, 4] → [4, 2, 3]
   */
  permute(dims: readonly number[]): Tensor {
    return v.permute(this, dims);
  }
  /**
   * Removes dims of size 1 (all of them, or the listed ones that have size 1); a view.
   *
   *   x.squeeze()   // [2, 1, 3] → [2, 3]
   */
  squeeze(dim?: Dims): Tensor {
    return v.squeeze(this, dim);
  }
  /**
   * Inserts a dim of size 1 at `dim` (a view).
   *
   *   x.unsqueeze(0)   // [2, 3] → [1, 2, 3]
   */
  unsqueeze(dim: number): Tensor {
    return v.unsqueeze(this, dim);
  }
  /**
   * Broadcasts size-1 dims to larger sizes without copying (stride 0); -1 keeps a size.
   *
   *   x.expand([4, 3])   // [1, 3] → [4, 3]
   */
  expand(shape: readonly number[]): Tensor {
    return v.expand(this, shape);
  }
  /**
   * `expand` to the shape of `other`.
   *
   *   x.expandAs(y)   // [1, 3] → [4, 3] when y is [4, 3]
   */
  expandAs(other: Tensor): Tensor {
    return v.expand(this, other.shape);
  }
  /**
   * Elements [start, start + length) along `dim` (a view).
   *
   *   x.narrow(1, 1, 2)   // [4, 5] → [4, 2]
   */
  narrow(dim: number, start: number, length: number): Tensor {
    return v.narrow(this, dim, start, length);
  }
  /** Python-like slice along one dim: `x.slice(0, 1, 3)` is `x[1:3]`. */
  slice(dim: number, start?: number, end?: number, step?: number): Tensor {
    return v.slice(this, dim, start, end, step);
  }
  /**
   * The sub-tensor at `index` along `dim`, with that dim removed (a view; negative index counts from the
   * end).
   *
   *   x.select(0, 1)   // [4, 5] → [5] (row 1)
   */
  select(dim: number, index: number): Tensor {
    return v.select(this, dim, index);
  }
  /**
   * Merges dims `startDim`..`endDim` (inclusive) into one.
   *
   *   x.flatten(1)   // [2, 3, 4] → [2, 12]
   */
  flatten(startDim = 0, endDim = -1): Tensor {
    return v.flatten(this, startDim, endDim);
  }
  /**
   * A view of this tensor if it is dense (row-major, no gaps, from element 0), else a row-major copy.
   *
   *   x.t().contiguous()   // [3, 2], dense storage
   */
  contiguous(): Tensor {
    return v.contiguous(this);
  }

  // ---- elementwise ---------------------------------------------------------------------------

  /**
   * this + alpha·other elementwise, broadcasting; `alpha` defaults to 1.
   *
   *   x.add(y)   // [2, 3] + [3] → [2, 3]
   */
  add(other: TensorLike, alpha?: number): Tensor {
    return b.add(this, other, alpha);
  }
  /**
   * this - alpha·other elementwise, broadcasting; `alpha` defaults to 1.
   *
   *   x.sub(1)   // [2, 3] → [2, 3]
   */
  sub(other: TensorLike, alpha?: number): Tensor {
    return b.sub(this, other, alpha);
  }
  /**
   * this · other elementwise, broadcasting.
   *
   *   x.mul(y)   // [2, 3] · [2, 1] → [2, 3]
   */
  mul(other: TensorLike): Tensor {
    return b.mul(this, other);
  }
  /**
   * this / other elementwise, broadcasting.
   *
   *   x.div(2)   // [2, 3] → [2, 3]
   */
  div(other: TensorLike): Tensor {
    return b.div(this, other);
  }
  /**
   * this ** exponent elementwise, broadcasting.
   *
   *   x.pow(2)   // [1, 2, 3] → [1, 4, 9]
   */
  pow(exponent: TensorLike): Tensor {
    return b.pow(this, exponent);
  }
  /**
   * Elementwise max of this and `other`, broadcasting.
   *
   *   x.maximum(0)   // like relu
   */
  maximum(other: TensorLike): Tensor {
    return b.maximum(this, other);
  }
  /**
   * Elementwise min of this and `other`, broadcasting.
   *
   *   x.minimum(y)   // [2, 3], [3] → [2, 3]
   */
  minimum(other: TensorLike): Tensor {
    return b.minimum(this, other);
  }
  /**
   * -x elementwise; same shape.
   *
   *   tensor([1, -2]).neg()   // [-1, 2]
   */
  neg(): Tensor {
    return u.neg(this);
  }
  /**
   * |x| elementwise; same shape.
   *
   *   tensor([-1, 2]).abs()   // [1, 2]
   */
  abs(): Tensor {
    return u.abs(this);
  }
  /**
   * -1, 0 or 1 elementwise (0 for NaN); same shape, zero gradient.
   *
   *   tensor([-3, 0, 2]).sign()   // [-1, 0, 1]
   */
  sign(): Tensor {
    return u.sign(this);
  }
  /**
   * eˣ elementwise; same shape.
   *
   *   tensor([0, 1]).exp()   // [1, 2.7183]
   */
  exp(): Tensor {
    return u.exp(this);
  }
  /**
   * Natural log elementwise (NaN below 0, -∞ at 0); same shape.
   *
   *   tensor([1, Math.E]).log()   // [0, 1]
   */
  log(): Tensor {
    return u.log(this);
  }
  /**
   * log(1 + x) elementwise, accurate for small x; same shape.
   *
   *   tensor([0, 1e-8]).log1p()   // [0, 1e-8]
   */
  log1p(): Tensor {
    return u.log1p(this);
  }
  /**
   * √x elementwise; same shape.
   *
   *   tensor([4, 9]).sqrt()   // [2, 3]
   */
  sqrt(): Tensor {
    return u.sqrt(this);
  }
  /**
   * 1/√x elementwise; same shape.
   *
   *   tensor([4, 16]).rsqrt()   // [0.5, 0.25]
   */
  rsqrt(): Tensor {
    return u.rsqrt(this);
  }
  /**
   * 1/x elementwise; same shape.
   *
   *   tensor([2, 4]).reciprocal()   // [0.5, 0.25]
   */
  reciprocal(): Tensor {
    return u.reciprocal(this);
  }
  /**
   * x² elementwise; same shape.
   *
   *   tensor([-2, 3]).square()   // [4, 9]
   */
  square(): Tensor {
    return u.square(this);
  }
  /**
   * sin x elementwise (radians); same shape.
   *
   *   tensor([0, Math.PI / 2]).sin()   // [0, 1]
   */
  sin(): Tensor {
    return u.sin(this);
  }
  /**
   * cos x elementwise (radians); same shape.
   *
   *   tensor([0, Math.PI]).cos()   // [1, -1]
   */
  cos(): Tensor {
    return u.cos(this);
  }
  /**
   * tanh x elementwise; same shape.
   *
   *   tensor([0]).tanh()   // [0]
   */
  tanh(): Tensor {
    return u.tanh(this);
  }
  /**
   * σ(x) = 1 / (1 + e⁻ˣ) elementwise; same shape.
   *
   *   tensor([0]).sigmoid()   // [0.5]
   */
  sigmoid(): Tensor {
    return u.sigmoid(this);
  }
  /**
   * max(x, 0) elementwise; same shape.
   *
   *   tensor([-1, 2]).relu()   // [0, 2]
   */
  relu(): Tensor {
    return u.relu(this);
  }
  /**
   * The error function erf(x) = 2/√π ∫₀ˣ e^(-t²) dt elementwise; same shape.
   *
   *   tensor([0, 1]).erf()   // [0, 0.8427]
   */
  erf(): Tensor {
    return u.erf(this);
  }
  /**
   * Rounds down elementwise; same shape, zero gradient.
   *
   *   tensor([-1.5, 1.5]).floor()   // [-2, 1]
   */
  floor(): Tensor {
    return u.floor(this);
  }
  /**
   * Rounds up elementwise; same shape, zero gradient.
   *
   *   tensor([-1.5, 1.5]).ceil()   // [-1, 2]
   */
  ceil(): Tensor {
    return u.ceil(this);
  }
  /**
   * Rounds to the nearest integer, half to even (like PyTorch); same shape, zero gradient.
   *
   *   tensor([0.5, 1.5, 2.6]).round()   // [0, 2, 3]
   */
  round(): Tensor {
    return u.round(this);
  }
  /**
   * Elementwise NOT of truth values (non-zero is true); bool result, same shape.
   *
   *   tensor([0, 2]).logicalNot()   // [true, false]
   */
  logicalNot(): Tensor {
    return u.logicalNot(this);
  }
  /**
   * Elementwise AND of truth values (non-zero is true), broadcasting; bool result.
   *
   *   a.logicalAnd(b)   // [2, 3] & [3] → [2, 3] bool
   */
  logicalAnd(other: TensorLike): Tensor {
    return b.logicalAnd(this, other);
  }
  /**
   * Elementwise OR of truth values (non-zero is true), broadcasting; bool result.
   *
   *   a.logicalOr(b)   // [2, 3] | [3] → [2, 3] bool
   */
  logicalOr(other: TensorLike): Tensor {
    return b.logicalOr(this, other);
  }
  /**
   * x where x > 0, negativeSlope·x elsewhere (default slope 0.01); same shape.
   *
   *   tensor([-1, 2]).leakyRelu(0.1)   // [-0.1, 2]
   */
  leakyRelu(negativeSlope = 0.01): Tensor {
    return act.leakyRelu(this, negativeSlope);
  }
  /**
   * GELU x·Φ(x) elementwise (exact erf form, or the tanh approximation with `approximate: 'tanh'`); same
   * shape.
   *
   *   x.gelu({ approximate: 'tanh' })   // [2, 3] → [2, 3]
   */
  gelu(options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
    return act.gelu(this, options);
  }
  /**
   * (1/β)·log(1 + e^(βx)) elementwise, linear where βx > threshold (defaults β = 1, threshold = 20); same
   * shape.
   *
   *   tensor([0]).softplus()   // [0.6931]
   */
  softplus(options: { beta?: number; threshold?: number } = {}): Tensor {
    return act.softplus(this, options);
  }
  /**
   * Clamps into [min, max]; either bound may be omitted (null); same shape.
   *
   *   tensor([-2, 0.5, 3]).clamp(0, 1)   // [0, 0.5, 1]
   */
  clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor {
    return act.clamp(this, min, max);
  }
  /**
   * True where the element is NaN; bool, same shape.
   *
   *   tensor([NaN, 1]).isnan()   // [true, false]
   */
  isnan(): Tensor {
    return c.isnan(this);
  }
  /**
   * True where the element is neither NaN nor ±∞; bool, same shape.
   *
   *   tensor([Infinity, 1]).isfinite()   // [false, true]
   */
  isfinite(): Tensor {
    return c.isfinite(this);
  }

  // ---- comparisons ---------------------------------------------------------------------------

  /**
   * this == other elementwise, broadcasting; bool result.
   *
   *   x.eq(0)   // [2, 3] → [2, 3] bool
   */
  eq(other: TensorLike): Tensor {
    return c.eq(this, other);
  }
  /**
   * this != other elementwise, broadcasting; bool result.
   *
   *   x.ne(y)   // [2, 3], [3] → [2, 3] bool
   */
  ne(other: TensorLike): Tensor {
    return c.ne(this, other);
  }
  /**
   * this < other elementwise, broadcasting; bool result.
   *
   *   tensor([1, 3]).lt(2)   // [true, false]
   */
  lt(other: TensorLike): Tensor {
    return c.lt(this, other);
  }
  /**
   * this <= other elementwise, broadcasting; bool result.
   *
   *   tensor([1, 2]).le(2)   // [true, true]
   */
  le(other: TensorLike): Tensor {
    return c.le(this, other);
  }
  /**
   * this > other elementwise, broadcasting; bool result.
   *
   *   tensor([1, 3]).gt(2)   // [false, true]
   */
  gt(other: TensorLike): Tensor {
    return c.gt(this, other);
  }
  /**
   * this >= other elementwise, broadcasting; bool result.
   *
   *   tensor([1, 2]).ge(2)   // [false, true]
   */
  ge(other: TensorLike): Tensor {
    return c.ge(this, other);
  }

  // ---- reductions ----------------------------------------------------------------------------

  /**
   * Sum over `dim` (all dims if undefined, giving a 0-d tensor); `keepdim` keeps reduced dims as size 1.
   *
   *   x.sum(1)   // [2, 3] → [2];  x.sum()  // 0-d
   */
  sum(dim?: Dims, keepdim = false): Tensor {
    return r.sum(this, dim, keepdim);
  }
  /**
   * Mean over `dim` (all dims if undefined); `keepdim` keeps reduced dims as size 1.
   *
   *   x.mean(0, true)   // [2, 3] → [1, 3]
   */
  mean(dim?: Dims, keepdim = false): Tensor {
    return r.mean(this, dim, keepdim);
  }
  /**
   * Maximum over `dim` (all dims if undefined); the values only (use argmax for indices).
   *
   *   tensor([[1, 5], [7, 2]]).max(1)   // [5, 7]
   */
  max(dim?: Dims, keepdim = false): Tensor {
    return r.max(this, dim, keepdim);
  }
  /**
   * Minimum over `dim` (all dims if undefined); the values only (use argmin for indices).
   *
   *   tensor([[1, 5], [7, 2]]).min(1)   // [1, 2]
   */
  min(dim?: Dims, keepdim = false): Tensor {
    return r.min(this, dim, keepdim);
  }
  /**
   * Product over `dim` (all dims if undefined); `keepdim` keeps reduced dims as size 1.
   *
   *   tensor([[1, 2], [3, 4]]).prod(1)   // [2, 12]
   */
  prod(dim?: Dims, keepdim = false): Tensor {
    return r.prod(this, dim, keepdim);
  }
  /**
   * int32 index of the first maximum along `dim` (of the flattened tensor, 0-d, if dim is undefined).
   *
   *   tensor([[1, 5], [7, 2]]).argmax(1)   // [1, 0]
   */
  argmax(dim?: number, keepdim = false): Tensor {
    return r.argmax(this, dim, keepdim);
  }
  /**
   * int32 index of the first minimum along `dim` (of the flattened tensor, 0-d, if dim is undefined).
   *
   *   tensor([[1, 5], [7, 2]]).argmin(1)   // [0, 1]
   */
  argmin(dim?: number, keepdim = false): Tensor {
    return r.argmin(this, dim, keepdim);
  }
  /**
   * Variance Σ(x - mean)² / (N - correction) over `dim` (all dims if undefined); correction 1 is Bessel's
   * (the default).
   *
   *   x.var(1)   // [2, 3] → [2]
   */
  var(dim?: Dims, keepdim = false, correction = 1): Tensor {
    return r.variance(this, dim, keepdim, correction);
  }
  /**
   * Standard deviation √var over `dim` (all dims if undefined); `correction` as in var (default 1).
   *
   *   x.std(0, true)   // [2, 3] → [1, 3]
   */
  std(dim?: Dims, keepdim = false, correction = 1): Tensor {
    return r.std(this, dim, keepdim, correction);
  }
  /**
   * log Σ exp(x) over `dim`, computed stably (the max is subtracted first).
   *
   *   x.logsumexp(-1)   // [2, 3] → [2]
   */
  logsumexp(dim: Dims, keepdim = false): Tensor {
    return r.logsumexp(this, dim, keepdim);
  }

  // ---- linear algebra, softmax, indexing -----------------------------------------------------

  /**
   * Matrix product of float32 tensors with PyTorch's rules (1-D operands, batch dims broadcast).
   *
   *   a.matmul(b)   // [B, n, k] @ [k, m] → [B, n, m]
   */
  matmul(other: Tensor): Tensor {
    return mm.matmul(this, other);
  }
  /**
   * exp(x) / Σ exp(x) along `dim` (stable); same shape, each slice sums to 1.
   *
   *   logits.softmax(-1)   // [N, C] → [N, C]
   */
  softmax(dim: number): Tensor {
    return sm.softmax(this, dim);
  }
  /**
   * x - logsumexp(x) along `dim` (stable); same shape.
   *
   *   logits.logSoftmax(1)   // [N, C] → [N, C]
   */
  logSoftmax(dim: number): Tensor {
    return sm.logSoftmax(this, dim);
  }
  /**
   * Picks values along `dim` at int32 `index` (same rank): out[i][j] = x[i][index[i][j]] for dim 1; out has
   * index's shape.
   *
   *   x.gather(1, idx)   // x [N, C], idx [N, 1] → [N, 1]
   */
  gather(dim: number, index: Tensor): Tensor {
    return ix.gather(this, dim, index);
  }
  /**
   * The slices at the 1-D int32 `index` along `dim`, in that order.
   *
   *   x.indexSelect(0, tensor([2, 0], { dtype: 'int32' }))   // [5, 3] → [2, 3]
   */
  indexSelect(dim: number, index: Tensor): Tensor {
    return ix.indexSelect(this, dim, index);
  }
  /**
   * One-hot encoding of this int32 tensor of class indices: [...] → [..., numClasses] (-1: max + 1, a
   * synchronous read).
   *
   *   tensor([0, 2], { dtype: 'int32' }).oneHot(3)   // [[1, 0, 0], [0, 0, 1]]
   */
  oneHot(numClasses = -1, dtype: 'int32' | 'float32' = 'int32'): Tensor {
    return ix.oneHot(this, numClasses, dtype);
  }
  /**
   * Views along `dim`: pieces of size `splitSizeOrSections` (the last may be smaller) or the listed sizes.
   *
   *   x.split(2)   // [5, 3] → [2, 3], [2, 3], [1, 3]
   */
  split(splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
    return j.split(this, splitSizeOrSections, dim);
  }
  /**
   * `chunks` nearly equal views along `dim` (the last may be smaller, as in PyTorch).
   *
   *   x.chunk(2, 1)   // [4, 6] → [4, 3], [4, 3]
   */
  chunk(chunks: number, dim = 0): Tensor[] {
    return j.chunk(this, chunks, dim);
  }
  /**
   * `condition ? this : other` elementwise, broadcasting all three (`condition` is bool).
   *
   *   x.where(x.gt(0), 0)   // [2, 3], like relu
   */
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

  /**
   * SiLU (swish) x·σ(x) elementwise; same shape.
   *
   *   tensor([0]).silu()   // [0]
   */
  silu(): Tensor {
    return ax.silu(this);
  }
  /**
   * x where x > 0, α(eˣ - 1) elsewhere (default α = 1); same shape.
   *
   *   tensor([-1, 2]).elu()   // [-0.6321, 2]
   */
  elu(alpha = 1): Tensor {
    return ax.elu(this, alpha);
  }
  /**
   * scale·(max(0, x) + min(0, α(eˣ - 1))) with PyTorch's α ≈ 1.6733, scale ≈ 1.0507; same shape.
   *
   *   x.selu()   // [2, 3] → [2, 3]
   */
  selu(): Tensor {
    return ax.selu(this);
  }
  /**
   * x·tanh(softplus(x)) elementwise; same shape.
   *
   *   tensor([0]).mish()   // [0]
   */
  mish(): Tensor {
    return ax.mish(this);
  }
  /**
   * Clamps into [minVal, maxVal] (default [-1, 1]); same shape.
   *
   *   tensor([-2, 0.5, 2]).hardtanh()   // [-1, 0.5, 1]
   */
  hardtanh(minVal = -1, maxVal = 1): Tensor {
    return ax.hardtanh(this, minVal, maxVal);
  }
  /**
   * min(max(x, 0), 6) elementwise; same shape.
   *
   *   tensor([-1, 3, 8]).relu6()   // [0, 3, 6]
   */
  relu6(): Tensor {
    return ax.relu6(this);
  }
  /**
   * relu6(x + 3) / 6 elementwise; same shape.
   *
   *   tensor([-3, 0, 3]).hardsigmoid()   // [0, 0.5, 1]
   */
  hardsigmoid(): Tensor {
    return ax.hardsigmoid(this);
  }
  /**
   * x·relu6(x + 3) / 6 elementwise; same shape.
   *
   *   tensor([-3, 0, 3]).hardswish()   // [0, 0, 3]
   */
  hardswish(): Tensor {
    return ax.hardswish(this);
  }
  /**
   * x / (1 + |x|) elementwise; same shape.
   *
   *   tensor([-1, 3]).softsign()   // [-0.5, 0.75]
   */
  softsign(): Tensor {
    return ax.softsign(this);
  }
  /**
   * log σ(x) = -softplus(-x), computed stably; same shape.
   *
   *   tensor([0]).logsigmoid()   // [-0.6931]
   */
  logsigmoid(): Tensor {
    return ax.logsigmoid(this);
  }
  /**
   * Gated linear unit: splits `dim` (even size) into halves a, b and returns a·σ(b); that dim halves.
   *
   *   x.glu()   // [4, 6] → [4, 3]
   */
  glu(dim = -1): Tensor {
    return ax.glu(this, dim);
  }
  /**
   * x where x > 0, w·x elsewhere, with a learnt slope `weight` (1 element, or one per channel: dim 1).
   *
   *   x.prelu(w)   // x [N, C, H, W], w [C] → [N, C, H, W]
   */
  prelu(weight: Tensor): Tensor {
    return ax.prelu(this, weight);
  }

  // ---- more elementwise math (ops/math_extra.ts) ----------------------------------------------

  /**
   * tan x elementwise (radians); same shape.
   *
   *   tensor([0]).tan()   // [0]
   */
  tan(): Tensor {
    return tr.tan(this);
  }
  /**
   * arcsin x elementwise (NaN outside [-1, 1]); same shape.
   *
   *   tensor([1]).asin()   // [1.5708]
   */
  asin(): Tensor {
    return tr.asin(this);
  }
  /**
   * arccos x elementwise (NaN outside [-1, 1]); same shape.
   *
   *   tensor([1]).acos()   // [0]
   */
  acos(): Tensor {
    return tr.acos(this);
  }
  /**
   * arctan x elementwise; same shape.
   *
   *   tensor([1]).atan()   // [0.7854]
   */
  atan(): Tensor {
    return tr.atan(this);
  }
  /**
   * sinh x elementwise; same shape.
   *
   *   tensor([0]).sinh()   // [0]
   */
  sinh(): Tensor {
    return tr.sinh(this);
  }
  /**
   * cosh x elementwise; same shape.
   *
   *   tensor([0]).cosh()   // [1]
   */
  cosh(): Tensor {
    return tr.cosh(this);
  }
  /**
   * arsinh x elementwise; same shape.
   *
   *   tensor([0]).asinh()   // [0]
   */
  asinh(): Tensor {
    return tr.asinh(this);
  }
  /**
   * arcosh x elementwise (NaN below 1); same shape.
   *
   *   tensor([1]).acosh()   // [0]
   */
  acosh(): Tensor {
    return tr.acosh(this);
  }
  /**
   * artanh x elementwise (±∞ at ±1, NaN beyond); same shape.
   *
   *   tensor([0]).atanh()   // [0]
   */
  atanh(): Tensor {
    return tr.atanh(this);
  }
  /** atan2(this, other): the angle of the point (other, this). */
  atan2(other: TensorLike): Tensor {
    return tr.atan2(this, other);
  }
  /**
   * eˣ - 1 elementwise, accurate for small x; same shape.
   *
   *   tensor([1e-8]).expm1()   // [1e-8]
   */
  expm1(): Tensor {
    return tr.expm1(this);
  }
  /**
   * Base-2 log elementwise; same shape.
   *
   *   tensor([8]).log2()   // [3]
   */
  log2(): Tensor {
    return mx.log2(this);
  }
  /**
   * Base-10 log elementwise; same shape.
   *
   *   tensor([100]).log10()   // [2]
   */
  log10(): Tensor {
    return mx.log10(this);
  }
  /**
   * Rounds toward zero elementwise; same shape, zero gradient.
   *
   *   tensor([-1.7, 1.7]).trunc()   // [-1, 1]
   */
  trunc(): Tensor {
    return mx.trunc(this);
  }
  /**
   * C-style remainder this - trunc(this/other)·other (sign of the dividend), broadcasting.
   *
   *   tensor([-3, 3]).fmod(2)   // [-1, 1]
   */
  fmod(other: TensorLike): Tensor {
    return mx.fmod(this, other);
  }
  /**
   * Python-style remainder this - floor(this/other)·other (sign of the divisor), broadcasting.
   *
   *   tensor([-3, 3]).remainder(2)   // [1, 1]
   */
  remainder(other: TensorLike): Tensor {
    return mx.remainder(this, other);
  }
  /**
   * floor(this / other) elementwise, broadcasting (Python's //).
   *
   *   tensor([-3, 3]).floorDivide(2)   // [-2, 1]
   */
  floorDivide(other: TensorLike): Tensor {
    return mx.floorDivide(this, other);
  }
  /**
   * Linear interpolation this + weight·(end - this), broadcasting.
   *
   *   tensor([0, 10]).lerp(tensor([10, 20]), 0.5)   // [5, 15]
   */
  lerp(end: Tensor, weight: TensorLike): Tensor {
    return mx.lerp(this, end, weight);
  }
  /**
   * this + value·t1·t2 elementwise, broadcasting (default value 1).
   *
   *   p.addcmul(g, g, 0.1)   // [n] → [n]
   */
  addcmul(t1: Tensor, t2: Tensor, value = 1): Tensor {
    return mx.addcmul(this, t1, t2, value);
  }
  /**
   * this + value·t1/t2 elementwise, broadcasting (default value 1).
   *
   *   p.addcdiv(m, v, -0.01)   // [n] → [n]
   */
  addcdiv(t1: Tensor, t2: Tensor, value = 1): Tensor {
    return mx.addcdiv(this, t1, t2, value);
  }
  /**
   * log(eᵃ + eᵇ) of this and `other`, computed stably, broadcasting.
   *
   *   tensor([0]).logaddexp(0)   // [0.6931]
   */
  logaddexp(other: TensorLike): Tensor {
    return mx.logaddexp(this, other);
  }
  /**
   * this·log(other), 0 where this is 0 (even if other is 0), broadcasting.
   *
   *   tensor([0, 2]).xlogy(tensor([0, Math.E]))   // [0, 2]
   */
  xlogy(other: TensorLike): Tensor {
    return mx.xlogy(this, other);
  }
  /** clamp with tensor (or number) bounds that broadcast with this tensor. */
  clampTensor(min?: TensorLike | null, max?: TensorLike | null): Tensor {
    return mx.clampTensor(this, min, max);
  }

  // ---- more reductions (ops/reduce_extra.ts) -------------------------------------------------

  /**
   * True where every element over `dim` (all dims if undefined) is non-zero; bool, no gradient.
   *
   *   tensor([[1, 0], [1, 1]]).all(1)   // [false, true]
   */
  all(dim?: Dims, keepdim = false): Tensor {
    return rx.all(this, dim, keepdim);
  }
  /**
   * True where some element over `dim` (all dims if undefined) is non-zero; bool, no gradient.
   *
   *   tensor([[0, 0], [1, 0]]).any(1)   // [false, true]
   */
  any(dim?: Dims, keepdim = false): Tensor {
    return rx.any(this, dim, keepdim);
  }
  /**
   * Vector p-norm (Σ|x|ᵖ)^(1/p) over `dim` (all elements if undefined); p may be ±Infinity, 0 or 'fro'.
   *
   *   tensor([3, 4]).norm()   // 5
   */
  norm(p: rx.NormOrder = 2, dim?: Dims, keepdim = false): Tensor {
    return rx.norm(this, p, dim, keepdim);
  }
  /**
   * x·y / max(‖x‖·‖y‖, eps) along `dim` (default 1) of this and `other`, broadcasting; that dim is removed.
   *
   *   a.cosineSimilarity(b)   // [8, 16], [8, 16] → [8]
   */
  cosineSimilarity(other: Tensor, dim = 1, eps = 1e-8): Tensor {
    return rx.cosineSimilarity(this, other, dim, eps);
  }
  /**
   * Pairwise p-norm distances between the rows of this [..., P, M] and `other` [..., R, M] → [..., P, R].
   *
   *   a.cdist(b)   // [5, 3], [4, 3] → [5, 4]
   */
  cdist(other: Tensor, p = 2): Tensor {
    return rx.cdist(this, other, p);
  }

  // ---- more shape ops (ops/shape_extra.ts) ----------------------------------------------------

  /** Repeats along each dim (`repeats` has at least one entry per dim). */
  repeat(repeats: readonly number[]): Tensor {
    return shx.repeat(this, repeats);
  }
  /**
   * Like repeat, but a `reps` shorter than ndim is padded with leading 1s (NumPy's tile).
   *
   *   x.tile([2])   // [2, 3] → [2, 6]
   */
  tile(reps: readonly number[]): Tensor {
    return shx.tile(this, reps);
  }
  /**
   * Reverses the order of elements along each of `dims` (a copy).
   *
   *   tensor([1, 2, 3]).flip(0)   // [3, 2, 1]
   */
  flip(dims: Dims): Tensor {
    return shx.flip(this, dims);
  }
  /**
   * Rolls elements by `shifts` along `dims` (wrapping around); without dims, the flattened tensor is rolled.
   *
   *   tensor([1, 2, 3, 4]).roll(1)   // [4, 1, 2, 3]
   */
  roll(shifts: number | readonly number[], dims?: Dims): Tensor {
    return shx.roll(this, shifts, dims);
  }
  /** Pads the last dims: [left, right, top, bottom, ...] (PyTorch's F.pad order). */
  pad(padding: readonly number[], options: shx.PadOptions = {}): Tensor {
    return shx.pad(this, padding, options);
  }
  /**
   * 1-D → the square matrix with it on diagonal `diagonal`; 2-D → that diagonal as a 1-D tensor.
   *
   *   tensor([1, 2]).diag()   // [[1, 0], [0, 2]]
   */
  diag(diagonal = 0): Tensor {
    return shx.diag(this, diagonal);
  }
  /**
   * Outer product of two 1-D tensors: out[i, j] = this[i]·other[j].
   *
   *   a.outer(b)   // [3], [4] → [3, 4]
   */
  outer(other: Tensor): Tensor {
    return shx.outer(this, other);
  }

  // ---- scans, sorting, scatter (ops/scan.ts, ops/sort.ts, ops/scatter.ts) ---------------------

  /**
   * Cumulative sum along `dim`; same shape.
   *
   *   tensor([1, 2, 3]).cumsum(0)   // [1, 3, 6]
   */
  cumsum(dim: number): Tensor {
    return scn.cumsum(this, dim);
  }
  /**
   * Cumulative product along `dim`; same shape.
   *
   *   tensor([1, 2, 3]).cumprod(0)   // [1, 2, 6]
   */
  cumprod(dim: number): Tensor {
    return scn.cumprod(this, dim);
  }
  /** [values, indices] sorted along `dim` (stable; NaN last). */
  sort(dim = -1, descending = false): [Tensor, Tensor] {
    return srt.sort(this, dim, descending);
  }
  /**
   * int32 indices that sort along `dim` (stable; NaN last); same shape.
   *
   *   tensor([3, 1, 2]).argsort()   // [1, 2, 0]
   */
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
  /**
   * A copy with `src` (or a number) written at int32 `index` along `dim`: out[index[i][j]][j] = src[i][j] for
   * dim 0.
   *
   *   zeros([3, 2]).scatter(0, idx, src)   // idx, src [1, 2] → [3, 2]
   */
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor {
    return sct.scatter(this, dim, index, src);
  }
  /**
   * A copy with `src` added at int32 `index` along `dim`: out[index[i][j]][j] += src[i][j] for dim 0.
   *
   *   zeros([3]).scatterAdd(0, tensor([0, 0, 2], { dtype: 'int32' }), ones([3]))   // [2, 0, 1]
   */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return sct.scatterAdd(this, dim, index, src);
  }
  /**
   * A copy with alpha·source added at the 1-D int32 `index` along `dim`: out[..., index[i], ...] +=
   * alpha·source[..., i, ...].
   *
   *   zeros([4, 3]).indexAdd(0, idx, src)   // idx [2], src [2, 3] → [4, 3]
   */
  indexAdd(dim: number, index: Tensor, source: Tensor, alpha = 1): Tensor {
    return sct.indexAdd(this, dim, index, source, alpha);
  }
  /** int32 [count, ndim] coordinates of the non-zero elements (synchronous read). */
  nonzero(): Tensor {
    return sct.nonzero(this);
  }
  /**
   * The elements where the bool `mask` (broadcast) is true, as a 1-D tensor in row-major order (synchronous
   * read).
   *
   *   tensor([1, 2, 3]).maskedSelect(tensor([true, false, true]))   // [1, 3]
   */
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
