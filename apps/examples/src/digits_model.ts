/**
 * The digits MLP and its data split, shared by `pnpm example digits` (Node) and the web page:
 * 64 → 128 → ReLU → 10, Adam lr 3e-3, batches of 32; a seeded 80/20 split of the 1797 images.
 */
import { Linear, ReLU, Sequential } from '@nnet/layers';
import { Adam } from '@nnet/optim';
import { Generator, indexSelect, type Tensor, tensor } from '@nnet/tensor';
import { DataLoader, TensorDataset } from '@nnet/train';
import type { Digits } from './digits_csv.js';

export interface DigitsSplit {
  train: DataLoader;
  test: DataLoader;
  trainSize: number;
  testSize: number;
}

/** A seeded shuffle of the images, then the first 80 % for training and the rest for testing. */
export function splitDigits({ images, labels }: Digits, seed: number): DigitsSplit {
  const n = images.shape[0];
  const order = new Generator(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const cut = Math.floor(n * 0.8);
  const pick = (ids: number[]): [Tensor, Tensor] => {
    const idx = tensor(ids, { dtype: 'int32' });
    const picked: [Tensor, Tensor] = [indexSelect(images, 0, idx), indexSelect(labels, 0, idx)];
    idx.dispose();
    return picked;
  };
  return {
    train: new DataLoader(new TensorDataset(...pick(order.slice(0, cut))), {
      batchSize: 32,
      shuffle: true,
      seed,
    }),
    test: new DataLoader(new TensorDataset(...pick(order.slice(cut))), { batchSize: 256 }),
    trainSize: cut,
    testSize: n - cut,
  };
}

export function digitsModel(): Sequential {
  return new Sequential(new Linear(64, 128), new ReLU(), new Linear(128, 10));
}

export function digitsOptimizer(model: Sequential): Adam {
  return new Adam(model.parameters(), { lr: 3e-3 });
}
