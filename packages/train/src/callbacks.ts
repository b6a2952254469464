/** Callbacks for `fit`: EarlyStopping and HistoryLogger (the Node ones are in @nnet/train/node). */
import { ValueError } from '@nnet/tensor';
import type { Callback, EpochLogs, FitContext } from './fit_types.js';

/**
 * Stops training when a monitored value has not improved by `minDelta` for `patience` epochs
 * (Keras' EarlyStopping): it sets `context.stop`, so `fit` ends after the current epoch.
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
 * const loader = new DataLoader(new TensorDataset(randn([16, 2]), randint(0, 2, [16])), { batchSize: 4 });
 * const [loss, optimizer] = [new CrossEntropyLoss(), new SGD(model.parameters(), { lr: 0.1 })];
 * const valLoader = loader; // a held-out set in real use
 * const stop = new EarlyStopping({ monitor: 'val_loss', patience: 3 });
 * await fit(model, loader, { epochs: 100, loss, optimizer, validation: valLoader, callbacks: [stop] });
 * stop.stoppedEpoch; // the epoch training stopped at, or null
 * ```
 */
export class EarlyStopping implements Callback {
  private best: number;
  private wait = 0;
  /** The epoch at which training was stopped, or null. */
  stoppedEpoch: number | null = null;

  /** @param options What to watch and how long to wait; see {@link EarlyStopping.options}. */
  constructor(
    /** What to watch and how long to wait. */
    readonly options: {
      /** The logs' key to watch (default `'val_loss'`); a missing key throws a ValueError. */
      monitor?: string;
      /** Epochs without improvement before stopping (default 0: stop at the first). */
      patience?: number;
      /** The least change that counts as an improvement (default 0). */
      minDelta?: number;
      /** `'min'` (default): lower is better; `'max'`: higher is better. */
      mode?: 'min' | 'max';
    } = {},
  ) {
    this.best = (options.mode ?? 'min') === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /** Compares the monitored value with the best so far; sets `context.stop` after `patience` misses. */
  onEpochEnd(logs: EpochLogs, context: FitContext): void {
    const key = this.options.monitor ?? 'val_loss';
    const value = logs[key];
    if (value === undefined)
      throw new ValueError(
        `EarlyStopping: the logs have no '${key}' (have: ${Object.keys(logs).join(', ')}).`,
      );
    const minDelta = this.options.minDelta ?? 0;
    const improved =
      (this.options.mode ?? 'min') === 'min' ? value < this.best - minDelta : value > this.best + minDelta;
    if (improved) {
      this.best = value;
      this.wait = 0;
    } else if (++this.wait >= (this.options.patience ?? 0)) {
      context.stop = true;
      this.stoppedEpoch = logs.epoch;
    }
  }
}

/**
 * Collects the history and renders it as JSON or CSV; with `write`, the whole rendering is handed
 * to it after every epoch (e.g. a file writer in Node, so the file always holds the run so far).
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 *
 * const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
 * const loader = new DataLoader(new TensorDataset(randn([16, 2]), randint(0, 2, [16])), { batchSize: 4 });
 * const [loss, optimizer] = [new CrossEntropyLoss(), new SGD(model.parameters(), { lr: 0.1 })];
 * const log = new HistoryLogger((text) => writeFileSync('history.csv', text), 'csv');
 * await fit(model, loader, { epochs: 3, loss, optimizer, callbacks: [log] });
 * log.render().split('\n')[0]; // 'epoch,loss', then one line per epoch
 * ```
 */
export class HistoryLogger implements Callback {
  /** The logs of every epoch so far. */
  readonly history: EpochLogs[] = [];
  /**
   * @param write receives the whole rendering after every epoch (optional)
   * @param format `'json'` (default; an array of the logs) or `'csv'` (a header of every key seen)
   */
  constructor(
    private readonly write?: (text: string) => void,
    /** `'json'` or `'csv'`. */
    readonly format: 'json' | 'csv' = 'json',
  ) {}

  /** Appends the epoch's logs and hands the rendering to `write`. */
  onEpochEnd(logs: EpochLogs): void {
    this.history.push({ ...logs });
    this.write?.(this.render());
  }

  /** The history as JSON (an array of logs) or CSV (one row per epoch), ending with a newline. */
  render(): string {
    if (this.format === 'json') return `${JSON.stringify(this.history, null, 2)}\n`;
    const keys = [...new Set(this.history.flatMap((h) => Object.keys(h)))];
    return `${[keys.join(','), ...this.history.map((h) => keys.map((k) => h[k] ?? '').join(','))].join('\n')}\n`;
  }
}
