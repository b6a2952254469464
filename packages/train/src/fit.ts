/**
 * `fit`, `evaluate` and `predict`: the training loop with metrics, validation and callbacks.
 * Each step runs inside `tidy` (memory stays flat); a NaN or infinite loss stops training with an
 * error naming the epoch and batch.
 */
import type { Module } from '@nnet/layers';
import { cat, describeValue, noGrad, type Tensor, tidy, ValueError } from '@nnet/tensor';
import { MeanLoss, type Metric } from './metrics.js';
import type { LossFn, OptimizerLike } from './train.js';

/** Batches as a DataLoader over a TensorDataset yields them: [inputs, targets]. */
export type Batches = Iterable<Tensor[]>;

export interface EpochLogs {
  epoch: number;
  /** Metric values by name: `loss`, `accuracy`, … and `val_loss`, `val_accuracy`, … */
  [name: string]: number;
}

export interface Callback {
  onTrainBegin?(context: FitContext): void;
  onEpochBegin?(epoch: number, context: FitContext): void;
  onBatchEnd?(batch: number, loss: number, context: FitContext): void;
  onEpochEnd?(logs: EpochLogs, context: FitContext): void;
  onTrainEnd?(history: EpochLogs[], context: FitContext): void;
}

export interface FitContext {
  model: Module;
  epochs: number;
  /** Batches per epoch, when the loader knows it. */
  batches?: number;
  /** Set by a callback (e.g. EarlyStopping) to end training after this epoch. */
  stop: boolean;
}

export interface FitOptions {
  /** The epoch to stop before (a resumed run passes the same total and a later initialEpoch). */
  epochs?: number;
  /** The first epoch to train (default 0): resuming from a checkpoint saved after epoch k passes k + 1. */
  initialEpoch?: number;
  loss: LossFn;
  optimizer: OptimizerLike;
  /** Stepped once per epoch (after the epoch's last batch), or after every batch with schedulerInterval 'batch'. */
  scheduler?: { step(): void };
  /** When the scheduler steps: 'epoch' (default; StepLR, CosineAnnealingLR over epochs) or 'batch' (OneCycleLR over all steps). */
  schedulerInterval?: 'epoch' | 'batch';
  metrics?: Metric[];
  validation?: Batches;
  callbacks?: Callback[];
}

function lengthOf(b: Batches): number | undefined {
  const n = (b as { length?: unknown }).length;
  return typeof n === 'number' ? n : undefined;
}

/** Trains `model` on `train` and returns the per-epoch logs (the history). */
/** Throws a ValueError naming `fit`'s argument that lacks what the loop calls on it. */
function checkFitArgs(model: unknown, train: unknown, options: unknown): void {
  const has = (o: unknown, ...methods: string[]) =>
    typeof o === 'object' &&
    o !== null &&
    methods.every((m) => typeof (o as Record<string, unknown>)[m] === 'function');
  if (!has(model, 'forward', 'train')) {
    throw new ValueError(
      `fit: model must be a Module (e.g. new Sequential(...)), got ${describeValue(model)}.`,
    );
  }
  if (typeof (train as { [Symbol.iterator]?: unknown } | null)?.[Symbol.iterator] !== 'function') {
    throw new ValueError(
      `fit: train must be an iterable of [inputs, targets] batches such as a DataLoader, got ${describeValue(train)}.`,
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw new ValueError(
      `fit: options must be an object { loss, optimizer, epochs, ... }, got ${describeValue(options)}.`,
    );
  }
  const o = options as Record<string, unknown>;
  if (!has(o.loss, 'forward')) {
    throw new ValueError(
      `fit: options.loss must be a loss object with forward(output, target), e.g. new MSELoss(), got ${describeValue(o.loss)}.`,
    );
  }
  if (!has(o.optimizer, 'step', 'zeroGrad')) {
    throw new ValueError(
      `fit: options.optimizer must be an optimizer with step() and zeroGrad(), e.g. new SGD(model.parameters()), got ${describeValue(o.optimizer)}.`,
    );
  }
}

export function fit(model: Module, train: Batches, options: FitOptions): EpochLogs[] {
  checkFitArgs(model, train, options);
  const epochs = options.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new ValueError(`fit: epochs must be an integer >= 0, got ${epochs}.`);
  const initialEpoch = options.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch > epochs)
    throw new ValueError(
      `fit: initialEpoch must be an integer in [0, epochs = ${epochs}], got ${initialEpoch}. To train more epochs after a resume, raise epochs.`,
    );
  const interval = options.schedulerInterval ?? 'epoch';
  if (interval !== 'epoch' && interval !== 'batch')
    throw new ValueError(`fit: schedulerInterval must be 'epoch' or 'batch', got '${String(interval)}'.`);
  const metrics = [new MeanLoss(), ...(options.metrics ?? [])];
  const callbacks = options.callbacks ?? [];
  const context: FitContext = { model, epochs, batches: lengthOf(train), stop: false };
  const history: EpochLogs[] = [];
  for (const c of callbacks) c.onTrainBegin?.(context);
  for (let epoch = initialEpoch; epoch < epochs && !context.stop; epoch++) {
    model.train();
    for (const m of metrics) m.reset();
    for (const c of callbacks) c.onEpochBegin?.(epoch, context);
    let batch = 0;
    for (const [x, y] of train) {
      const loss = tidy(() => {
        options.optimizer.zeroGrad();
        const out = model.forward(x);
        const l = options.loss.forward(out, y);
        const value = l.item();
        if (!Number.isFinite(value)) {
          throw new ValueError(
            `fit: the loss is ${value} at epoch ${epoch}, batch ${batch}. Lower the learning rate, clip gradients (clipGradNorm) or check the inputs for NaN.`,
          );
        }
        l.backward();
        options.optimizer.step();
        if (interval === 'batch') options.scheduler?.step();
        noGrad(() => {
          for (const m of metrics) m.update(out, y, value);
        });
        return value;
      });
      x.dispose();
      y.dispose();
      for (const c of callbacks) c.onBatchEnd?.(batch, loss, context);
      batch++;
    }
    if (interval === 'epoch') options.scheduler?.step();
    const logs: EpochLogs = { epoch };
    for (const m of metrics) logs[m.name] = m.compute();
    if (options.validation) {
      const val = evaluate(model, options.validation, { loss: options.loss, metrics: options.metrics });
      for (const [k, v] of Object.entries(val)) logs[`val_${k}`] = v;
    }
    history.push(logs);
    for (const c of callbacks) c.onEpochEnd?.(logs, context);
  }
  for (const c of callbacks) c.onTrainEnd?.(history, context);
  return history;
}

