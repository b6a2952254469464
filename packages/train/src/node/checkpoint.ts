/**
 * Checkpoints on disk (Node): a model's state dict and, optionally, an optimizer's state and the
 * epoch, in one safetensors file. The model's tensors are stored as `model.<PyTorch name>` (counts
 * as I64), the optimizer's as `optim.<index>.<key>`, the rest as JSON in the `nnet` metadata.
 * A save writes a temporary file and renames it over the target (see @nnet/layers/node's
 * writeFileAtomic), so an interrupted save never leaves a half-written checkpoint.
 * `exportModelFromCheckpoint` writes the model part as a file PyTorch loads strictly.
 */
import { writeFileAtomic, writeFileAtomicSync } from '@nnet/layers/node';
import type { Generator } from '@nnet/tensor';
import type { Callback, EpochLogs, FitContext } from '../fit_types.js';
import { encodeCheckpointAsync } from './checkpoint_encode.js';
import type { CheckpointContents, StatefulOptimizer, StatefulScheduler } from './checkpoint_types.js';

export { encodeCheckpoint, encodeCheckpointAsync, saveCheckpoint } from './checkpoint_encode.js';
export { exportModelFromCheckpoint, loadCheckpoint } from './checkpoint_load.js';
export type { CheckpointContents, CheckpointTargets, LoadedCheckpoint } from './checkpoint_types.js';
export { writeFileAtomic, writeFileAtomicSync };

/**
 * Saves a checkpoint after each epoch whose monitored value improved (or every epoch with
 * `saveBestOnly: false`). `fit` awaits the save before the next epoch starts, so a run killed
 * mid-training can resume from the last epoch; reads are asynchronous (every backend).
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
 * const loader = new DataLoader(new TensorDataset(randn([16, 2]), randint(0, 2, [16])), { batchSize: 4, seed: 0 });
 * const [loss, optimizer] = [new CrossEntropyLoss(), new SGD(model.parameters(), { lr: 0.1 })];
 * const valLoader = loader; // a held-out set in real use
 * const ckpt = new ModelCheckpoint({ path: 'best.safetensors', optimizer, monitor: 'val_loss' });
 * await fit(model, loader, { epochs: 20, loss, optimizer, validation: valLoader, callbacks: [ckpt] });
 * ```
 */
export class ModelCheckpoint implements Callback {
  private best: number;
  private readonly history: EpochLogs[];

  /** @param options Where to save, what to save besides the model, and when. */
  constructor(
    /** Where to save, what to save besides the model, and when. */
    readonly options: {
      /** The checkpoint file, replaced atomically at each save. */
      path: string;
      /** Saved with the model when given. */
      optimizer?: StatefulOptimizer;
      /** Saved with the model when given. */
      scheduler?: StatefulScheduler;
      /** Generators whose states are saved, by name (see {@link CheckpointContents.generators}). */
      generators?: Record<string, Generator>;
      /** Logs of earlier epochs (a resumed run's), kept in front of this run's in every save. */
      history?: EpochLogs[];
      /** The logs' key to watch (default `'val_loss'`, or `'loss'` when the logs lack it). */
      monitor?: string;
      /** `'min'` (default): lower is better; `'max'`: higher is better. */
      mode?: 'min' | 'max';
      /** Save only when the monitored value improved (default true); false saves every epoch. */
      saveBestOnly?: boolean;
    },
  ) {
    this.history = [...(options.history ?? [])];
    this.best = (options.mode ?? 'min') === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /** Saves the model (and the rest) when the monitored value improved, or always without saveBestOnly. */
  async onEpochEnd(logs: EpochLogs, context: FitContext): Promise<void> {
    this.history.push({ ...logs });
    const key = this.options.monitor ?? 'val_loss';
    const value = logs[key] ?? logs.loss;
    const better = (this.options.mode ?? 'min') === 'min' ? value < this.best : value > this.best;
    if (this.options.saveBestOnly === false || better) {
      if (better) this.best = value;
      await writeFileAtomic(
        this.options.path,
        await encodeCheckpointAsync({
          model: context.model,
          optimizer: this.options.optimizer,
          scheduler: this.options.scheduler,
          generators: this.options.generators,
          epoch: logs.epoch,
          history: this.history,
        }),
      );
    }
  }
}
