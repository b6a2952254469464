/**
 * digits: an MLP (64 → 128 → ReLU → 10) trained with Adam on 80 % of the 8x8 digits, tested on
 * the other 20 %. Reaches 95 %+ test accuracy in a few seconds.
 */
import { Linear, ReLU, Sequential } from '@nnet/layers';
import { CrossEntropyLoss } from '@nnet/loss';
import { Adam } from '@nnet/optim';
import { Generator, indexSelect, manualSeed, tensor } from '@nnet/tensor';
import { Accuracy, DataLoader, evaluate, fit, TensorDataset } from '@nnet/train';
import { ProgressBar } from '@nnet/train/node';
import { loadDigits } from './digits_data.js';

export interface DigitsResult {
  accuracy: number;
  history: { epoch: number; loss: number; accuracy: number; val_loss: number; val_accuracy: number }[];
}

export function runDigits(options: { seed?: number; epochs?: number; quiet?: boolean } = {}): DigitsResult {
  const seed = options.seed ?? 0;
  manualSeed(seed);
  const { images, labels } = loadDigits();
  const n = images.shape[0];
  // A seeded shuffle, then the first 80 % for training.
  const order = Array.from({ length: n }, (_, i) => i);
  const g = new Generator(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(0, i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const cut = Math.floor(n * 0.8);
  const split = (ids: number[]) => {
    const idx = tensor(ids, { dtype: 'int32' });
    return [indexSelect(images, 0, idx), indexSelect(labels, 0, idx)];
  };
  const [xTrain, yTrain] = split(order.slice(0, cut));
  const [xTest, yTest] = split(order.slice(cut));
  const model = new Sequential(new Linear(64, 128), new ReLU(), new Linear(128, 10));
  const loss = new CrossEntropyLoss();
  const history = fit(
    model,
    new DataLoader(new TensorDataset(xTrain, yTrain), { batchSize: 32, shuffle: true, seed }),
    {
      epochs: options.epochs ?? 30,
      loss,
      optimizer: new Adam(model.parameters(), { lr: 3e-3 }),
      metrics: [new Accuracy()],
      validation: new DataLoader(new TensorDataset(xTest, yTest), { batchSize: 256 }),
      callbacks: options.quiet ? [] : [new ProgressBar()],
    },
  ) as DigitsResult['history'];
  const { accuracy } = evaluate(model, new DataLoader(new TensorDataset(xTest, yTest), { batchSize: 256 }), {
    loss,
    metrics: [new Accuracy()],
  });
  if (!options.quiet)
    console.log(`test accuracy: ${(accuracy * 100).toFixed(1)} % on ${n - cut} held-out digits`);
  return { accuracy, history };
}
