/**
 * ReduceLROnPlateau: lr = max(lr·factor, minLr) after `patience` epochs without improvement of a
 * metric the loop passes in.
 */
import { checkOptions, describeValue, ValueError } from '@nnet/tensor';
import type { Optimizer } from './optimizer.js';
import { checkOptimizer, type WithLr } from './schedulers.js';

/**
 * Lowers the rate by `factor` (default 0.1) when a metric stops improving for `patience` epochs
 * (default 10); `step(metric)` takes the epoch's metric as a number.
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const opt = new SGD(model.parameters(), { lr: 0.1 });
 * const plateau = new ReduceLROnPlateau(opt, { mode: 'min', patience: 5 });
 * for (const valLoss of [1, 1, 1, 1, 1, 1, 1]) plateau.step(valLoss); // after each epoch
 * plateau.getLastLr(); // ≈ [0.01]: lowered once the metric stalled for more than 5 epochs
 * ```
 */
export class ReduceLROnPlateau {
  private best: number;
  private badEpochs = 0;
  private cooldownLeft = 0;
  /** The options in effect, defaults filled in. */
  readonly options: Required<{
    /** 'min' (default): lower metrics are better, e.g. a loss; 'max': higher are better, e.g. accuracy. */
    mode: 'min' | 'max';
    /** Multiplier applied to the rate on a plateau, < 1 (default 0.1). */
    factor: number;
    /** Epochs without improvement tolerated before lowering the rate (default 10). */
    patience: number;
    /** Minimum change that counts as an improvement (default 1e-4). */
    threshold: number;
    /** 'rel' (default): improve by threshold·best; 'abs': by threshold. */
    thresholdMode: 'rel' | 'abs';
    /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
    cooldown: number;
    /** Lower bound of the rate (default 0). */
    minLr: number;
    /** A reduction smaller than eps is skipped (default 1e-8). */
    eps: number;
  }>;

  constructor(
    private readonly optimizer: Optimizer<WithLr>,
    options: Partial<ReduceLROnPlateau['options']> = {},
  ) {
    checkOptimizer('ReduceLROnPlateau', optimizer);
    checkOptions('ReduceLROnPlateau', options, [
      'mode',
      'factor',
      'patience',
      'threshold',
      'thresholdMode',
      'cooldown',
      'minLr',
      'eps',
    ]);
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

  /** The current learning rate of each parameter group. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.options.lr);
  }

  /** The plateau tracking state (best metric, epochs without improvement, cooldown left). */
  stateDict(): PlateauStateDict {
    return { best: this.best, badEpochs: this.badEpochs, cooldownLeft: this.cooldownLeft };
  }

  /**
   * Restores a `stateDict()`. Everything is checked before anything is applied: after an error
   * the scheduler is as before. The optimizer's rates are its own state (Optimizer.loadStateDict).
   *
   *   plateau.loadStateDict(saved.plateau);
   */
  loadStateDict(s: PlateauStateDict): void {
    const op = 'loadStateDict(ReduceLROnPlateau)';
    if (typeof s !== 'object' || s === null || Array.isArray(s)) {
      throw new ValueError(
        `${op}: expected a state dict { best, badEpochs, cooldownLeft } as stateDict() returns, got ${describeValue(s)}.`,
      );
    }
    checkOptions(op, s, ['best', 'badEpochs', 'cooldownLeft']);
    if (typeof s.best !== 'number' || Number.isNaN(s.best)) {
      throw new ValueError(
        `${op}: best must be a number (the best metric so far, ±Infinity before any), got ${describeValue(s.best)}; pass a dict from stateDict().`,
      );
    }
    for (const k of ['badEpochs', 'cooldownLeft'] as const) {
      const v = s[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        throw new ValueError(
          `${op}: ${k} must be an integer >= 0, got ${describeValue(v)}; pass a dict from stateDict().`,
        );
      }
    }
    this.best = s.best;
    this.badEpochs = s.badEpochs;
    this.cooldownLeft = s.cooldownLeft;
  }
}

/** The state `ReduceLROnPlateau.stateDict()` returns. */
export interface PlateauStateDict {
  /** Best metric seen so far (±Infinity before the first step). */
  best: number;
  /** Consecutive epochs without improvement. */
  badEpochs: number;
  /** Epochs of cooldown still to wait. */
  cooldownLeft: number;
}
