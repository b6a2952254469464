/**
 * `train()`: the minimal training loop a first neural-network library has. For each epoch and each batch: clear the gradients, run
 * the network, compute the loss, backpropagate, step the optimizer. Each step runs inside `tidy`,
 * so a training loop never grows memory. The epoch's loss is summed on the device and read once
 * per epoch: synchronously by `train()` (backends with `readSync`: CPU, WASM), with `await` by
 * `trainAsync()` (every backend, yielding to the event loop between steps).
 */

import type { Module } from '@nnet/layers';
import { MSELoss } from '@nnet/loss';
import { SGD } from '@nnet/optim';
import { BackendError, getBackend, noGrad, type Tensor, tidy, ValueError } from '@nnet/tensor';
import { BatchIterator } from './batch_iterator.js';
import { Yielder } from './yield.js';

/**
 * Anything with `forward(input, target)` returning a scalar loss (MSELoss, CrossEntropyLoss, ...).
 *
 * @example
 * ```ts
 * const l1: LossFn = { forward: (input, target) => input.sub(target).abs().mean() };
 * ```
 */
export interface LossFn {
  /** The loss of `input` (the model's output, `[B, ...]`) against `target`: a 0-d tensor. */
  forward(input: Tensor, target: Tensor): Tensor;
}

/**
 * Anything with `zeroGrad()` and `step()` (SGD, Adam, ...): what the training loops call.
 *
 * @example
 * ```ts
 * const model = new Linear(2, 1);
 * const opt: OptimizerLike = new SGD(model.parameters(), { lr: 0.1 });
 * ```
 */
export interface OptimizerLike {
  /** Clears the gradients of the parameters (called before each step's backward). */
  zeroGrad(): void;
  /** Updates the parameters from their gradients. */
  step(): void;
}

/**
 * The options of {@link train} and {@link trainAsync}; every one has a default.
 *
 * @example
 * ```ts
 * const net = new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 1));
 * const options: TrainOptions = {
 *   numEpochs: 200,
 *   iterator: new BatchIterator({ batchSize: 4, shuffle: false }),
 *   optimizer: new SGD(net.parameters(), { lr: 0.1 }),
 *   logEvery: 50,
 * };
 * ```
 */
export interface TrainOptions {
  /** Epochs to run (default 5000: enough for XOR-sized problems at lr 0.01). */
  numEpochs?: number;
  /** Batching (default: batches of 32, shuffled). */
  iterator?: BatchIterator;
  /** Loss (default: mean squared error). */
  loss?: LossFn;
  /** Optimizer (default: SGD with lr 0.01 over the network's parameters). */
  optimizer?: OptimizerLike;
  /** Called after each epoch with its number (from 0) and loss. Return false to stop early. */
  onEpoch?: (epoch: number, loss: number) => boolean | undefined;
  /** Print nothing. */
  quiet?: boolean;
  /** Print every n-th epoch (and the last); default 1: every epoch. */
  logEvery?: number;
  /** Where lines go (default console.log). */
  log?: (line: string) => void;
  /** trainAsync only: the longest stretch in ms without yielding to the event loop (default 16). */
  yieldEvery?: number;
}

interface Loop {
  numEpochs: number;
  /** Runs one epoch's steps; resolves to the sum of its batch losses as a kept 0-d tensor (or null). */
  epochSteps(pause: () => Promise<void> | undefined): Generator<Promise<void> | undefined, Tensor | null>;
  /** Logs and calls onEpoch; false to stop. */
  endEpoch(epoch: number, epochLoss: number): boolean;
}

