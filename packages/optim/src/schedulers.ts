/**
 * Learning-rate schedulers with PyTorch's formulas. Call `step()` once per epoch (or per batch
 * for OneCycleLR) after `optimizer.step()`; `getLastLr()` gives the current rates.
 *   StepLR:            lr = base·γ^⌊t/stepSize⌋
 *   MultiStepLR:       lr = base·γ^(number of milestones ≤ t)
 *   ExponentialLR:     lr = base·γ^t
 *   CosineAnnealingLR: lr = ηmin + (base - ηmin)·(1 + cos(π·t/Tmax))/2
 *   LinearLR:          lr = base·(s + (e - s)·min(t, T)/T)
 *   OneCycleLR:        warm up from maxLr/div to maxLr over pctStart of the steps, then anneal
 *                      (cosine or linear) to maxLr/(div·finalDiv)
 *   ReduceLROnPlateau: lr = max(lr·factor, minLr) after `patience` epochs without improvement
 */
import { describeValue, ValueError } from '@nnet/tensor';
import type { Optimizer } from './optimizer.js';

type WithLr = { lr: number };

/** Throws a ValueError unless `o` is an optimizer (something with paramGroups holding an lr). */
function checkOptimizer(op: string, o: unknown): void {
  const groups = (o as { paramGroups?: unknown } | null)?.paramGroups;
  if (!Array.isArray(groups) || !groups.every((g) => typeof g?.options?.lr === 'number')) {
    throw new ValueError(
      `${op}: optimizer must be an optimizer such as new SGD(model.parameters(), { lr: 0.1 }), got ${describeValue(o)}.`,
    );
  }
}

export abstract class LRScheduler {
  /** Completed steps (PyTorch's last_epoch). */
  lastEpoch = 0;
  readonly baseLrs: number[];

  constructor(protected readonly optimizer: Optimizer<WithLr>) {
    checkOptimizer(new.target.name, optimizer);
    this.baseLrs = optimizer.paramGroups.map((g) => g.options.lr);
  }

  /** The learning rate of group i after `t` steps. */
  protected abstract lrAt(t: number, base: number, i: number): number;

  /** Advances one step and sets every group's learning rate. */
  step(): void {
    this.lastEpoch++;
    this.apply();
  }

  protected apply(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      g.options.lr = this.lrAt(this.lastEpoch, this.baseLrs[i], i);
    });
  }

  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.options.lr);
  }

  stateDict(): { lastEpoch: number; baseLrs: number[] } {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  loadStateDict(s: { lastEpoch: number; baseLrs: number[] }): void {
    this.lastEpoch = s.lastEpoch;
    this.baseLrs.splice(0, this.baseLrs.length, ...s.baseLrs);
    this.apply();
  }
}

function positive(op: string, name: string, v: number, integer = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0) || (integer && !Number.isInteger(v))) {
    throw new ValueError(
      `${op}: ${name} must be a finite ${integer ? 'integer' : 'number'} > 0, got ${describeValue(v)}.`,
    );
  }
}

export class StepLR extends LRScheduler {
  constructor(
    optimizer: Optimizer<WithLr>,
    readonly options: { stepSize: number; gamma?: number },
  ) {
    super(optimizer);
    positive('StepLR', 'stepSize', options?.stepSize, true);
  }
  protected lrAt(t: number, base: number): number {
    return base * (this.options.gamma ?? 0.1) ** Math.floor(t / this.options.stepSize);
  }
}

export class MultiStepLR extends LRScheduler {
  constructor(
    optimizer: Optimizer<WithLr>,
    readonly options: { milestones: readonly number[]; gamma?: number },
  ) {
    super(optimizer);
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

export class ExponentialLR extends LRScheduler {
  constructor(
    optimizer: Optimizer<WithLr>,
    readonly options: { gamma: number },
  ) {
    super(optimizer);
  }
  protected lrAt(t: number, base: number): number {
    return base * this.options.gamma ** t;
  }
}

export class CosineAnnealingLR extends LRScheduler {
  constructor(
    optimizer: Optimizer<WithLr>,
    readonly options: { tMax: number; etaMin?: number },
  ) {
    super(optimizer);
    positive('CosineAnnealingLR', 'tMax', options?.tMax, true);
  }
  protected lrAt(t: number, base: number): number {
    const etaMin = this.options.etaMin ?? 0;
    return etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * t) / this.options.tMax))) / 2;
  }
}

