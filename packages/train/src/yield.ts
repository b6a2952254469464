/**
 * Handing the event loop a turn from a long loop, cheaply: `maybeYield()` costs one clock read
 * unless `yieldEvery` ms have passed since the last yield, and then one macrotask (setImmediate in
 * Node; a MessageChannel message in a browser or worker, which unlike setTimeout(0) is not clamped
 * to 4 ms), so input, rendering and timers run between training steps.
 */
import { ValueError } from '@nnet/tensor';

type Post = () => Promise<void>;

function makePost(): Post {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return () => new Promise((resolve) => setImmediate(resolve));
  }
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    const waiting: (() => void)[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    return () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        channel.port2.postMessage(0);
      });
  }
  return () => new Promise((resolve) => setTimeout(resolve, 0));
}

let post: Post | null = null;

/**
 * Resolves on a later turn of the event loop (a macrotask).
 *
 * ```ts
 * await nextTurn(); // timers, I/O and rendering ran in between
 * ```
 */
export function nextTurn(): Promise<void> {
  post ??= makePost();
  return post();
}

/** Yields to the event loop once `every` ms have passed since the last yield. */
export class Yielder {
  private readonly every: number;
  private last = performance.now();

  constructor(op: string, every: number | undefined) {
    this.every = every ?? 16;
    if (!(this.every >= 0))
      throw new ValueError(`${op}: yieldEvery must be a number of ms >= 0 (or Infinity), got ${every}.`);
  }

  /** Yields if the loop has run `every` ms since the last yield; cheap otherwise. */
  async maybeYield(): Promise<void> {
    if (this.every === Number.POSITIVE_INFINITY) return;
    const now = performance.now();
    if (now - this.last < this.every) return;
    await nextTurn();
    this.last = performance.now();
  }
}
