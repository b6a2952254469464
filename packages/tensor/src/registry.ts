/**
 * The backend registry. Backend packages register a factory when imported; the front end picks
 * the ready backend of highest priority unless `setBackend` chose one.
 *
 *   import '@nnet/backend-cpu';           // registers 'cpu' with priority 1
 *   await setBackend('wasm');             // or: await ready()
 */
import type { Backend, BackendFactory } from './backend.js';
import { BackendError } from './errors.js';

interface Entry {
  factory: BackendFactory;
  priority: number;
  instance?: Backend;
  pending?: Promise<Backend>;
}

const entries = new Map<string, Entry>();
let current: Backend | null = null;
let currentName: string | null = null;

/**
 * Registers a backend factory under `name`. A higher `priority` wins when no backend was chosen
 * explicitly. Registering a name again replaces the factory (and drops its old instance).
 */
export function registerBackend(name: string, factory: BackendFactory, priority = 0): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new BackendError('registerBackend: name must be a non-empty string, e.g. "cpu".');
  }
  if (typeof factory !== 'function') {
    throw new BackendError(`registerBackend('${name}'): factory must be a function returning a Backend.`);
  }
  const old = entries.get(name);
  if (old?.instance && old.instance === current) {
    current = null;
    currentName = null;
  }
  entries.set(name, { factory, priority });
}

/** Removes a backend from the registry (and disposes its instance if one was made). */
export function removeBackend(name: string): void {
  const e = entries.get(name);
  if (!e) return;
  if (e.instance === current) {
    current = null;
    currentName = null;
  }
  e.instance?.dispose?.();
  entries.delete(name);
}

/** Names of the registered backends, highest priority first. */
export function listBackends(): string[] {
  return [...entries.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([n]) => n);
}

function validate(name: string, b: Backend): Backend {
  if (!b || typeof b.alloc !== 'function' || typeof b.matmul !== 'function') {
    throw new BackendError(
      `backend '${name}': its factory returned something that is not a Backend ` +
        '(it needs alloc, free, write, read and every required kernel).',
    );
  }
  return b;
}

function instantiate(name: string, e: Entry): Backend | Promise<Backend> {
  if (e.instance) return e.instance;
  if (e.pending) return e.pending;
  const made = e.factory();
  if (made instanceof Promise) {
    e.pending = made.then(
      (b) => {
        e.instance = validate(name, b);
        e.pending = undefined;
        return e.instance;
      },
      (err: unknown) => {
        e.pending = undefined;
        throw new BackendError(`backend '${name}' failed to initialise: ${String(err)}`);
      },
    );
    return e.pending;
  }
  e.instance = validate(name, made);
  return e.instance;
}

function unknownBackend(op: string, name: string): BackendError {
  const known = listBackends();
  return new BackendError(
    `${op}: no backend named '${name}' is registered (registered: ${known.length ? known.join(', ') : 'none'}). ` +
      `Import its package first, e.g. import '@nnet/backend-${name}'.`,
  );
}

/** Makes `name` the backend for every new tensor, initialising it if needed. */
export async function setBackend(name: string): Promise<Backend> {
  const e = entries.get(name);
  if (!e) throw unknownBackend('setBackend', name);
  const b = await instantiate(name, e);
  current = b;
  currentName = name;
  return b;
}

/**
 * Resolves when a backend is ready: the chosen one, or else the registered one of highest
 * priority (initialising it if needed).
 */
export async function ready(): Promise<Backend> {
  if (current) return current;
  const [best] = listBackends();
  if (best === undefined) throw noBackend('ready()');
  return setBackend(best);
}

function noBackend(op: string): BackendError {
  return new BackendError(
    `${op}: no backend is registered. Install and import one, e.g. import '@nnet/backend-cpu' ` +
      "(ready at once), or import '@nnet/backend-wasm' and await setBackend('wasm').",
  );
}

/**
 * The current backend. If none was chosen, the registered backend of highest priority whose
 * factory is synchronous is chosen now; an async backend must be awaited with `setBackend`/`ready`.
 */
export function getBackend(): Backend {
  if (current) return current;
  for (const name of listBackends()) {
    const e = entries.get(name)!;
    if (e.instance) {
      current = e.instance;
      currentName = name;
      return current;
    }
    if (e.pending) continue;
    const made = instantiate(name, e);
    if (made instanceof Promise) continue;
    current = made;
    currentName = name;
    return current;
  }
  if (entries.size === 0) throw noBackend('getBackend()');
  throw new BackendError(
    `getBackend(): backend(s) ${listBackends().join(', ')} are still initialising. ` +
      `Call await ready() (or await setBackend('${listBackends()[0]}')) before the first op.`,
  );
}

/** Name of the current backend, or null before one is chosen. */
export function getBackendName(): string | null {
  if (!current) {
    try {
      getBackend();
    } catch {
      return null;
    }
  }
  return currentName;
}

/** The instance of a registered, initialised backend by name (undefined otherwise). */
export function findBackend(name: string): Backend | undefined {
  return entries.get(name)?.instance;
}
