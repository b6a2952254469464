/**
 * Reference-counted storages and the memory accounting behind `memory()`.
 *
 * A storage is one backend handle. Tensors (and views of them, and values the autograd graph saved
 * for backward) each hold one reference; the handle is freed when the last reference goes.
 */
import type { Backend } from './backend.js';
import { bytesPerElement, type DType } from './dtype.js';
import { getBackend, getBackendName } from './registry.js';

export interface BackendMemory {
  /** Live (not disposed) tensors whose storage is on this backend. */
  tensors: number;
  /** Live storages (several tensors may share one through views). */
  storages: number;
  /** Bytes held by those storages. */
  bytes: number;
}

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

/** Live tensors, storages and bytes, in total and per backend (backends holding nothing are omitted). */
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
  ) {
    this.bytes = size * bytesPerElement(dtype);
    const c = counters(backendName);
    c.storages++;
    c.bytes += this.bytes;
  }

  /** Allocates a storage for `size` elements on the current backend. */
  static alloc(dtype: DType, size: number): Storage {
    const backend = getBackend();
    const name = getBackendName() ?? backend.name;
    return new Storage(backend, name, backend.alloc(dtype, size), dtype, size);
  }

  retain(): this {
    this.refs++;
    return this;
  }

  release(): void {
    if (this.refs <= 0) return;
    this.refs--;
    if (this.refs === 0) {
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
