/**
 * Learning-rate schedulers with PyTorch's formulas. Call `step()` once per epoch (or per batch
 * for OneCycleLR) after `optimizer.step()`; `getLastLr()` gives the current rates.
 *   StepLR:            lr = base·γ^⌊t/stepSize⌋
 *   MultiStepLR:       lr = base·γ^(number of milestones ≤ t)
 *   ExponentialLR:     lr = base·γ^t
 *   CosineAnnealingLR: lr = ηmin + (base - ηmin)·(1 + cos(π·t/Tmax))/2
 *   LinearLR:          lr = base·(s + (e - s)·min(t, T)/T)
 * OneCycleLR (one_cycle.ts) and ReduceLROnPlateau (plateau.ts) have their own files.
 */
import { checkOptions, describeValue, ValueError } from '@nnet/tensor';
import type { Optimizer } from './optimizer.js';

/** An optimizer whose parameter groups hold a learning rate (every optimizer here). */
export type WithLr = {
  /** The group's current learning rate, which a scheduler rewrites each step. */
  lr: number;
};

/**
 * Throws a ValueError unless `o` is an optimizer (something with paramGroups holding an lr).
 *
 *   checkOptimizer('StepLR', opt);
 */
export function checkOptimizer(op: string, o: unknown): void {
  const groups = (o as { paramGroups?: unknown } | null)?.paramGroups;
  if (!Array.isArray(groups) || !groups.every((g) => typeof g?.options?.lr === 'number')) {
    throw new ValueError(
      `${op}: optimizer must be an optimizer such as new SGD(model.parameters(), { lr: 0.1 }), got ${describeValue(o)}.`,
    );
  }
}

/** The state `LRScheduler.stateDict()` returns and `loadStateDict()` restores. */
export interface SchedulerStateDict {
  /** Completed steps. */
  lastEpoch: number;
  /** The initial learning rate of each parameter group. */
  baseLrs: number[];
}

/**
 * Base of the epoch-indexed schedulers: a subclass gives the rate of group i after t steps
 * (`lrAt`), and the base class sets it on the optimizer at each `step()`.
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const opt = new SGD(model.parameters(), { lr: 0.1 });
 * const sched = new StepLR(opt, { stepSize: 30 });
 * for (let epoch = 0; epoch < 90; epoch++) {
 *   // ... one epoch of opt.step() calls
 *   sched.step();
 * }
 * sched.getLastLr(); // ≈ [1e-4]: 0.1·0.1³
 * ```
 */
export abstract class LRScheduler {
  /** Completed steps (PyTorch's last_epoch). */
  lastEpoch = 0;
  /** The learning rate of each parameter group when the scheduler was created. */
  readonly baseLrs: number[];

  constructor(
    /** The optimizer whose groups' `lr` the scheduler sets. */
    protected readonly optimizer: Optimizer<WithLr>,
  ) {
    checkOptimizer(new.target.name, optimizer);
    this.baseLrs = optimizer.paramGroups.map((g) => g.options.lr);
  }

  /** The learning rate of group i after `t` steps. */
  protected abstract lrAt(t: number, base: number, i: number): number;

  /**
   * Computes every value the optimizer's groups take after `t` steps from `bases`, and returns
   * the function that writes them. Computing throws before anything is written, so a failed
   * step or load leaves the optimizer as it was.
   */
  protected plan(t: number, bases: readonly number[]): () => void {
    const lrs = this.optimizer.paramGroups.map((_, i) => this.lrAt(t, bases[i], i));
    return () => {
      this.optimizer.paramGroups.forEach((g, i) => {
        g.options.lr = lrs[i];
      });
    };
  }

  /** Advances one step and sets every group's learning rate. */
  step(): void {
    const commit = this.plan(this.lastEpoch + 1, this.baseLrs);
    this.lastEpoch++;
    commit();
  }

  /** Sets every group's learning rate for the current step (schedulers that start below the base call it). */
  protected apply(): void {
    this.plan(this.lastEpoch, this.baseLrs)();
  }

