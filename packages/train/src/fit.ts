/**
 * `fit`, `evaluate` and `predict`: the training loop with metrics, validation and callbacks, for
 * every backend — including those that read only asynchronously (WebGPU):
 * - Each step's synchronous part (forward, loss, backward, optimizer step, metric updates) runs in
 *   `tidy`, so memory stays flat; nothing in a step reads a value back.
 * - Losses and metrics accumulate on the device. The batch losses of a window of `readEvery` steps
 *   (default 50) are read in one `await` at the window's end and at the epoch's end; then
 *   `onBatchEnd` runs for each batch of the window, and a NaN or infinite loss stops training with
 *   an error naming the epoch and the batch (found when its window is read, so up to `readEvery`
 *   steps later).
 * - The loop yields to the event loop at least every `yieldEvery` ms (default 16), so a browser's
 *   main thread stays responsive while training.
 */
import type { Module } from '@nnet/layers';
import { cat, describeValue, noGrad, stack, type Tensor, tidy, ValueError } from '@nnet/tensor';
import { MeanLoss, type Metric } from './metrics.js';
import type { LossFn, OptimizerLike } from './train.js';
import { Yielder } from './yield.js';

/** Batches as a DataLoader over a TensorDataset yields them: [inputs, targets]. */
export type Batches = Iterable<Tensor[]>;

/**
 * One epoch's results, as `fit` resolves them (one per epoch) and hands them to `onEpochEnd`:
 * the epoch's number, the training metrics by name and, with validation data, the same names
 * prefixed with `val_`.
 *
 * @example
 * ```ts
 * const history = await fit(model, loader, { epochs: 2, loss, optimizer, validation: valLoader });
 * history[1]; // { epoch: 1, loss: 0.31, val_loss: 0.35 }
 * ```
 */
export interface EpochLogs {
  /** The epoch's number, from 0 (from `initialEpoch` in a resumed run). */
  epoch: number;
  /** Metric values by name: `loss`, `accuracy`, … and `val_loss`, `val_accuracy`, … */
  [name: string]: number;
}

/**
 * Hooks into `fit`. Each may return a Promise, which fit awaits before going on (e.g. writing a
 * checkpoint file); any other return value is ignored. `onBatchEnd` runs when the batch's loss has been read — in order, for every
 * batch, but up to `readEvery` steps after the batch ran.
 */
export interface Callback {
  /** Before the first epoch. */
  onTrainBegin?(context: FitContext): unknown;
  /** Before epoch `epoch`'s first batch. */
  onEpochBegin?(epoch: number, context: FitContext): unknown;
  /** After batch `batch` (from 0 in each epoch), with its loss as a number. */
  onBatchEnd?(batch: number, loss: number, context: FitContext): unknown;
  /** After an epoch and its validation, with the epoch's logs; may set `context.stop`. */
  onEpochEnd?(logs: EpochLogs, context: FitContext): unknown;
  /** After the last epoch, with the whole history. */
  onTrainEnd?(history: EpochLogs[], context: FitContext): unknown;
}

/**
 * What `fit` shares with its callbacks: the model, the epoch count, the batches per epoch, and
 * the `stop` flag a callback sets to end training.
 *
 * @example
 * ```ts
 * const stopAtHalf: Callback = {
 *   onEpochEnd: (logs, context) => {
 *     if (logs.loss < 0.5) context.stop = true;
 *   },
 * };
 * ```
 */
export interface FitContext {
  /** The model being trained. */
  model: Module;
  /** The epoch `fit` stops before (its `epochs` option). */
  epochs: number;
  /** Batches per epoch, when the loader knows it. */
  batches?: number;
  /** Set by a callback (e.g. EarlyStopping) to end training after this epoch. */
  stop: boolean;
}

/** How often the loops read values back and hand the event loop a turn. */
export interface ReadOptions {
  /**
   * Steps between reads of the batch losses (default 50): each read is one `await` for the whole
   * window. 1 reads after every step (and so waits for the device every step).
   */
  readEvery?: number;
  /**
   * The longest stretch, in ms, the loop runs without yielding to the event loop (default 16, a
   * frame at 60 Hz); 0 yields after every step, Infinity only where it reads.
   */
  yieldEvery?: number;
}

/**
 * The options of {@link fit}: the loss and the optimizer (required), epochs, a scheduler,
 * metrics, validation data and callbacks.
 *
 * @example
 * ```ts
 * const options: FitOptions = {
 *   epochs: 10,
 *   loss: new CrossEntropyLoss(),
 *   optimizer: new Adam(model.parameters(), { lr: 1e-3 }),
 *   metrics: [new Accuracy()],
 *   validation: valLoader,
 *   callbacks: [new EarlyStopping({ patience: 2 })],
 * };
 * ```
 */
