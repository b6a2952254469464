/**
 * The backend registry. Backend packages register a factory when imported; the front end uses the
 * backend `setBackend` chose, or else the registered backend of highest priority.
 *
 *   import '@nnet/backend-cpu';           // registers 'cpu' with priority 1
 *   await setBackend('wasm');             // or: await ready()
 *
 * The selection rule, when no backend was chosen by name:
 * - `await ready()` initialises the registered backends in priority order and uses the first that
 *   initialises; one whose factory throws or rejects (a GPU backend without an adapter) is skipped,
 *   and the error lists every failure when none is left.
 * - An op before that (with no `await`) uses the highest-priority backend if it is synchronous (cpu).
 *   If that backend initialises asynchronously, the op throws a BackendError telling to
 *   `await ready()`: it never binds a lower-priority backend silently while a better one loads.
 *   Backends whose initialisation already failed are passed over.
 * - A factory is called with `{ requested: true }` when the backend was asked for by name
 *   (`setBackend`) and `{ requested: false }` when chosen by priority: a backend that should only
 *   be used when asked for (a software GPU adapter) throws in the second case.
 */
import { type Backend, type BackendFactory, REQUIRED_KERNELS } from './backend.js';
import { BackendError } from './errors.js';

interface Entry {
  factory: BackendFactory;
  priority: number;
  instance?: Backend;
  pending?: Promise<Backend>;
  /** Why initialising it by priority failed (it is then passed over by priority). */
  failed?: string;
}

const entries = new Map<string, Entry>();
let current: Backend | null = null;
let currentName: string | null = null;

/**
 * Registers a backend factory under `name`. A higher `priority` wins when no backend was chosen
 * explicitly. Registering a name again replaces the factory (and drops its old instance).
 *
 * ```ts
 * registerBackend('my-backend', () => new CpuBackend(), 5); // or your own Backend
 * await setBackend('my-backend');
 * getBackendName()   // 'my-backend'
 * ```
 */
export function registerBackend(name: string, factory: BackendFactory, priority = 0): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new BackendError('registerBackend: name must be a non-empty string, e.g. "cpu".');
  }
  if (typeof factory !== 'function') {
    throw new BackendError(`registerBackend('${name}'): factory must be a function returning a Backend.`);
  }
  if (typeof priority !== 'number' || !Number.isFinite(priority)) {
    throw new BackendError(
      `registerBackend('${name}'): priority must be a finite number, got ${String(priority)}.`,
    );
  }
  const old = entries.get(name);
  if (old?.instance && old.instance === current) {
    current = null;
    currentName = null;
  }
  entries.set(name, { factory, priority });
}

/**
 * Removes a backend from the registry (and disposes its instance if one was made).
 *
 * ```ts
 * registerBackend('cpu2', () => new CpuBackend(), 0);
 * removeBackend('cpu2');
 * listBackends()   // ['cpu']
 * ```
 */
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

/**
 * Names of the registered backends, highest priority first.
 *
 * ```ts
 * import '@nnet/backend-cpu';
 * listBackends()   // ['cpu']
 * ```
 */
export function listBackends(): string[] {
  return [...entries.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([n]) => n);
}

const STORAGE_METHODS = ['alloc', 'free', 'write', 'read', 'memory'] as const;

/**
 * Throws a BackendError listing every storage method and required kernel `b` lacks.
 *
 * ```ts
 * validateBackend('mine', {})
 * // throws BackendError "backend 'mine' lacks 17 required method(s): alloc, free, write, ..."
 * ```
 */
export function validateBackend(name: string, b: unknown): Backend {
  if (!b || typeof b !== 'object') {
    throw new BackendError(`backend '${name}': its factory returned ${String(b)}, not a Backend object.`);
  }
  const obj = b as Record<string, unknown>;
  const missing = [...STORAGE_METHODS, ...REQUIRED_KERNELS].filter((m) => typeof obj[m] !== 'function');
  if (missing.length > 0) {
    throw new BackendError(
      `backend '${name}' lacks ${missing.length} required method(s): ${missing.join(', ')}. ` +
        'Implement every storage method and required kernel of the Backend interface (see docs/backends.md).',
    );
  }
  return b as Backend;
}

function instantiate(name: string, e: Entry, requested: boolean): Backend | Promise<Backend> {
  if (e.instance) return e.instance;
  if (e.pending) return e.pending;
  let made: Backend | Promise<Backend>;
  try {
    made = e.factory({ requested });
  } catch (err) {
    throw initFailed(name, e, requested, err);
  }
  if (made instanceof Promise) {
    e.pending = made.then(
      (b) => {
        e.pending = undefined;
        e.instance = validateBackend(name, b);
        e.failed = undefined;
        return e.instance;
      },
      (err: unknown) => {
        e.pending = undefined;
        throw initFailed(name, e, requested, err);
      },
    );
    return e.pending;
  }
  e.instance = validateBackend(name, made);
  e.failed = undefined;
  return e.instance;
}