function makeLoop(op: string, net: Module, inputs: Tensor, targets: Tensor, options: TrainOptions): Loop {
  const numEpochs = options.numEpochs ?? 5000;
  if (!Number.isInteger(numEpochs) || numEpochs < 0)
    throw new ValueError(`${op}: numEpochs must be an integer >= 0, got ${numEpochs}.`);
  const iterator = options.iterator ?? new BatchIterator();
  const loss = options.loss ?? new MSELoss();
  const optimizer = options.optimizer ?? new SGD(net.parameters(), { lr: 0.01 });
  const log = options.log ?? ((line: string) => console.log(line));
  const logEvery = options.logEvery ?? 1;
  return {
    numEpochs,
    *epochSteps(pause) {
      let sum: Tensor | null = null;
      try {
        for (const batch of iterator.iterate(inputs, targets)) {
          const prev = sum as Tensor | null;
          sum = tidy(() => {
            optimizer.zeroGrad();
            const predicted = net.forward(batch.inputs);
            const l = loss.forward(predicted, batch.targets);
            l.backward();
            optimizer.step();
            return noGrad(() => (prev ? prev.add(l) : l.detach()));
          }).keep();
          prev?.dispose();
          batch.inputs.dispose();
          batch.targets.dispose();
          yield pause();
        }
      } catch (err) {
        sum?.dispose();
        throw err;
      }
      return sum;
    },
    endEpoch(epoch, epochLoss) {
      if (!options.quiet && (epoch % logEvery === 0 || epoch === numEpochs - 1)) log(`${epoch} ${epochLoss}`);
      return options.onEpoch?.(epoch, epochLoss) !== false;
    },
  };
}

/** Drives one epoch's generator to its end without pausing; returns the generator's result. */
function runSync<T>(steps: Generator<unknown, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Trains `net` on (inputs, targets) and returns the loss of every epoch (the sum of its batch
 * losses, so it grows with the number of batches per epoch). Synchronous: it reads each epoch's loss with `readSync`, so it
 * needs a backend that reads synchronously (CPU, WASM); `trainAsync` runs on every backend.
 *
 * ```ts
 * const net = new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 1));
 * const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]); // [4, 2]
 * const y = tensor([[0], [1], [1], [0]]);             // [4, 1]
 * const losses = train(net, x, y, { numEpochs: 100, quiet: true });
 * losses.length; // 100: one loss per epoch
 * ```
 */
export function train(net: Module, inputs: Tensor, targets: Tensor, options: TrainOptions = {}): number[] {
  const loop = makeLoop('train', net, inputs, targets, options);
  if (loop.numEpochs > 0 && typeof getBackend().readSync !== 'function') {
    throw new BackendError(
      `train: backend '${getBackend().name}' reads only asynchronously, and train() is synchronous; use await trainAsync(net, inputs, targets, options).`,
    );
  }
  const losses: number[] = [];
  for (let epoch = 0; epoch < loop.numEpochs; epoch++) {
    const sum = runSync(loop.epochSteps(() => undefined));
    const epochLoss = sum ? sum.item() : 0;
    sum?.dispose();
    losses.push(epochLoss);
    if (!loop.endEpoch(epoch, epochLoss)) break;
  }
  return losses;
}

/**
 * `train` for every backend: the same loop and result, reading each epoch's loss with `await`
 * and yielding to the event loop at least every `yieldEvery` ms (default 16).
 *
 * ```ts
 * const net = new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 1));
 * const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]); // [4, 2]
 * const y = tensor([[0], [1], [1], [0]]);             // [4, 1]
 * const losses = await trainAsync(net, x, y, { numEpochs: 100, quiet: true });
 * losses.length; // 100: one loss per epoch
 * ```
 */
export async function trainAsync(
  net: Module,
  inputs: Tensor,
  targets: Tensor,
  options: TrainOptions = {},
): Promise<number[]> {
  const loop = makeLoop('trainAsync', net, inputs, targets, options);
  const yielder = new Yielder('trainAsync', options.yieldEvery);
  const losses: number[] = [];
  for (let epoch = 0; epoch < loop.numEpochs; epoch++) {
    const steps = loop.epochSteps(() => yielder.maybeYield());
    let sum: Tensor | null;
    for (;;) {
      const r = steps.next();
      if (r.done) {
        sum = r.value;
        break;
      }
      await r.value;
    }
    let epochLoss = 0;
    if (sum) {
      try {
        epochLoss = (await sum.data())[0];
      } finally {
        sum.dispose();
      }
    }
    losses.push(epochLoss);
    if (!loop.endEpoch(epoch, epochLoss)) break;
  }
  return losses;
}
