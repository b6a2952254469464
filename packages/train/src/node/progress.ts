/**
 * A progress bar for `fit` (Node): an animated bar (cli-progress) per epoch on a terminal, one
 * plain line per epoch otherwise (CI logs, pipes). The line shows the epoch's logged values.
 */
import cliProgress from 'cli-progress';
import type { Callback, EpochLogs, FitContext } from '../fit_types.js';

/**
 * The options of {@link ProgressBar}.
 *
 * @example
 * ```ts
 * const bar = new ProgressBar({ stream: process.stderr, animated: false });
 * ```
 */
export interface ProgressOptions {
  /** Where lines go (default: process.stdout). */
  stream?: NodeJS.WritableStream & {
    /** True on a terminal, where the bar is animated by default. */
    isTTY?: boolean;
  };
  /** Force the animated bar on or off (default: on when the stream is a terminal). */
  animated?: boolean;
  /** The total epochs to show, when fit runs one epoch per call (default: fit's `epochs`). */
  epochs?: number;
}

/** Accuracies as percentages with two decimals (`accuracy 100.00 %`), other values with four. */
function format(logs: EpochLogs): string {
  return Object.entries(logs)
    .filter(([k]) => k !== 'epoch')
    .map(([k, v]) => (k.endsWith('accuracy') ? `${k} ${(v * 100).toFixed(2)} %` : `${k} ${v.toFixed(4)}`))
    .join('  ');
}

/**
 * A `fit` callback that shows training progress: an animated bar per epoch on a terminal (batches
 * done and the last batch's loss), and one line per epoch with the epoch's logged values and time.
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
 * const loader = new DataLoader(new TensorDataset(randn([16, 2]), randint(0, 2, [16])), { batchSize: 4, seed: 0 });
 * const [loss, optimizer] = [new CrossEntropyLoss(), new SGD(model.parameters(), { lr: 0.1 })];
 * await fit(model, loader, { epochs: 5, loss, optimizer, metrics: [new Accuracy()], callbacks: [new ProgressBar()] });
 * // off a terminal, one line per epoch, e.g.: epoch 1/5  loss 0.6967  accuracy 56.25 %  (0.1 s)
 * ```
 */
export class ProgressBar implements Callback {
  private bar: cliProgress.SingleBar | null = null;
  private readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly animated: boolean;
  private readonly totalEpochs: number | undefined;
  private started = 0;

  /** @param options Where to write and whether to animate; see {@link ProgressOptions}. */
  constructor(options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stdout;
    this.animated = options.animated ?? this.stream.isTTY === true;
    this.totalEpochs = options.epochs;
  }

  /** Starts the epoch's clock and, when animated and the batch count is known, its bar. */
  onEpochBegin(epoch: number, context: FitContext): void {
    this.started = performance.now();
    if (!this.animated || context.batches === undefined) return;
    this.bar = new cliProgress.SingleBar(
      {
        format: `epoch ${epoch + 1}/${this.totalEpochs ?? context.epochs} [{bar}] {value}/{total} loss {loss}`,
        stream: this.stream,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(context.batches, 0, { loss: '-' });
  }

  /** Advances the bar by one batch and shows its loss. */
  onBatchEnd(_batch: number, loss: number): void {
    this.bar?.increment(1, { loss: loss.toFixed(4) });
  }

  /** Ends the bar and writes the epoch's line. */
  onEpochEnd(logs: EpochLogs, context: FitContext): void {
    this.bar?.stop();
    this.bar = null;
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    this.stream.write(
      `epoch ${logs.epoch + 1}/${this.totalEpochs ?? context.epochs}  ${format(logs)}  (${seconds} s)\n`,
    );
  }
}
