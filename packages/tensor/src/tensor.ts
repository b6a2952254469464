/**
 * `Tensor`: an n-dimensional array on a backend, with PyTorch semantics. A tensor is a strided
 * view (shape, strides, offset) of a reference-counted storage; views share the storage.
 *
 * This file is the class core: storage and lifetime, shape and dtype, reading, the autograd entry.
 * Every op is also a method, declared and installed by the files of src/methods/ (see
 * methods/install.ts), and a free function of the same name.
 */

import type { Node } from './autograd.js';
import * as ag from './autograd.js';
import type { StridedInfo, TensorInfo } from './backend.js';
import { type DType, isFloat, type TypedArray } from './dtype.js';
import './disposable.js';
import { BackendError, DisposedError, DTypeError, ValueError } from './errors.js';
import { formatTensor } from './format.js';
import { touch } from './lifetime.js';
import './methods/activation.js';
import './methods/arithmetic.js';
import './methods/compare.js';
import './methods/indexing.js';
import './methods/linalg.js';
import './methods/math.js';
import './methods/reduce.js';
import './methods/shape.js';
import './methods/sort.js';
import './methods/trig.js';
import './methods/views.js';
import { installTensorMethods } from './methods/install.js';
import { contiguousUntracked } from './ops/views.js';
import { keep, track } from './scope.js';
import { contiguousStrides, fmtShape, type Shape, sizeOf } from './shape.js';
import { countTensor, type Storage } from './storage.js';

/** A tensor or a plain number (numbers become 0-d tensors of a matching dtype). */
export type TensorLike = Tensor | number;
/** One dim, a list of dims, or undefined for all dims. */
export type Dims = number | readonly number[];

let nextId = 1;
let debugLeaks = false;

/** What the finalizer frees for a tensor the program dropped: its storage and autograd node. */
interface Held {
  readonly storage: Storage;
  node: Node | null;
  readonly id: number;
}

/**
 * Tensors the program dropped without `dispose()`: the storage is freed when they are collected.
 * A tensor is registered only once it can be dropped that way (`_unscoped`): while a `tidy` owns it
 * the scope holds it, and the values autograd saved (internal tensors) are freed by their node,
 * which the registered output tensor releases. Registering costs about a microsecond per tensor.
 */
const finalizer = new FinalizationRegistry<Held>((held) => {
  if (debugLeaks) {
    console.warn(`nnet: tensor #${held.id} was garbage-collected without dispose(); freeing its storage.`);
  }
  held.node?.release();
  held.storage.release();
  countTensor(held.storage.backendName, -1);
});

/**
 * In debug mode, tensors freed by the garbage collector rather than `dispose()` are reported.
 *
 * ```ts
 * setDebugLeaks(true);
 * { const t = ones([2]); }   // never disposed: reported once the garbage collector frees it
 * ```
 */
export function setDebugLeaks(on: boolean): void {
  debugLeaks = on;
}

/**
 * An n-dimensional array of float32, int32 or bool on a backend: shape, dtype, a strided view of a
 * reference-counted storage, and (for float32) autograd. Make one with `tensor`, `zeros`, `randn`,
 * ...; every op is a method here and a free function of the same name.
 *
 * ```ts
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * x.mul(x).sum().backward();   // x.grad = [[2, 4], [6, 8]]
 * ```
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
  /** What the finalizer frees once this tensor is registered with it (`_unscoped`), else null. */
  private _held: Held | null = null;

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
    if (this._held) this._held.node = node;
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

  /**
   * @internal Called by scope.ts when no synchronous scope owns this tensor any more (made outside
   * every `tidy`, returned from the outermost, or kept): from now on the program may drop it without
   * `dispose()`, so the finalizer watches it.
   */
  _unscoped(): void {
    if (this._held || this._disposed || this._internal) return;
    this._held = { storage: this._storage, node: this._node, id: this.id };
    finalizer.register(this, this._held, this);
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
    if (this._held) {
      finalizer.unregister(this);
      this._held = null;
    }
    if (this._node) {
      this._node.release();
      this._node = null;
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
    const dense = this._isDense() ? this : contiguousUntracked(this);
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
    const dense = this._isDense() ? this : contiguousUntracked(this);
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

  /** Sets requiresGrad and returns this tensor (chainable). */
  requiresGrad_(on = true): this {
    this.requiresGrad = on;
    return this;
  }
}

// The op methods (src/methods/): their files, imported above, have queued them; the class exists now.
installTensorMethods(Tensor.prototype);

/** Nested arrays of numbers (or booleans for bool tensors), as `toArray()` returns. */
export type NestedArray = number | boolean | NestedArray[];

/**
 * True when `x` is a Tensor (a type guard).
 *
 * ```ts
 * isTensor(tensor([1]))   // true;  isTensor([1]) // false
 * ```
 */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}