  /** The current learning rate of each parameter group. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.options.lr);
  }

  /** The scheduler's state (step count and base rates), a plain copy safe to serialise. */
  stateDict(): SchedulerStateDict {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  /**
   * Restores a `stateDict()` and sets the optimizer's rates for that step. Everything is checked
   * before anything is applied: after an error the scheduler and its optimizer are as before.
   *
   *   sched.loadStateDict(saved.scheduler); // resume at the saved epoch
   */
  loadStateDict(s: SchedulerStateDict): void {
    const op = `loadStateDict(${this.constructor.name})`;
    if (typeof s !== 'object' || s === null || Array.isArray(s)) {
      throw new ValueError(
        `${op}: expected a scheduler state dict { lastEpoch, baseLrs } as stateDict() returns, got ${describeValue(s)}.`,
      );
    }
    checkOptions(op, s, ['lastEpoch', 'baseLrs']);
    const { lastEpoch, baseLrs } = s;
    if (typeof lastEpoch !== 'number' || !Number.isInteger(lastEpoch) || lastEpoch < 0) {
      throw new ValueError(
        `${op}: lastEpoch must be an integer >= 0 (the completed steps), got ${describeValue(lastEpoch)}; pass a dict from stateDict().`,
      );
    }
    const groups = this.optimizer.paramGroups.length;
    if (!Array.isArray(baseLrs) || baseLrs.length !== groups) {
      throw new ValueError(
        `${op}: baseLrs must be a list of ${groups} learning rates (one per parameter group), got ${describeValue(baseLrs)}; load a dict saved from a scheduler over the same optimizer.`,
      );
    }
    const bad = baseLrs.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v) || v < 0);
    if (bad >= 0) {
      throw new ValueError(
        `${op}: baseLrs[${bad}] must be a finite number >= 0, got ${describeValue(baseLrs[bad])}; pass a dict from stateDict().`,
      );
    }
    const commit = this.plan(lastEpoch, baseLrs);
    this.lastEpoch = lastEpoch;
    this.baseLrs.splice(0, this.baseLrs.length, ...baseLrs);
    commit();
  }
}

/**
 * Throws a ValueError unless `v` is a finite number > 0 (an integer when `integer`).
 *
 *   positive('StepLR', 'stepSize', 30, true);
 */
export function positive(op: string, name: string, v: number, integer = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0) || (integer && !Number.isInteger(v))) {
    throw new ValueError(
      `${op}: ${name} must be a finite ${integer ? 'integer' : 'number'} > 0, got ${describeValue(v)}.`,
    );
  }
}

/**
 * Multiplies the rate by `gamma` (default 0.1) every `stepSize` steps: lr = base·γ^⌊t/stepSize⌋.
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const opt = new SGD(model.parameters(), { lr: 0.1 });
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 }); // 0.1 → 0.01 at epoch 30
 * for (let epoch = 0; epoch < 30; epoch++) sched.step();
 * sched.getLastLr(); // ≈ [0.01]
 * ```
 */
export class StepLR extends LRScheduler {
  constructor(
    optimizer: Optimizer<WithLr>,
    /** StepLR's options. */
    readonly options: {
      /** Steps between decays, an integer > 0. */
      stepSize: number;
      /** Multiplicative decay γ (default 0.1). */
      gamma?: number;
    },
  ) {
    super(optimizer);
    checkOptions('StepLR', options, ['stepSize', 'gamma']);
    positive('StepLR', 'stepSize', options?.stepSize, true);
  }
  protected lrAt(t: number, base: number): number {
    return base * (this.options.gamma ?? 0.1) ** Math.floor(t / this.options.stepSize);
  }
}

/**
 * Multiplies the rate by `gamma` (default 0.1) at each milestone step.
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const opt = new SGD(model.parameters(), { lr: 0.1 });
 * const sched = new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 * for (let epoch = 0; epoch < 80; epoch++) sched.step();
 * sched.getLastLr(); // ≈ [0.001]: 0.1·0.1²
 * ```
 */
