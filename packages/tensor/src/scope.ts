/**
 * Memory scopes. `tidy(fn)` disposes every tensor made inside the synchronous `fn` except the ones
 * it returns (and the ones passed to `keep`); `tidyAsync(fn)` and `scope()` do the same for work
 * that spans `await`. Tensors made outside every scope are loose: step-bounded reclamation frees
 * them (lifetime.ts). One lifetime model: a tensor belongs to the innermost synchronous scope, else
 * to the open asynchronous scopes, else it is loose; `keep()` holds it for good.
 */
import { isGradEnabled } from './autograd.js';
import './disposable.js';
import { ValueError } from './errors.js';
import { adoptLoose, hold, type Loose } from './lifetime.js';

/** What a scope tracks: a Tensor. */
export interface Scoped extends Loose {
  /** Frees the tensor's storage now (what the scope calls when it closes). */
  dispose(): void;
  /** Open asynchronous scopes that own this tensor (0 when none). */
  _asyncOwners: number;
  /** Set when an asynchronous scope returned it: it is never freed by one. */
  _escaped: boolean;
  /** No synchronous scope owns it any more: the program may now drop it without dispose(). */
  _unscoped(): void;
}

const stack: Set<Scoped>[] = [];
const openAsync = new Set<AsyncScope>();

/** @internal Gives a newly made tensor to its owner: the innermost scope, the open async scopes, or none. */
export function track(t: Scoped): void {
  const top = stack[stack.length - 1];
  if (top) {
    top.add(t);
    return;
  }
  release(t);
}

/** A tensor leaving every synchronous scope: owned by the open async scopes, or loose. */
function release(t: Scoped): void {
  t._unscoped();
  if (openAsync.size > 0) {
    t._gen = -1;
    t._fgen = -1;
    t._asyncOwners = openAsync.size;
    for (const s of openAsync) s.owned.push(t);
    return;
  }
  adoptLoose(t, !isGradEnabled());
}

/**
 * Holds a tensor for good: no scope disposes it and step-bounded reclamation never frees it
 * (parameters, buffers, gradients and optimizer state are kept). Free it with `dispose()`.
 *
 * ```ts
 * const running = keep(zeros([10]));
 * ```
 */
export function keep<T extends Scoped>(t: T): T {
  for (const s of stack) s.delete(t);
  t._unscoped();
  t._asyncOwners = 0;
  hold(t);
  return t;
}

/**
 * Runs `fn` and disposes every tensor it made except those in its result (a tensor, or arrays,
 * Maps and plain objects holding tensors) and those passed to `keep`. `fn` must be synchronous;
 * for work that awaits, use `tidyAsync` or `scope()`.
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const x = randn([8, 4]);
 * const y = randn([8, 2]);
 * const loss = tidy(() => mse(model.forward(x), y)); // intermediates freed, loss kept
 * ```
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new ValueError('tidy: expected a function, e.g. tidy(() => x.mul(2)).');
  const scope = new Set<Scoped>();
  stack.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    stack.pop();
    for (const t of scope) t.dispose();
    throw err;
  }
  stack.pop();
  if (result instanceof Promise) {
    for (const t of scope) t.dispose();
    throw new ValueError(
      'tidy: fn returned a Promise. tidy only tracks synchronous work; use await tidyAsync(async () => ...) ' +
        'for work that awaits.',
    );
  }
  const kept = new Set<Scoped>();
  collect(result, kept, 0);
  const parent = stack[stack.length - 1];
  for (const t of scope) {
    if (!kept.has(t)) t.dispose();
    else if (parent) parent.add(t);
    else release(t);
  }
  return result;
}

/**
 * A memory scope that spans `await`: every tensor made while it is open (outside a nested
 * synchronous `tidy`) is disposed when it closes, except what `close(result)` is given and what
 * was kept. Use it with `using` or through `tidyAsync`.
 *
 * Without a way to tell which asynchronous task made a tensor, the rule is the safe one: a tensor
 * made while several scopes are open is freed only when all of them have closed, and never if any
 * of them returned it (it becomes loose instead).
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const x = randn([8, 4]);
 * {
 *   using s = scope();
 *   const y = model.forward(x);
 *   await y.data();
 * } // y freed here
 * ```
 */
export class AsyncScope {
  /** @internal */
  readonly owned: Scoped[] = [];
  private open = true;

  constructor() {
    openAsync.add(this);
  }

  /** True until `close()`. */
  get isOpen(): boolean {
    return this.open;
  }

  /** Closes the scope, disposing what it owns except the tensors found in `result`. Idempotent. */
  close(result?: unknown): void {
    if (!this.open) return;
    this.open = false;
    openAsync.delete(this);
    const kept = new Set<Scoped>();
    collect(result, kept, 0);
    for (const t of this.owned) {
      if (t.isDisposed || t._asyncOwners <= 0) continue;
      if (kept.has(t)) t._escaped = true;
      if (--t._asyncOwners > 0) continue;
      if (t._escaped) adoptLoose(t, false);
      else
        t._reclaim(
          'freed at the end of the tidyAsync()/scope() that made it; return it from the scope or keep() it',
        );
    }
    this.owned.length = 0;
  }

  /**
   * Closes the scope (same as `close()`), so `using s = scope()` frees its tensors at block end.
   *
   *   { using s = scope(); const h = x.relu(); }  // h is freed at the closing brace
   */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Opens an asynchronous memory scope (see `AsyncScope`): tensors made while it is open are freed
 * when it closes, except those in the result passed to `close(result)`.
 *
 * ```ts
 * const x = randn([3]);
 * const f = (t: Tensor) => t.mul(2).add(1);
 * { using s = scope(); const h = x.relu(); await h.data(); }   // h is freed at the closing brace
 * const s = scope(); const y = f(x); s.close(y);                 // y survives, f's temporaries freed
 * ```
 */
export function scope(): AsyncScope {
  return new AsyncScope();
}

/**
 * `tidy` for asynchronous work: disposes every tensor `fn` made (across its awaits) except those in
 * its resolved result and those kept.
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const x = randn([8, 4]);
 * const probs = await tidyAsync(async () => {
 *   const logits = model.forward(x);
 *   await logits.data();         // awaits are fine
 *   return logits.softmax(-1);   // survives; logits is freed
 * });
 * ```
 */
export async function tidyAsync<T>(fn: () => Promise<T>): Promise<T> {
  if (typeof fn !== 'function') {
    throw new ValueError('tidyAsync: expected an async function, e.g. tidyAsync(async () => x.mul(2)).');
  }
  const s = new AsyncScope();
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    s.close();
    throw err;
  }
  s.close(result);
  return result;
}

function collect(v: unknown, out: Set<Scoped>, depth: number): void {
  if (v === null || typeof v !== 'object' || depth > 8) return;
  if (isScoped(v)) {
    out.add(v);
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) collect(x, out, depth + 1);
    return;
  }
  if (v instanceof Map) {
    for (const x of v.values()) collect(x, out, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(v) === Object.prototype) {
    for (const x of Object.values(v)) collect(x, out, depth + 1);
  }
}

function isScoped(v: object): v is Scoped {
  return typeof (v as Partial<Scoped>).dispose === 'function' && '_asyncOwners' in v;
}