export interface FitOptions extends ReadOptions {
  /** The epoch to stop before (a resumed run passes the same total and a later initialEpoch). */
  epochs?: number;
  /** The first epoch to train (default 0): resuming from a checkpoint saved after epoch k passes k + 1. */
  initialEpoch?: number;
  /** The loss: `forward(output, target)` gives a 0-d tensor (MSELoss, CrossEntropyLoss, ...). */
  loss: LossFn;
  /** The optimizer over the model's parameters (SGD, Adam, ...). */
  optimizer: OptimizerLike;
  /** Stepped once per epoch (after the epoch's last batch), or after every batch with schedulerInterval 'batch'. */
  scheduler?: {
    /** Advances the schedule by one epoch (or batch). */
    step(): void;
  };
  /** When the scheduler steps: 'epoch' (default; StepLR, CosineAnnealingLR over epochs) or 'batch' (OneCycleLR over all steps). */
  schedulerInterval?: 'epoch' | 'batch';
  /** Metrics computed over each epoch's training batches (and over the validation data), by name. */
  metrics?: Metric[];
  /** Batches evaluated after every epoch; their loss and metrics are logged as `val_<name>`. */
  validation?: Batches;
  /** Hooks called in order at each stage (ProgressBar, EarlyStopping, ModelCheckpoint, ...). */
  callbacks?: Callback[];
}

function lengthOf(b: Batches): number | undefined {
  const n = (b as { length?: unknown }).length;
  return typeof n === 'number' ? n : undefined;
}

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

/** `readEvery` checked (an integer >= 1; default 50). */
function checkReadEvery(op: string, readEvery: number | undefined): number {
  const n = readEvery ?? 50;
  if (!Number.isInteger(n) || n < 1)
    throw new ValueError(`${op}: readEvery must be an integer >= 1 (steps between reads), got ${n}.`);
  return n;
}

/**
 * Trains `model` on `train` and resolves to the per-epoch logs (the history), as Keras' `fit`.
 * Each step (zero the gradients, forward, loss, backward, optimizer step) runs in `tidy`; the batch
 * losses are read every `readEvery` steps in one read (see the file comment). `fit` disposes each
 * batch's tensors. Invalid arguments throw a ValueError synchronously; an error while training (a
 * NaN loss) rejects.
 *
 * Shapes: each batch is `[inputs [B, ...], targets [B, ...]]`; `model.forward(inputs)` and the
 * targets go to `loss.forward`, which returns a 0-d tensor.
 *
 * @example
 * ```ts
 * const history = await fit(model, loader, {
 *   epochs: 5, loss: new CrossEntropyLoss(), optimizer: new Adam(model.parameters()),
 *   metrics: [new Accuracy()], validation: valLoader,
 * });
 * history[4].val_accuracy; // e.g. 0.97
 * ```
 */
export function fit(model: Module, train: Batches, options: FitOptions): Promise<EpochLogs[]> {
  // Bad arguments throw here, synchronously; what goes wrong while training rejects the Promise.
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
  const readEvery = checkReadEvery('fit', options.readEvery);
  const yielder = new Yielder('fit', options.yieldEvery);
  const metrics = [new MeanLoss(), ...(options.metrics ?? [])];
  const context: FitContext = { model, epochs, batches: lengthOf(train), stop: false };
  return runFit(model, train, options, {
    initialEpoch,
    interval,
    readEvery,
    yielder,
    metrics,
    context,
    history: [],
  });
}

async function runFit(
  model: Module,
  train: Batches,
  options: FitOptions,
  state: FitState,
): Promise<EpochLogs[]> {
  try {
    await fitEpochs(model, train, options, state);
  } finally {
    for (const m of state.metrics) m.reset(); // frees the accumulators; the values are in the history
  }
  return state.history;
}

interface FitState {
  initialEpoch: number;
  interval: 'epoch' | 'batch';
  readEvery: number;
  yielder: Yielder;
  metrics: Metric[];
  context: FitContext;
  history: EpochLogs[];
}