export class MultiStepLR extends LRScheduler {
  constructor(
    optimizer: Optimizer<WithLr>,
    /** MultiStepLR's options. */
    readonly options: {
      /** Steps at which the rate is multiplied by γ, positive integers, e.g. [30, 80]. */
      milestones: readonly number[];
      /** Multiplicative decay γ (default 0.1). */
      gamma?: number;
    },
  ) {
    super(optimizer);
    checkOptions('MultiStepLR', options, ['milestones', 'gamma']);
    const m = options?.milestones;
    if (!Array.isArray(m) || !m.every((v) => Number.isInteger(v) && v > 0)) {
      throw new ValueError(
        `MultiStepLR: milestones must be a list of positive integer step counts, e.g. [30, 80], got ${describeValue(m)}.`,
      );
    }
  }
  protected lrAt(t: number, base: number): number {
    return base * (this.options.gamma ?? 0.1) ** this.options.milestones.filter((m) => m <= t).length;
  }
}

/**
 * Multiplies the rate by `gamma` every step: lr = base·γ^t.
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const opt = new SGD(model.parameters(), { lr: 0.1 });
 * const sched = new ExponentialLR(opt, { gamma: 0.95 });
 * sched.step();
 * sched.getLastLr(); // [0.095]
 * ```
 */
export class ExponentialLR extends LRScheduler {
  constructor(
    optimizer: Optimizer<WithLr>,
    /** ExponentialLR's options. */
    readonly options: {
      /** Multiplicative decay γ applied every step (required). */
      gamma: number;
    },
  ) {
    super(optimizer);
    checkOptions('ExponentialLR', options, ['gamma']);
  }
  protected lrAt(t: number, base: number): number {
    return base * this.options.gamma ** t;
  }
}

/**
 * Cosine annealing from the base rate to `etaMin` (default 0) over `tMax` steps:
 * lr = ηmin + (base - ηmin)·(1 + cos(π·t/Tmax))/2.
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const opt = new SGD(model.parameters(), { lr: 0.1 });
 * const sched = new CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 * for (let epoch = 0; epoch < 50; epoch++) sched.step();
 * sched.getLastLr(); // ≈ [0.050005]: halfway down
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  constructor(
    optimizer: Optimizer<WithLr>,
    /** CosineAnnealingLR's options. */
    readonly options: {
      /** Steps of the half cosine Tmax, an integer > 0. */
      tMax: number;
      /** Lowest rate ηmin, reached at step tMax (default 0). */
      etaMin?: number;
    },
  ) {
    super(optimizer);
    checkOptions('CosineAnnealingLR', options, ['tMax', 'etaMin']);
    positive('CosineAnnealingLR', 'tMax', options?.tMax, true);
  }
  protected lrAt(t: number, base: number): number {
    const etaMin = this.options.etaMin ?? 0;
    return etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * t) / this.options.tMax))) / 2;
  }
}

/**
 * Scales the rate linearly from `startFactor` (default 1/3) to `endFactor` (default 1) over
 * `totalIters` steps (default 5), then holds it: a warmup.
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const opt = new SGD(model.parameters(), { lr: 0.1 });
 * const sched = new LinearLR(opt, { startFactor: 0.1, totalIters: 10 });
 * sched.getLastLr(); // ≈ [0.01]: 0.1·startFactor at step 0
 * ```
 */
export class LinearLR extends LRScheduler {
  constructor(
    optimizer: Optimizer<WithLr>,
    /** LinearLR's options. */
    readonly options: {
      /** Factor of the base rate at step 0 (default 1/3). */
      startFactor?: number;
      /** Factor of the base rate from step totalIters on (default 1). */
      endFactor?: number;
      /** Steps over which the factor moves from start to end (default 5). */
      totalIters?: number;
    } = {},
  ) {
    super(optimizer);
    checkOptions('LinearLR', options, ['startFactor', 'endFactor', 'totalIters']);
    this.apply();
  }
  protected lrAt(t: number, base: number): number {
    const s = this.options.startFactor ?? 1 / 3;
    const e = this.options.endFactor ?? 1;
    const total = this.options.totalIters ?? 5;
    return base * (s + ((e - s) * Math.min(t, total)) / total);
  }
}
