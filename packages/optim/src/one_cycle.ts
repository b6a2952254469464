/**
 * OneCycleLR, stepped once per batch: warm up from maxLr/div to maxLr over pctStart of the steps,
 * then anneal (cosine or linear) to maxLr/(div·finalDiv), with momentum moving the opposite way.
 */
import { checkOptions, ValueError } from '@nnet/tensor';
import type { Optimizer } from './optimizer.js';
import { LRScheduler, positive, type WithLr } from './schedulers.js';

/** OneCycleLR's options (PyTorch's names in camelCase). */
export interface OneCycleOptions {
  /** Peak learning rate, reached after pctStart·totalSteps steps (required). */
  maxLr: number;
  /** Number of `step()` calls in the whole cycle, an integer > 0 (usually epochs · batches per epoch). */
  totalSteps: number;
  /** Fraction of the steps spent raising the rate (default 0.3). */
  pctStart?: number;
  /** Annealing curve of both phases: 'cos' (default) or 'linear'. */
  annealStrategy?: 'cos' | 'linear';
  /** The initial rate is maxLr / divFactor (default 25). */
  divFactor?: number;
  /** The final rate is maxLr / (divFactor · finalDivFactor) (default 1e4). */
  finalDivFactor?: number;
  /** Move momentum (SGD's momentum, Adam's β₁) inversely to the learning rate (default true). */
  cycleMomentum?: boolean;
  /** Lowest momentum (or β₁), reached at the peak rate (default 0.85). */
  baseMomentum?: number;
  /** Highest momentum (or β₁), at the start and end of the cycle (default 0.95). */
  maxMomentum?: number;
}

const ONE_CYCLE_KEYS = [
  'maxLr',
  'totalSteps',
  'pctStart',
  'annealStrategy',
  'divFactor',
  'finalDivFactor',
  'cycleMomentum',
  'baseMomentum',
  'maxMomentum',
];

/**
 * The one-cycle policy, stepped once per batch: the rate rises from maxLr/divFactor to maxLr over
 * pctStart·totalSteps steps, then anneals to maxLr/(divFactor·finalDivFactor); momentum (or
 * Adam's β₁) moves the opposite way unless `cycleMomentum: false`.
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * const [epochs, batchesPerEpoch] = [10, 100];
 * const sched = new OneCycleLR(opt, { maxLr: 0.1, totalSteps: epochs * batchesPerEpoch });
 * sched.getLastLr(); // ≈ [0.004]: maxLr / 25 at step 0
 * ```
 */
export class OneCycleLR extends LRScheduler {
  constructor(
    optimizer: Optimizer<WithLr>,
    /** The options the scheduler was built with (maxLr, totalSteps, ...); defaults are applied when read. */
    readonly options: OneCycleOptions,
  ) {
    super(optimizer);
    checkOptions('OneCycleLR', options, ONE_CYCLE_KEYS);
    positive('OneCycleLR', 'totalSteps', options?.totalSteps, true);
    if (
      (options.cycleMomentum ?? true) &&
      !optimizer.paramGroups.every((g) => 'momentum' in g.options || 'betas' in g.options)
    ) {
      throw new ValueError('OneCycleLR: the optimizer has no momentum to cycle; pass cycleMomentum: false.');
    }
    this.apply();
  }

  /** The value at step t of a quantity that goes a → b in phase 1 and b → c in phase 2. */
  private anneal(t: number, a: number, b: number, c: number): number {
    const total = this.options.totalSteps;
    // Like PyTorch, the step after the last (t = total, when a loop steps after each of its
    // totalSteps batches) is allowed; its rate is never used for training.
    if (t > total)
      throw new ValueError(
        `OneCycleLR: stepped ${t} times, more than totalSteps (${total}); create the scheduler with a larger totalSteps.`,
      );
    const end1 = (this.options.pctStart ?? 0.3) * total - 1;
    const [start, end, from, to] = t <= end1 ? [0, end1, a, b] : [end1, total - 1, b, c];
    const pct = (t - start) / (end - start);
    return this.options.annealStrategy === 'linear'
      ? (to - from) * pct + from
      : to + ((from - to) / 2) * (1 + Math.cos(Math.PI * pct));
  }

  protected lrAt(t: number): number {
    const max = this.options.maxLr;
    const initial = max / (this.options.divFactor ?? 25);
    return this.anneal(t, initial, max, initial / (this.options.finalDivFactor ?? 1e4));
  }

  protected override plan(t: number, bases: readonly number[]): () => void {
    const setLrs = super.plan(t, bases);
    if (!(this.options.cycleMomentum ?? true)) return setLrs;
    const lo = this.options.baseMomentum ?? 0.85;
    const hi = this.options.maxMomentum ?? 0.95;
    const m = this.anneal(t, hi, lo, hi);
    return () => {
      setLrs();
      for (const g of this.optimizer.paramGroups) {
        const o = g.options as unknown as { momentum?: number; betas?: readonly [number, number] };
        if ('betas' in o && o.betas) o.betas = [m, o.betas[1]];
        else o.momentum = m;
      }
    };
  }
}