async function fitEpochs(model: Module, train: Batches, options: FitOptions, state: FitState): Promise<void> {
  const { initialEpoch, interval, readEvery, yielder, metrics, context, history } = state;
  const { epochs } = context;
  const callbacks = options.callbacks ?? [];
  for (const c of callbacks) await c.onTrainBegin?.(context);
  for (let epoch = initialEpoch; epoch < epochs && !context.stop; epoch++) {
    model.train();
    for (const m of metrics) m.reset();
    for (const c of callbacks) await c.onEpochBegin?.(epoch, context);
    // The window of batch losses not read yet: 0-d tensors kept out of the steps' tidy.
    let pending: Tensor[] = [];
    let first = 0;
    const readWindow = async () => {
      const window = pending;
      pending = [];
      const start = first;
      first += window.length;
      if (window.length === 0) return;
      const stacked = stack(window);
      for (const l of window) l.dispose();
      let values: ArrayLike<number>;
      try {
        values = await stacked.data();
      } finally {
        stacked.dispose();
      }
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i])) {
          throw new ValueError(
            `fit: the loss is ${values[i]} at epoch ${epoch}, batch ${start + i} (found when the losses of ` +
              `batches ${start}-${start + values.length - 1} were read; readEvery ${readEvery}). Lower the learning ` +
              'rate, clip gradients (clipGradNorm) or check the inputs for NaN.',
          );
        }
      }
      for (let i = 0; i < values.length; i++)
        for (const c of callbacks) await c.onBatchEnd?.(start + i, values[i], context);
    };
    try {
      for (const [x, y] of train) {
        const loss = tidy(() => {
          options.optimizer.zeroGrad();
          const out = model.forward(x);
          const l = options.loss.forward(out, y);
          l.backward();
          options.optimizer.step();
          if (interval === 'batch') options.scheduler?.step();
          const value = l.detach();
          noGrad(() => {
            for (const m of metrics) m.update(out, y, value);
          });
          return value;
        }).keep();
        x.dispose();
        y.dispose();
        pending.push(loss);
        if (pending.length >= readEvery) await readWindow();
        await yielder.maybeYield();
      }
      await readWindow();
    } finally {
      for (const l of pending) l.dispose();
    }
    if (interval === 'epoch') options.scheduler?.step();
    const logs: EpochLogs = { epoch };
    for (const m of metrics) logs[m.name] = await m.compute();
    if (options.validation) {
      const val = await evaluate(model, options.validation, {
        loss: options.loss,
        metrics: options.metrics,
        yieldEvery: options.yieldEvery,
      });
      for (const [k, v] of Object.entries(val)) logs[`val_${k}`] = v;
    }
    history.push(logs);
    for (const c of callbacks) await c.onEpochEnd?.(logs, context);
  }
  for (const c of callbacks) await c.onTrainEnd?.(history, context);
}

/**
 * Loss and metrics over `data` in eval mode, without gradients: accumulated on the device and read
 * once at the end. Resolves to the values by metric name (`loss` first). The model's training mode
 * is restored afterwards; the batches' tensors are disposed.
 *
 * Shapes: batches `[inputs [B, ...], targets [B, ...]]`, as for {@link fit}.
 *
 * @example
 * ```ts
 * const { loss, accuracy } = await evaluate(model, testLoader, {
 *   loss: new CrossEntropyLoss(),
 *   metrics: [new Accuracy()],
 * });
 * ```
 */
export async function evaluate(
  model: Module,
  data: Batches,
  options: { loss: LossFn; metrics?: Metric[]; yieldEvery?: number },
): Promise<Record<string, number>> {
  const metrics = [new MeanLoss(), ...(options.metrics ?? [])];
  const yielder = new Yielder('evaluate', options.yieldEvery);
  for (const m of metrics) m.reset();
  const wasTraining = model.training;
  model.eval();
  try {
    for (const [x, y] of data) {
      noGrad(() =>
        tidy(() => {
          const out = model.forward(x);
          const value = options.loss.forward(out, y);
          for (const m of metrics) m.update(out, y, value);
        }),
      );
      x.dispose();
      y.dispose();
      await yielder.maybeYield();
    }
  } finally {
    model.train(wasTraining);
  }
  const result: Record<string, number> = {};
  try {
    for (const m of metrics) result[m.name] = await m.compute();
  } finally {
    for (const m of metrics) m.reset(); // frees the accumulators
  }
  return result;
}

/**
 * The model's outputs for every batch's inputs, concatenated along dim 0 (eval mode, no
 * gradients). Reads nothing; yields to the event loop between batches like `fit`. The batches'
 * tensors are disposed; the caller owns the result. Throws a ValueError when `data` yields no batch.
 *
 * Shapes: batches `[inputs [B, ...], ...]` → `[N, ...out]`, N the sum of the B.
 *
 * @example
 * ```ts
 * const logits = await predict(model, loader); // [N, C]
 * const classes = logits.argmax(1);            // [N]
 * ```
 */
export async function predict(
  model: Module,
  data: Batches,
  options: { yieldEvery?: number } = {},
): Promise<Tensor> {
  const yielder = new Yielder('predict', options.yieldEvery);
  const wasTraining = model.training;
  model.eval();
  const outputs: Tensor[] = [];
  try {
    for (const [x, ...rest] of data) {
      outputs.push(noGrad(() => model.forward(x)));
      x.dispose();
      for (const r of rest) r.dispose();
      await yielder.maybeYield();
    }
  } catch (err) {
    for (const o of outputs) o.dispose();
    throw err;
  } finally {
    model.train(wasTraining);
  }
  if (outputs.length === 0) throw new ValueError('predict: the data yielded no batches.');
  const out = cat(outputs, 0);
  for (const o of outputs) o.dispose();
  return out;
}

/**
 * Stops training when a monitored value has not improved by `minDelta` for `patience` epochs
 * (Keras' EarlyStopping): it sets `context.stop`, so `fit` ends after the current epoch.
 *
 * @example
 * ```ts
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
 * const log = new HistoryLogger((text) => writeFileSync('history.csv', text), 'csv');
 * await fit(model, loader, { epochs: 3, loss, optimizer, callbacks: [log] });
 * log.render(); // "epoch,loss\n0,0.9\n1,0.5\n2,0.4\n"
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
