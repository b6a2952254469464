/**
 * mnist-mlp: 784 → 512 → ReLU → Dropout → 256 → ReLU → Dropout → 10, Adam with a cosine learning
 * rate, on the 60k MNIST training images; tested on the 10k test images after every epoch (98 %+).
 */
import { Dropout, Linear, ReLU, Sequential } from '@nnet/layers';
import { CrossEntropyLoss } from '@nnet/loss';
import { Adam, CosineAnnealingLR } from '@nnet/optim';
import { manualSeed } from '@nnet/tensor';
import { DataLoader, TensorDataset } from '@nnet/train';
import { percent } from './format.js';
import { loadMnist } from './idx.js';
import { type ExampleOptions, runTraining, type TrainingResult } from './session.js';

export async function runMnistMlp(options: ExampleOptions = {}): Promise<TrainingResult> {
  const seed = options.seed ?? 0;
  manualSeed(seed);
  const train = loadMnist('train');
  const test = loadMnist('test');
  const model = new Sequential(
    new Linear(784, 512),
    new ReLU(),
    new Dropout(0.2),
    new Linear(512, 256),
    new ReLU(),
    new Dropout(0.2),
    new Linear(256, 10),
  );
  const epochs = options.epochs ?? 8;
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const result = await runTraining(
    {
      title: 'mnist-mlp: 784-512-256-10',
      model,
      optimizer,
      scheduler: new CosineAnnealingLR(optimizer, { tMax: epochs }),
      loss: new CrossEntropyLoss(),
      train: new DataLoader(new TensorDataset(train.images, train.labels), {
        batchSize: 128,
        shuffle: true,
        seed,
      }),
      test: new DataLoader(new TensorDataset(test.images, test.labels), { batchSize: 1000 }),
      epochs,
    },
    options,
  );
  if (!options.quiet)
    console.log(`test accuracy: ${percent(result.accuracy)} on the 10,000 MNIST test images`);
  return result;
}
