/**
 * Memory scopes: `tidy(fn)` disposes every tensor made inside `fn` except the ones it returns
 * (and the ones passed to `keep`). Scopes nest; returned tensors move to the enclosing scope.
 */
import { ValueError } from './errors.js';

/** What a scope tracks: anything with a `dispose()` and a `kept` flag (a Tensor). */
export interface Scoped {
  dispose(): void;
  readonly isDisposed: boolean;
}

const stack: Set<Scoped>[] = [];

/** Adds a newly made tensor to the innermost scope (no-op outside any scope). */
export function track(t: Scoped): void {
  const top = stack[stack.length - 1];
  if (top) top.add(t);
}

/** Removes a tensor from every open scope, so no `tidy` will dispose it. Returns it. */
export function keep<T extends Scoped>(t: T): T {
  for (const s of stack) s.delete(t);
  return t;
}

/** True while inside at least one `tidy`. */
export function inScope(): boolean {
  return stack.length > 0;
}

/**
 * Runs `fn` and disposes every tensor it made except those in its result (a tensor, or arrays and
 * plain objects holding tensors) and those passed to `keep`. `fn` must be synchronous: memory made
 * across an `await` cannot be attributed to one scope, so run each step's synchronous part in tidy.
 *
 *   const loss = tidy(() => mse(model.forward(x), y)); // intermediates freed, loss kept
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
      'tidy: fn returned a Promise. tidy only tracks synchronous work; await outside and wrap each ' +
        'synchronous step in its own tidy.',
    );
  }
  const kept = new Set<Scoped>();
  collect(result, kept, 0);
  const parent = stack[stack.length - 1];
  for (const t of scope) {
    if (kept.has(t)) parent?.add(t);
    else t.dispose();
  }
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
  return typeof (v as Partial<Scoped>).dispose === 'function' && 'isDisposed' in v;
}