export class LinearLR extends LRScheduler {
  constructor(
    optimizer: Optimizer<WithLr>,
    readonly options: { startFactor?: number; endFactor?: number; totalIters?: number } = {},
  ) {
    super(optimizer);
    this.apply();
  }
  protected lrAt(t: number, base: number): number {
    const s = this.options.startFactor ?? 1 / 3;
    const e = this.options.endFactor ?? 1;
    const total = this.options.totalIters ?? 5;
    return base * (s + ((e - s) * Math.min(t, total)) / total);
  }
}

export interface OneCycleOptions {
  maxLr: number;
  totalSteps: number;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  divFactor?: number;
  finalDivFactor?: number;
  /** Move momentum (SGD's momentum, Adam's β₁) inversely to the learning rate (default true). */
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
}

export class OneCycleLR extends LRScheduler {
  constructor(
    optimizer: Optimizer<WithLr>,
    readonly options: OneCycleOptions,
  ) {
    super(optimizer);
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
    if (t > total) throw new ValueError(`OneCycleLR: stepped ${t} times, more than totalSteps (${total}).`);
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

  protected override apply(): void {
    super.apply();
    if (!(this.options.cycleMomentum ?? true)) return;
    const lo = this.options.baseMomentum ?? 0.85;
    const hi = this.options.maxMomentum ?? 0.95;
    const m = this.anneal(this.lastEpoch, hi, lo, hi);
    for (const g of this.optimizer.paramGroups) {
      const o = g.options as unknown as { momentum?: number; betas?: readonly [number, number] };
      if ('betas' in o && o.betas) o.betas = [m, o.betas[1]];
      else o.momentum = m;
    }
  }
}

export class ReduceLROnPlateau {
  private best: number;
  private badEpochs = 0;
  private cooldownLeft = 0;
  readonly options: Required<{
    mode: 'min' | 'max';
    factor: number;
    patience: number;
    threshold: number;
    thresholdMode: 'rel' | 'abs';
    cooldown: number;
    minLr: number;
    eps: number;
  }>;

  constructor(
    private readonly optimizer: Optimizer<WithLr>,
    options: Partial<ReduceLROnPlateau['options']> = {},
  ) {
    checkOptimizer('ReduceLROnPlateau', optimizer);
    this.options = {
      mode: 'min',
      factor: 0.1,
      patience: 10,
      threshold: 1e-4,
      thresholdMode: 'rel',
      cooldown: 0,
      minLr: 0,
      eps: 1e-8,
      ...options,
    };
    if (!(this.options.factor < 1))
      throw new ValueError(`ReduceLROnPlateau: factor must be < 1, got ${this.options.factor}.`);
    this.best = this.options.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  private better(a: number): boolean {
    const { mode, threshold, thresholdMode } = this.options;
    if (mode === 'min')
      return thresholdMode === 'rel' ? a < this.best * (1 - threshold) : a < this.best - threshold;
    return thresholdMode === 'rel' ? a > this.best * (1 + threshold) : a > this.best + threshold;
  }

  /**
   * Feeds the epoch's metric (e.g. validation loss) as a number: take it from fit's epoch logs
   * (`logs.val_loss`, already read once per epoch) rather than reading a tensor in the loop.
   */
  step(metric: number): void {
    if (this.better(metric)) {
      this.best = metric;
      this.badEpochs = 0;
    } else {
      this.badEpochs++;
    }
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.badEpochs = 0;
    }
    if (this.badEpochs > this.options.patience) {
      for (const g of this.optimizer.paramGroups) {
        const next = Math.max(g.options.lr * this.options.factor, this.options.minLr);
        if (g.options.lr - next > this.options.eps) g.options.lr = next;
      }
      this.cooldownLeft = this.options.cooldown;
      this.badEpochs = 0;
    }
  }

  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.options.lr);
  }
}
