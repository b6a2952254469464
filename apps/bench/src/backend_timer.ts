/**
 * Times every call the front end makes to a backend, by wrapping the backend object's methods
 * in place (so `profile` measures the very backend `setBackend` made current, with the same
 * kernels, the same dispatch and the same worker pool). A call a backend method makes to another
 * of its methods through `this` (a fused `linear` calling `matmul`) is part of the outer call: only
 * the outermost call is counted and timed, so the times add up to the backend's share of a step.
 *
 * Calls are keyed by method, the op for the kernels that take one first (`unary:sign`,
 * `binary:add`, `reduce:sum`) and the shape of the output (`linear [64,128]`); storage methods
 * by name alone (`alloc`, `readSync`). `read` returns a promise: only its synchronous part is timed.
 */
import { type Backend, OPTIONAL_KERNELS, REQUIRED_KERNELS } from '@nnet/tensor';

/** The Backend interface's storage methods (besides its kernels). */
const STORAGE_METHODS = ['alloc', 'free', 'write', 'read', 'readSync', 'memory'] as const;

/** The kernels whose first argument is an op name (`unary('sign', ...)`). */
const OP_FIRST = new Set(['unary', 'binary', 'compare', 'reduce', 'argReduce']);

/**
 * The position of the output among a kernel's arguments where it is not the last tensor argument:
 * `scatterAdd` accumulates into its first, the optimizer updates write their parameter in place,
 * `attention` writes `out` before `logsumexp`.
 */
const OUTPUT_ARG: Readonly<Record<string, number>> = {
  scatterAdd: 0,
  sgdUpdate: 0,
  adamUpdate: 0,
  attention: 5,
};

/** Calls and their total time, for one key. */
export interface CallStats {
  calls: number;
  ms: number;
}

/** What `timeBackendCalls` gives back: the figures so far, and a way to undo the wrapping. */
export interface BackendTimer {
  /** Calls and total ms per key, outermost calls only, since the start or the last `reset`. */
  stats(): Map<string, CallStats>;
  /** The sum of `stats()`'s ms: the time spent inside the backend. */
  totalMs(): number;
  /** Forgets what was recorded. */
  reset(): void;
  /** Puts the backend's own methods back (the wrappers are gone). */
  restore(): void;
}

function isTensorInfo(v: unknown): v is { shape: readonly number[] } {
  return (
    typeof v === 'object' && v !== null && 'handle' in v && Array.isArray((v as { shape?: unknown }).shape)
  );
}

/**
 * The key of one call: method, op (for the kernels that take one) and output shape.
 *
 * @example
 * callKey('unary', ['sign', x, { handle: 1, dtype: 'float32', shape: [64, 128] }]); // 'unary:sign [64,128]'
 * callKey('alloc', ['float32', 8192]); // 'alloc'
 */
export function callKey(method: string, args: readonly unknown[]): string {
  const name = OP_FIRST.has(method) ? `${method}:${String(args[0])}` : method;
  if ((STORAGE_METHODS as readonly string[]).includes(method)) return name;
  const at = OUTPUT_ARG[method];
  const out = at !== undefined && isTensorInfo(args[at]) ? args[at] : [...args].reverse().find(isTensorInfo);
  return out ? `${name} [${out.shape.join(',')}]` : name;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Wraps every Backend method `backend` has (storage, required and optional kernels) with a timer,
 * in place, until `restore()`: a method is replaced where it lives, on the object or on its class's
 * prototype (so other instances of that class are timed too, into the same figures: a profile
 * wants one backend per process). `now` is the clock in ms (tests pass a fake one).
 *
 * @example
 * const timer = timeBackendCalls(getBackend());
 * step();
 * timer.stats().get('linear [64,128]'); // { calls: 1, ms: 0.33 }
 * timer.restore();
 */
export function timeBackendCalls(
  backend: Backend,
  now: () => number = () => performance.now(),
): BackendTimer {
  const target = backend as unknown as Record<string, unknown>;
  const stats = new Map<string, CallStats>();
  const saved: { owner: object; name: string; descriptor: PropertyDescriptor }[] = [];
  let depth = 0;
  for (const name of [...STORAGE_METHODS, ...REQUIRED_KERNELS, ...OPTIONAL_KERNELS]) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    // Wrap the method where it lives (the object's own property, or its class's prototype), so the
    // backend object keeps its shape and restore() needs no delete.
    let owner: object = backend;
    while (!Object.hasOwn(owner, name)) owner = Object.getPrototypeOf(owner) as object;
    const descriptor = Object.getOwnPropertyDescriptor(owner, name) as PropertyDescriptor;
    saved.push({ owner, name, descriptor });
    const method = original as Method;
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      if (depth > 0) return method.apply(this, args);
      depth++;
      const t0 = now();
      try {
        return method.apply(this, args);
      } finally {
        const ms = now() - t0;
        depth--;
        const key = callKey(name, args);
        const s = stats.get(key);
        if (s) {
          s.calls++;
          s.ms += ms;
        } else stats.set(key, { calls: 1, ms });
      }
    };
    Object.defineProperty(owner, name, { ...descriptor, value: wrapper });
  }
  return {
    stats: () => new Map([...stats].map(([k, s]) => [k, { ...s }])),
    totalMs: () => [...stats.values()].reduce((t, s) => t + s.ms, 0),
    reset: () => stats.clear(),
    restore: () => {
      for (const { owner, name, descriptor } of saved) Object.defineProperty(owner, name, descriptor);
      saved.length = 0;
    },
  };
}
