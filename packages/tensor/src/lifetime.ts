/**
 * Step-bounded reclamation: how a training loop written with no `tidy`, `dispose` or `keep` stays
 * flat in memory. The rules, their reasons and the cases they refuse are in docs/memory.md.
 *
 * Inside one synchronous job nothing can observe that a tensor became unreachable (WeakRefs made in
 * the current job stay alive until it ends and FinalizationRegistry callbacks need the event loop),
 * so the library frees at known points instead of waiting for the garbage collector:
 *
 * - A tensor made outside every scope is *loose*. It carries the number of the current step (its
 *   stamp); using it as an op's input stamps it again.
 * - `Optimizer.step()` calls `markStep(optimizer)`: the step clock advances and every loose tensor
 *   not used for a whole round is freed. A round is one step of each optimizer seen stepping lately
 *   (one step with one optimizer; a generator's and a discriminator's step in a GAN), so the loss of
 *   a step can still be read after `step()` and until the next one.
 * - A module's top-level `forward` under `noGrad` calls `markForward(module)`: the same, on a second
 *   clock, for tensors made under `noGrad` (evaluation loops) that have been used at least once, so
 *   outputs collected without being touched (`outs.push(model.forward(x))`, then `cat(outs)`) stay.
 *   Training tensors ignore that clock.
 * - Held tensors are never freed: parameters, buffers, gradients, optimizer state and anything passed
 *   to `keep()` (all of them are kept), and every tensor that was loose when an optimizer stepped or
 *   a module ran under `noGrad` for the first time (what the program made before its loop).
 *
 * A freed tensor that the program touches later throws a `DisposedError` that says why it was freed.
 */
import { isGradEnabled } from './autograd.js';

/** What the clocks manage: a Tensor (see tensor.ts). */
export interface Loose {
  /** Step-clock stamp; -1 when the tensor is held, scoped or disposed. */
  _gen: number;
  /** Forward-clock stamp of a tensor made under noGrad; -1 otherwise. */
  _fgen: number;
  /** True once the tensor was freed (by dispose, a scope or the step clock). */
  readonly isDisposed: boolean;
  /** Frees the tensor, remembering why (for the DisposedError of a later use). */
  _reclaim(reason: string): void;
}

/** How many recent ticks decide the round length (distinct owners among them). */
const WINDOW = 16;

type StampKey = '_gen' | '_fgen';

/** Forward-clock stamp of a tensor made under noGrad and not used yet. */
const UNUSED = -2;

class Clock {
  gen = 0;
  /** Loose tensors by the stamp they had when listed. */
  private readonly lists = new Map<number, Loose[]>();
  private readonly recent: object[] = [];
  private readonly seen = new WeakSet<object>();

  constructor(
    private readonly key: StampKey,
    private readonly describe: (gen: number) => string,
    /** Free only tensors used at least once (the forward clock: see markForward). */
    private readonly requireUse: boolean,
  ) {}

  add(t: Loose): void {
    t[this.key] = this.requireUse ? UNUSED : this.gen;
    this.list(this.gen).push(t);
  }

  /** True the first time `owner` ticks this clock. */
  isNewOwner(owner: object): boolean {
    if (this.seen.has(owner)) return false;
    this.seen.add(owner);
    return true;
  }

  /** Advances the clock and frees the loose tensors not used for a whole round. */
  tick(owner: object): void {
    this.gen++;
    this.recent.push(owner);
    if (this.recent.length > WINDOW) this.recent.shift();
    const round = new Set(this.recent).size;
    const limit = this.gen - round;
    const reason = this.describe(this.gen);
    const moved: Loose[] = [];
    // Few stamps are listed at a time (about one per step of the round), so a full scan is cheap.
    for (const [stamp, list] of [...this.lists]) {
      if (stamp >= limit) continue;
      this.lists.delete(stamp);
      for (const t of list) {
        if (t.isDisposed) continue;
        const s = t[this.key];
        if (s === UNUSED) moved.push(t);
        else if (s < 0) continue;
        else if (s >= limit) moved.push(t);
        else t._reclaim(reason);
      }
    }
    for (const t of moved) {
      const s = t[this.key];
      this.list(s === UNUSED ? this.gen : s).push(t);
    }
  }

  private list(stamp: number): Loose[] {
    let list = this.lists.get(stamp);
    if (!list) {
      list = [];
      this.lists.set(stamp, list);
    }
    return list;
  }

  /** Holds every loose tensor of this clock for good (what the program made before its loop). */
  holdAll(): void {
    for (const list of this.lists.values()) {
      for (const t of list) {
        t._gen = -1;
        t._fgen = -1;
      }
    }
    this.lists.clear();
  }
}

