/**
 * `train()`: the seed's training loop. For each epoch and each batch: clear the gradients, run
 * the network, compute the loss, backpropagate, step the optimizer. Each step runs inside `tidy`,
 * so a training loop never grows memory.
 */

import type { Module } from '@nnet/layers';
import { MSELoss } from '@nnet/loss';
import { SGD } from '@nnet/optim';
import { type Tensor, tidy, ValueError } from '@nnet/tensor';
import { BatchIterator } from './batch_iterator.js';

/** Anything with `forward(input, target)` returning a scalar loss (MSELoss, CrossEntropyLoss, ...). */
export interface LossFn {
  forward(input: Tensor, target: Tensor): Tensor;
}

/** Anything with `zeroGrad()` and `step()` (SGD, ...). */
export interface OptimizerLike {
  zeroGrad(): void;
  step(): void;
}

export interface TrainOptions {
  /** Epochs to run (the seed's default: 5000). */
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
  /** Print every n-th epoch (and the last); default 1, like the seed. */
  logEvery?: number;
  /** Where lines go (default console.log). */
  log?: (line: string) => void;
}

/**
 * Trains `net` on (inputs, targets) and returns the loss of every epoch (the sum of its batch
 * losses, as the seed reports it).
 */
export function train(net: Module, inputs: Tensor, targets: Tensor, options: TrainOptions = {}): number[] {
  const numEpochs = options.numEpochs ?? 5000;
  if (!Number.isInteger(numEpochs) || numEpochs < 0)
    throw new ValueError(`train: numEpochs must be an integer >= 0, got ${numEpochs}.`);
  const iterator = options.iterator ?? new BatchIterator();
  const loss = options.loss ?? new MSELoss();
  const optimizer = options.optimizer ?? new SGD(net.parameters(), { lr: 0.01 });
  const log = options.log ?? ((line: string) => console.log(line));
  const logEvery = options.logEvery ?? 1;
  const losses: number[] = [];
  for (let epoch = 0; epoch < numEpochs; epoch++) {
    let epochLoss = 0;
    for (const batch of iterator.iterate(inputs, targets)) {
      epochLoss += tidy(() => {
        optimizer.zeroGrad();
        const predicted = net.forward(batch.inputs);
        const l = loss.forward(predicted, batch.targets);
        l.backward();
        optimizer.step();
        return l.item();
      });
      batch.inputs.dispose();
      batch.targets.dispose();
    }
    losses.push(epochLoss);
    if (!options.quiet && (epoch % logEvery === 0 || epoch === numEpochs - 1)) log(`${epoch} ${epochLoss}`);
    if (options.onEpoch?.(epoch, epochLoss) === false) break;
  }
  return losses;
}