function initFailed(name: string, e: Entry, requested: boolean, err: unknown): BackendError {
  const why = err instanceof Error ? err.message : String(err);
  if (!requested) e.failed = why;
  if (err instanceof BackendError && why.startsWith(`backend '${name}'`)) return err;
  return new BackendError(`backend '${name}' failed to initialise: ${why}`);
}

function unknownBackend(op: string, name: string): BackendError {
  const known = listBackends();
  return new BackendError(
    `${op}: no backend named '${name}' is registered (registered: ${known.length ? known.join(', ') : 'none'}). ` +
      "A backend registers itself when its package is imported (e.g. import '@nnet/backend-wasm'); " +
      'check the name and that its package is imported before this call.',
  );
}

/**
 * Makes `name` the backend for every new tensor, initialising it if needed (its factory is told it
 * was asked for by name).
 *
 * ```ts
 * await setBackend('wasm');
 * ```
 */
export async function setBackend(name: string): Promise<Backend> {
  const e = entries.get(name);
  if (!e) throw unknownBackend('setBackend', name);
  const b = await instantiate(name, e, true);
  current = b;
  currentName = name;
  return b;
}

/**
 * Resolves when a backend is ready: the chosen one, or else the first registered backend, by
 * priority, that initialises (see the selection rule above).
 *
 * ```ts
 * await ready();
 * ```
 */
export async function ready(): Promise<Backend> {
  if (current) return current;
  const names = listBackends();
  if (names.length === 0) throw noBackend('ready()');
  const failures: string[] = [];
  for (const name of names) {
    const e = entries.get(name);
    if (!e) continue;
    if (e.failed !== undefined) {
      failures.push(`${name}: ${e.failed}`);
      continue;
    }
    try {
      const b = await instantiate(name, e, false);
      if (current) return current;
      current = b;
      currentName = name;
      return b;
    } catch (err) {
      failures.push(`${name}: ${e.failed ?? (err instanceof Error ? err.message : String(err))}`);
    }
  }
  throw new BackendError(`ready(): no registered backend could initialise (${failures.join('; ')}).`);
}

function noBackend(op: string): BackendError {
  return new BackendError(
    `${op}: no backend is registered. Install and import one, e.g. import '@nnet/backend-cpu' ` +
      "(ready at once), or import '@nnet/backend-wasm' and await setBackend('wasm').",
  );
}

/**
 * The current backend. If none was chosen, the registered backend of highest priority is used when
 * it is synchronous; if it initialises asynchronously this throws, telling to `await ready()`.
 *
 * ```ts
 * const b = getBackend(); // after import '@nnet/backend-cpu'
 * ```
 */
export function getBackend(): Backend {
  if (current) return current;
  for (const name of listBackends()) {
    const e = entries.get(name);
    if (!e || e.failed !== undefined) continue;
    if (e.instance) {
      current = e.instance;
      currentName = name;
      return current;
    }
    if (!e.pending) {
      const made = instantiate(name, e, false);
      if (!(made instanceof Promise)) {
        current = made;
        currentName = name;
        return current;
      }
      // Started now; its rejection is reported by ready() or the next op.
      made.catch(() => undefined);
    }
    throw new BackendError(
      `getBackend(): backend '${name}' (the registered backend of highest priority) is still initialising. ` +
        `Call await ready() (or await setBackend('${name}')) before the first op.`,
    );
  }
  if (entries.size === 0) throw noBackend('getBackend()');
  throw new BackendError(
    `getBackend(): no registered backend could initialise (${[...entries]
      .map(([n, e]) => `${n}: ${e.failed ?? 'not started'}`)
      .join('; ')}).`,
  );
}

/**
 * Name of the current backend, or null before one is chosen.
 *
 * ```ts
 * getBackendName()   // null while no backend package is imported
 * import '@nnet/backend-cpu';
 * getBackendName()   // 'cpu'
 * ```
 */
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

/**
 * The instance of a registered, initialised backend by name (undefined otherwise).
 *
 * ```ts
 * findBackend('cpu')   // the CpuBackend instance once initialised
 * findBackend('nope')   // undefined
 * ```
 */
export function findBackend(name: string): Backend | undefined {
  return entries.get(name)?.instance;
}
