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
import { describeValue, noGrad, stack, type Tensor, tidy, ValueError } from '@nnet/tensor';
import { evaluate } from './evaluate.js';
import type { Batches, EpochLogs, FitContext, FitOptions } from './fit_types.js';
import { MeanLoss, type Metric } from './metrics.js';
import { Yielder } from './yield.js';

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
 * const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
 * const loader = new DataLoader(new TensorDataset(randn([16, 2]), randint(0, 2, [16])), { batchSize: 4 });
 * const valLoader = loader; // a held-out set in real use
 * const history = await fit(model, loader, {
 *   epochs: 5, loss: new CrossEntropyLoss(), optimizer: new Adam(model.parameters()),
 *   metrics: [new Accuracy()], validation: valLoader,
 * });
 * history[4].val_accuracy; // a number in [0, 1]
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
