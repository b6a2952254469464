/**
 * The types `fit` and its callbacks share: the batches, each epoch's logs, the callback hooks, the
 * context handed to them, and `fit`'s options.
 */
import type { Module } from '@nnet/layers';
import type { Tensor } from '@nnet/tensor';
import type { Metric } from './metrics.js';
import type { LossFn, OptimizerLike } from './train.js';

/** Batches as a DataLoader over a TensorDataset yields them: [inputs, targets]. */
export type Batches = Iterable<Tensor[]>;

/**
 * One epoch's results, as `fit` resolves them (one per epoch) and hands them to `onEpochEnd`:
 * the epoch's number, the training metrics by name and, with validation data, the same names
 * prefixed with `val_`.
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
 * const loader = new DataLoader(new TensorDataset(randn([16, 2]), randint(0, 2, [16])), { batchSize: 4 });
 * const [loss, optimizer] = [new CrossEntropyLoss(), new SGD(model.parameters(), { lr: 0.1 })];
 * const valLoader = loader; // a held-out set in real use
 * const history = await fit(model, loader, { epochs: 2, loss, optimizer, validation: valLoader });
 * Object.keys(history[1]); // ['epoch', 'loss', 'val_loss']
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
 * const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
 * const loader = new DataLoader(new TensorDataset(randn([16, 2]), randint(0, 2, [16])), { batchSize: 4 });
 * const valLoader = loader; // a held-out set in real use
 * const options: FitOptions = {
 *   epochs: 10,
 *   loss: new CrossEntropyLoss(),
 *   optimizer: new Adam(model.parameters(), { lr: 1e-3 }),
 *   metrics: [new Accuracy()],
 *   validation: valLoader,
 *   callbacks: [new EarlyStopping({ patience: 2 })],
 * };
 * await fit(model, loader, options);
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