const stepClock = new Clock(
  '_gen',
  (g) =>
    `freed automatically at optimizer step ${g}: it was made inside the training loop and not used ` +
    'for a whole step. Call keep() on it (t.keep()) or make it before the loop to hold it across steps',
  false,
);
const forwardClock = new Clock(
  '_fgen',
  (g) =>
    `freed automatically at forward ${g} under noGrad: it was made under noGrad inside a loop, used, ` +
    'and then not used for a whole forward. Call keep() on it (t.keep()) to hold it longer',
  true,
);

let autoFree = true;

/**
 * Turns step-bounded reclamation on or off (on by default). Off, loose tensors live until
 * `dispose()`, the end of a scope, or garbage collection.
 *
 * ```ts
 * setAutoFree(false); // keep every loose tensor until dispose(), scope end or GC
 * ```
 */
export function setAutoFree(on: boolean): void {
  autoFree = on;
  // The clocks' lists would hold the loose tensors (from the collector too) until a tick that never comes.
  if (!on) holdBeforeLoop();
}

/**
 * Whether step-bounded reclamation is on.
 *
 * ```ts
 * isAutoFree()   // true (the default)
 * ```
 */
export function isAutoFree(): boolean {
  return autoFree;
}

/** @internal Registers a tensor made (or returned) outside every scope; `inference` when made under noGrad. */
export function adoptLoose(t: Loose, inference: boolean): void {
  if (!autoFree) {
    hold(t);
    return;
  }
  stepClock.add(t);
  if (inference) forwardClock.add(t);
  else t._fgen = -1;
}

/** @internal Marks a tensor as used now (called for every op input). */
export function touch(t: Loose): void {
  if (t._gen >= 0) {
    t._gen = stepClock.gen;
    if (t._fgen !== -1) t._fgen = forwardClock.gen;
  }
}

/** @internal Holds a tensor for good (keep()). */
export function hold(t: Loose): void {
  t._gen = -1;
  t._fgen = -1;
}

/**
 * Marks the end of a training step: optimizers call it from `step()`; a hand-written update rule
 * may call it once per step with any object of its own as `owner`. Loose tensors not used for a
 * whole round are freed (see the module comment).
 *
 * ```ts
 * const w = tensor([1, 2], { requiresGrad: true });
 * const myUpdater = {}; // any object of its own, the same one every step
 * for (let step = 0; step < 3; step++) {
 *   sum(mul(w, w)).backward();
 *   const sgd = { lr: 0.25, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, first: step === 0 };
 *   if (w.grad) sgdStep(w, w.grad, null, sgd); // w ← w - 0.25·2w = w / 2
 *   w.grad = null;
 *   markStep(myUpdater); // after updating the weights by hand
 * }
 * w.toArray()   // [0.125, 0.25]
 * ```
 */
export function markStep(owner: object): void {
  if (!autoFree) return;
  if (stepClock.isNewOwner(owner)) holdBeforeLoop();
  stepClock.tick(owner);
}

/**
 * Marks a top-level module forward under `noGrad`: modules call it; loose tensors made under
 * `noGrad` and not used since the round before are freed.
 *
 * ```ts
 * const predictor = { w: tensor([[1], [2]]) }; // hand-written inference code
 * const x = tensor([[3, 4]]);
 * const y = noGrad(() => {
 *   markForward(predictor);
 *   return matmul(x, predictor.w);
 * });
 * y.toArray()   // [[11]]
 * // (Module subclasses need not: moduleForward calls it for them)
 * ```
 */
export function markForward(owner: object): void {
  if (!autoFree) return;
  if (forwardClock.isNewOwner(owner)) holdBeforeLoop();
  forwardClock.tick(owner);
}

function holdBeforeLoop(): void {
  stepClock.holdAll();
  forwardClock.holdAll();
}

let forwardDepth = 0;

/**
 * Runs a module's forward: the top-level call (not one nested in another module's forward) under
 * `noGrad` ticks the forward clock, after marking the call's tensor inputs as used. Module
 * subclasses get this automatically; a module-like class of another library can call it.
 *
 * ```ts
 * class Scale { // a module-like class of another library
 *   constructor(readonly factor: number) {}
 *   forward(x: Tensor): Tensor {
 *     return moduleForward(this, [x], () => mul(x, this.factor));
 *   }
 * }
 * noGrad(() => new Scale(2).forward(tensor([1, 2])).toArray())   // [2, 4]
 * ```
 */
export function moduleForward<T>(owner: object, inputs: readonly unknown[], fn: () => T): T {
  if (forwardDepth === 0 && !isGradEnabled()) {
    for (const x of inputs) if (isLoose(x)) touch(x);
    markForward(owner);
  }
  forwardDepth++;
  try {
    return fn();
  } finally {
    forwardDepth--;
  }
}

function isLoose(x: unknown): x is Loose {
  return typeof x === 'object' && x !== null && '_gen' in x && '_fgen' in x;
}
