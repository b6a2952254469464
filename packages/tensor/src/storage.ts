/**
 * Reference-counted storages and the memory accounting behind `memory()`.
 *
 * A storage is one backend handle. Tensors (and views of them, and values the autograd graph saved
 * for backward) each hold one reference; the handle is freed when the last reference goes.
 */
import type { Backend } from './backend.js';
import { bytesPerElement, type DType } from './dtype.js';
import { MemoryError, NNetError } from './errors.js';
import { findBackend, getBackend, getBackendName } from './registry.js';
import { fmtShape } from './shape.js';

/**
 * The most elements one storage may hold on any backend: 2^31 - 1, the largest count an int32
 * index (gather, argmax, ...) can address.
 *
 * ```ts
 * MAX_STORAGE_ELEMENTS   // 2147483647
 * zeros([2 ** 31])   // throws MemoryError: 2,147,483,648 elements > MAX_STORAGE_ELEMENTS
 * ```
 */
export const MAX_STORAGE_ELEMENTS = 2 ** 31 - 1;

/**
 * The bytes one storage may hold on a backend that declares no `maxStorageBytes`: 4 GiB, the
 * address space of wasm32.
 *
 * ```ts
 * const backend = getBackend();
 * DEFAULT_MAX_STORAGE_BYTES   // 4294967296
 * const limit = backend.maxStorageBytes ?? DEFAULT_MAX_STORAGE_BYTES;
 * ```
 */
export const DEFAULT_MAX_STORAGE_BYTES = 2 ** 32;

/**
 * The byte limit of one storage on `backend` (its `maxStorageBytes`, else the default).
 *
 * ```ts
 * maxStorageBytes(getBackend())   // 8589934592 (2^33) on the cpu backend
 * ```
 */
export function maxStorageBytes(backend: Backend): number {
  const declared = backend.maxStorageBytes;
  return typeof declared === 'number' && declared > 0 ? declared : DEFAULT_MAX_STORAGE_BYTES;
}

const fmtInt = (n: number) => (Number.isSafeInteger(n) ? n.toLocaleString('en-US') : n.toExponential(3));

/**
 * Throws a MemoryError naming `op` when a dense tensor of `shape` and `dtype` would exceed the
 * limits of one storage on `backend` (the current one by default): more than 2^31 - 1 elements or
 * more than the backend's `maxStorageBytes`. Called before anything is allocated, on the device
 * or on the host. Returns the number of elements.
 *
 * ```ts
 * checkStorageSize('zeros', [1e6, 1e6], 'float32'); // MemoryError: zeros: ... 4e12 bytes ...
 * ```
 */
export function checkStorageSize(
  op: string,
  shape: readonly number[],
  dtype: DType,
  backend: Backend = getBackend(),
): number {
  let n = 1;
  for (const d of shape) n *= d;
  const bytes = n * bytesPerElement(dtype);
  const limit = maxStorageBytes(backend);
  if (n > MAX_STORAGE_ELEMENTS || bytes > limit) {
    const name = getBackendName() ?? backend.name;
    throw new MemoryError(
      `${op}: ${dtype === 'int32' ? 'an' : 'a'} ${dtype} tensor of shape ${fmtShape(shape)} needs ${fmtInt(bytes)} bytes (${fmtInt(n)} elements), ` +
        `more than one storage on backend '${name}' can hold (${fmtInt(limit)} bytes and ` +
        `${fmtInt(MAX_STORAGE_ELEMENTS)} elements). Use smaller sizes or a smaller batch, or split the work into pieces.`,
    );
  }
  return n;
}

/**
 * One backend's live tensors, storages and bytes (a part of `memory()`).
 *
 *   memory().backends.cpu   // { tensors: 3, storages: 2, bytes: 48 }
 */
export interface BackendMemory {
  /** Live (not disposed) tensors whose storage is on this backend. */
  tensors: number;
  /** Live storages (several tensors may share one through views). */
  storages: number;
  /** Bytes held by those storages. */
  bytes: number;
}

/**
 * What `memory()` returns: live tensors, storages and bytes in total and per backend.
 *
 *   const { tensors, bytes } = memory();
 */
export interface MemoryInfo extends BackendMemory {
  /** The same counts per backend name. */
  backends: Record<string, BackendMemory>;
}

const perBackend = new Map<string, BackendMemory>();

function counters(name: string): BackendMemory {
  let c = perBackend.get(name);
  if (!c) {
    c = { tensors: 0, storages: 0, bytes: 0 };
    perBackend.set(name, c);
  }
  return c;
}

/**
 * Live tensors, storages and bytes, in total and per backend (backends holding nothing are omitted).
 *
 * ```ts
 * const before = memory().tensors;
 * const x = zeros([2, 3]);   // float32: 24 bytes
 * memory().tensors - before   // 1
 * ```
 */
export function memory(): MemoryInfo {
  const out: MemoryInfo = { tensors: 0, storages: 0, bytes: 0, backends: {} };
  for (const [name, c] of perBackend) {
    if (c.tensors === 0 && c.storages === 0 && c.bytes === 0) continue;
    out.backends[name] = { ...c };
    out.tensors += c.tensors;
    out.storages += c.storages;
    out.bytes += c.bytes;
  }
  return out;
}

