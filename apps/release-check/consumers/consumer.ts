// A TypeScript application of the packed packages, type-checked with `lib: ["es2022"]`, no
// @types/node and skipLibCheck off: inference with the scoped packages, training through `nnet`.
import { Linear as ScopedLinear, Sequential as ScopedSequential } from '@nnet/layers';
import { CrossEntropyLoss as ScopedCrossEntropy } from '@nnet/loss';
import { Adam as ScopedAdam } from '@nnet/optim';
import { type Tensor as ScopedTensor, tensor as scopedTensor } from '@nnet/tensor';
import { evaluate as scopedEvaluate } from '@nnet/train';
import '@nnet/backend-cpu';
import {
  Accuracy,
  Adam,
  CrossEntropyLoss,
  DataLoader,
  type EpochLogs,
  fit,
  Linear,
  manualSeed,
  predict,
  ReLU,
  Sequential,
  type Tensor,
  TensorDataset,
  tensor,
} from 'nnet';

export async function inference(): Promise<number[]> {
  const net = new ScopedSequential(new ScopedLinear(4, 3));
  const out: ScopedTensor = net.forward(scopedTensor([[1, 2, 3, 4]]));
  void ScopedCrossEntropy;
  void ScopedAdam;
  void scopedEvaluate;
  return Array.from(await out.data());
}

export async function training(): Promise<{ history: EpochLogs[]; classes: Tensor }> {
  manualSeed(1);
  const x: Tensor = tensor([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  const y = tensor([0, 1, 1, 0], { dtype: 'int32' });
  const net = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
  const data = new DataLoader(new TensorDataset(x, y), { batchSize: 2, shuffle: true, seed: 0 });
  const history = await fit(net, data, {
    epochs: 10,
    loss: new CrossEntropyLoss(),
    optimizer: new Adam(net.parameters(), { lr: 1e-2 }),
    metrics: [new Accuracy()],
  });
  const classes = (await predict(net, data)).argmax(1);
  return { history, classes };
}