/** Loss and metrics over `data` in eval mode, without gradients. */
export function evaluate(
  model: Module,
  data: Batches,
  options: { loss: LossFn; metrics?: Metric[] },
): Record<string, number> {
  const metrics = [new MeanLoss(), ...(options.metrics ?? [])];
  for (const m of metrics) m.reset();
  const wasTraining = model.training;
  model.eval();
  try {
    for (const [x, y] of data) {
      noGrad(() =>
        tidy(() => {
          const out = model.forward(x);
          const value = options.loss.forward(out, y).item();
          for (const m of metrics) m.update(out, y, value);
        }),
      );
      x.dispose();
      y.dispose();
    }
  } finally {
    model.train(wasTraining);
  }
  return Object.fromEntries(metrics.map((m) => [m.name, m.compute()]));
}

/** The model's outputs for every batch's inputs, concatenated along dim 0 (eval mode, no gradients). */
export function predict(model: Module, data: Batches): Tensor {
  const wasTraining = model.training;
  model.eval();
  const outputs: Tensor[] = [];
  try {
    for (const [x, ...rest] of data) {
      outputs.push(noGrad(() => model.forward(x)));
      x.dispose();
      for (const r of rest) r.dispose();
    }
  } finally {
    model.train(wasTraining);
  }
  if (outputs.length === 0) throw new ValueError('predict: the data yielded no batches.');
  const out = cat(outputs, 0);
  for (const o of outputs) o.dispose();
  return out;
}

/** Stops training when a monitored value has not improved by `minDelta` for `patience` epochs. */
export class EarlyStopping implements Callback {
  private best: number;
  private wait = 0;
  /** The epoch at which training was stopped, or null. */
  stoppedEpoch: number | null = null;

  constructor(
    readonly options: { monitor?: string; patience?: number; minDelta?: number; mode?: 'min' | 'max' } = {},
  ) {
    this.best = (options.mode ?? 'min') === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

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

/** Collects the history and renders it as JSON or CSV (hand `write` a file writer in Node). */
export class HistoryLogger implements Callback {
  readonly history: EpochLogs[] = [];
  constructor(
    private readonly write?: (text: string) => void,
    readonly format: 'json' | 'csv' = 'json',
  ) {}

  onEpochEnd(logs: EpochLogs): void {
    this.history.push({ ...logs });
    this.write?.(this.render());
  }

  render(): string {
    if (this.format === 'json') return `${JSON.stringify(this.history, null, 2)}\n`;
    const keys = [...new Set(this.history.flatMap((h) => Object.keys(h)))];
    return `${[keys.join(','), ...this.history.map((h) => keys.map((k) => h[k] ?? '').join(','))].join('\n')}\n`;
  }
}