/** Live, peak and reserved bytes of one backend (see `memoryStats`). */
export interface BackendMemoryStats {
  /** Bytes of live storages now (what `memory().bytes` counts). */
  liveBytes: number;
  /** The most live bytes at any moment since the start or `resetPeakMemory()`. */
  peakBytes: number;
  /**
   * Bytes the backend holds from the system for storages: its allocator's pools and free lists
   * (the wasm heap's extent), at least the live bytes. Backends that do not say report live bytes.
   */
  reservedBytes: number;
}

/**
 * What `memoryStats()` returns: live, peak and reserved bytes in total and per backend.
 *
 *   memoryStats().peakBytes
 */
export interface MemoryStats extends BackendMemoryStats {
  /** The same per backend name. */
  backends: Record<string, BackendMemoryStats>;
}

const peaks = new Map<string, number>();

/**
 * Live, peak and reserved bytes, in total and per backend: what a memory benchmark or a leak hunt
 * wants beside `memory()`'s live counts.
 *
 * ```ts
 * const { liveBytes, peakBytes, reservedBytes } = memoryStats();
 * ```
 */
export function memoryStats(): MemoryStats {
  const out: MemoryStats = { liveBytes: 0, peakBytes: 0, reservedBytes: 0, backends: {} };
  for (const [name, c] of perBackend) {
    const reported = findBackend(name)?.memory().reserved;
    const stats: BackendMemoryStats = {
      liveBytes: c.bytes,
      peakBytes: Math.max(peaks.get(name) ?? 0, c.bytes),
      reservedBytes: Math.max(reported ?? c.bytes, c.bytes),
    };
    out.backends[name] = stats;
    out.liveBytes += stats.liveBytes;
    out.peakBytes += stats.peakBytes;
    out.reservedBytes += stats.reservedBytes;
  }
  return out;
}

/**
 * Starts peak tracking afresh from the live bytes now.
 *
 * ```ts
 * const trainStep = () => tidy(() => randn([64, 64]).matmul(randn([64, 64])).sum().item());
 * resetPeakMemory(); trainStep(); memoryStats().peakBytes; // the step's peak
 * ```
 */
export function resetPeakMemory(): void {
  for (const [name, c] of perBackend) peaks.set(name, c.bytes);
}

/** Called by Tensor when a user-visible tensor is made or released. */
export function countTensor(backendName: string, delta: 1 | -1): void {
  counters(backendName).tensors += delta;
}

export class Storage {
  refs = 1;
  readonly bytes: number;

  constructor(
    readonly backend: Backend,
    readonly backendName: string,
    readonly handle: unknown,
    readonly dtype: DType,
    readonly size: number,
    /** False for a borrowed handle (a kernel's argument): not counted, never freed here. */
    readonly owned = true,
  ) {
    this.bytes = size * bytesPerElement(dtype);
    if (!owned) return;
    const c = counters(backendName);
    c.storages++;
    c.bytes += this.bytes;
    if (c.bytes > (peaks.get(backendName) ?? 0)) peaks.set(backendName, c.bytes);
  }

  /**
   * Allocates a storage for `size` elements on the current backend, for op `op` (named in errors).
   * Sizes over the backend's limit are refused with a MemoryError before the backend is asked; a
   * backend allocation that still fails (a RangeError from a typed array, WebAssembly memory that
   * cannot grow) becomes a MemoryError naming `op`. `shape` (of `size` elements) is the shape
   * that error shows.
   */
  static alloc(dtype: DType, size: number, op = 'alloc', shape: readonly number[] = [size]): Storage {
    const backend = getBackend();
    const name = getBackendName() ?? backend.name;
    checkStorageSize(op, shape, dtype, backend);
    let handle: unknown;
    try {
      handle = backend.alloc(dtype, size);
    } catch (err) {
      if (err instanceof NNetError) throw err;
      const bytes = size * bytesPerElement(dtype);
      throw new MemoryError(
        `${op}: backend '${name}' could not allocate ${fmtInt(bytes)} bytes for a ${dtype} tensor of ` +
          `${fmtInt(size)} elements (${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}). ` +
          'Free tensors you no longer need (dispose(), tidy()), or use smaller sizes.',
      );
    }
    return new Storage(backend, name, handle, dtype, size);
  }

  /**
   * A storage over a handle someone else owns (a kernel's argument, for a reference
   * decomposition): releasing it never frees the handle, and `memory()` does not count it twice.
   */
  static borrow(handle: unknown, dtype: DType, size: number): Storage {
    const backend = getBackend();
    return new Storage(backend, getBackendName() ?? backend.name, handle, dtype, size, false);
  }

  retain(): this {
    this.refs++;
    return this;
  }

  release(): void {
    if (this.refs <= 0) return;
    this.refs--;
    if (this.refs === 0 && this.owned) {
      this.backend.free(this.handle);
      const c = counters(this.backendName);
      c.storages--;
      c.bytes -= this.bytes;
    }
  }

  get freed(): boolean {
    return this.refs <= 0;
  }
}
