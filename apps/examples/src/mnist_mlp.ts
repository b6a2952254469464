/**
 * mnist-mlp: 784 → 512 → ReLU → Dropout → 256 → ReLU → Dropout → 10, Adam with a cosine learning
 * rate, on the 60k MNIST training images; reports accuracy on the 10k test images (98 %+).
 */
import { Dropout, Linear, ReLU, Sequential } from '@nnet/layers';
import { CrossEntropyLoss } from '@nnet/loss';
import { Adam, CosineAnnealingLR } from '@nnet/optim';
import { manualSeed } from '@nnet/tensor';
import { Accuracy, DataLoader, evaluate, fit, TensorDataset } from '@nnet/train';
import { ProgressBar } from '@nnet/train/node';
import { loadMnist } from './idx.js';

export function runMnistMlp(options: { seed?: number; epochs?: number; quiet?: boolean } = {}): {
  accuracy: number;
} {
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
  const loss = new CrossEntropyLoss();
  const epochs = options.epochs ?? 8;
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  fit(
    model,
    new DataLoader(new TensorDataset(train.images, train.labels), { batchSize: 128, shuffle: true, seed }),
    {
      epochs,
      loss,
      optimizer,
      scheduler: new CosineAnnealingLR(optimizer, { tMax: epochs }),
      metrics: [new Accuracy()],
      callbacks: options.quiet ? [] : [new ProgressBar()],
    },
  );
  const { accuracy } = evaluate(
    model,
    new DataLoader(new TensorDataset(test.images, test.labels), { batchSize: 1000 }),
    {
      loss,
      metrics: [new Accuracy()],
    },
  );
  if (!options.quiet)
    console.log(`test accuracy: ${(accuracy * 100).toFixed(2)} % on the 10,000 MNIST test images`);
  return { accuracy };
}
