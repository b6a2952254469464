/**
 * What a checkpoint holds and restores into: the contents to save, the targets to load into, and
 * the optimizer and scheduler shapes a checkpoint exchanges state with.
 */
import type { Module } from '@nnet/layers';
import type { Generator, Tensor } from '@nnet/tensor';
import type { EpochLogs } from '../fit_types.js';

/**
 * What an optimizer's stateDict() / loadStateDict() exchange (see @nnet/optim).
 * @inline
 */
export interface OptimizerState {
  /** Each parameter's state (moments, step count), by the parameter's index over all groups. */
  state: Record<number, Record<string, Tensor | number>>;
  /** Each group's options and the indices of its parameters. */
  groups: {
    /** The group's options (lr, momentum, ...). */
    options: unknown;
    /** The indices of the group's parameters. */
    params: number[];
  }[];
}
/**
 * An optimizer whose state a checkpoint saves and restores (every @nnet/optim optimizer).
 * @inline
 */
export interface StatefulOptimizer {
  /** The optimizer's state: per-parameter tensors and numbers, and the groups. */
  stateDict(): OptimizerState;
  /** Restores a state from `stateDict()`. */
  loadStateDict(dict: OptimizerState): void;
}

/**
 * A learning-rate scheduler whose state (plain JSON) a checkpoint saves and restores (see
 * @nnet/optim's LRScheduler).
 * @inline
 */
export interface StatefulScheduler {
  /** The scheduler's state, as plain JSON. */
  stateDict(): unknown;
  /** Restores a state from `stateDict()`. */
  loadStateDict(state: never): void;
}

/**
 * What a checkpoint holds. For a resume that continues the same curve bit for bit, save the
 * scheduler and every generator training draws from (the DataLoader's shuffle generator and the
 * default generator that dropout uses), and the history so far.
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
 * const loader = new DataLoader(new TensorDataset(randn([16, 2]), randint(0, 2, [16])), { batchSize: 4, seed: 0 });
 * const [loss, optimizer] = [new CrossEntropyLoss(), new SGD(model.parameters(), { lr: 0.1 })];
 * const scheduler = new StepLR(optimizer, { stepSize: 10 });
 * const history = await fit(model, loader, { epochs: 5, loss, optimizer });
 * await saveCheckpoint('ckpt.safetensors', {
 *   model, optimizer, scheduler, epoch: 4, history,
 *   generators: { loader: loader.generator, default: defaultGenerator },
 * });
 * ```
 */
export interface CheckpointContents {
  /** The model; its state dict is saved under PyTorch's names, prefixed `model.`. */
  model: Module;
  /** The optimizer, whose state (moments, step counts) is saved as `optim.<index>.<key>`. */
  optimizer?: StatefulOptimizer;
  /** The learning-rate scheduler, whose state is saved as JSON. */
  scheduler?: StatefulScheduler;
  /** Random generators by name; their states are saved and restored by the same names. */
  generators?: Record<string, Generator>;
  /** The epoch just finished. */
  epoch?: number;
  /** The per-epoch logs so far (fit's history), so a resumed run can draw the whole curve. */
  history?: EpochLogs[];
  /** Anything else to keep, as JSON (e.g. the run's configuration). */
  extra?: Record<string, unknown>;
}

/**
 * What loadCheckpoint restores into; every part is optional but the model.
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
 * const loader = new DataLoader(new TensorDataset(randn([16, 2]), randint(0, 2, [16])), { batchSize: 4, seed: 0 });
 * const [loss, optimizer] = [new CrossEntropyLoss(), new SGD(model.parameters(), { lr: 0.1 })];
 * await saveCheckpoint('ckpt.safetensors', { model, optimizer, generators: { loader: loader.generator } });
 * await loadCheckpoint('ckpt.safetensors', { model, optimizer, generators: { loader: loader.generator } });
 * ```
 */
export interface CheckpointTargets {
  /** Loaded strictly: every parameter and buffer, of the same shapes. */
  model: Module;
  /** Loaded when given; the checkpoint must hold an optimizer state that fits it. */
  optimizer?: StatefulOptimizer;
  /** Loaded when given; the checkpoint must hold a scheduler state. */
  scheduler?: StatefulScheduler;
  /** Generators to restore, by the names they were saved under. */
  generators?: Record<string, Generator>;
}

/**
 * What {@link loadCheckpoint} resolves to besides the restored targets.
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
 * const loader = new DataLoader(new TensorDataset(randn([16, 2]), randint(0, 2, [16])), { batchSize: 4, seed: 0 });
 * const [loss, optimizer] = [new CrossEntropyLoss(), new SGD(model.parameters(), { lr: 0.1 })];
 * await saveCheckpoint('ckpt.safetensors', { model, optimizer, epoch: 4, history: await fit(model, loader, { epochs: 5, loss, optimizer }) });
 * const { epoch, history } = await loadCheckpoint('ckpt.safetensors', { model, optimizer });
 * await fit(model, loader, { epochs: 10, initialEpoch: (epoch ?? -1) + 1, loss, optimizer });
 * history.length; // 5: the epochs before the checkpoint
 * ```
 */
export interface LoadedCheckpoint {
  /** The epoch saved (the last one finished), or null when none was. */
  epoch: number | null;
  /** The per-epoch logs saved (empty when none were). */
  history: EpochLogs[];
  /** The `extra` data saved (empty when none was). */
  extra: Record<string, unknown>;
}
