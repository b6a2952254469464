// An ES-module application of the packed packages: trains XOR through `nnet`, runs a Linear layer
// with known weights through the scoped packages, and multiplies on the opt-in wasm backend.
// Prints one JSON line for the release-check test.
import { Linear } from '@nnet/layers';
import { getBackendName as scopedBackendName, tensor as scopedTensor } from '@nnet/tensor';
import {
  Accuracy,
  Adam,
  CrossEntropyLoss,
  DataLoader,
  fit,
  getBackendName,
  manualSeed,
  predict,
  Sequential,
  setBackend,
  Tanh,
  TensorDataset,
  tensor,
} from 'nnet';
import 'nnet/wasm';

manualSeed(0);
const x = tensor([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const y = tensor([0, 1, 1, 0], { dtype: 'int32' });
const net = new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 2));
const data = new DataLoader(new TensorDataset(x, y), { batchSize: 4 });
const history = await fit(net, data, {
  epochs: 300,
  loss: new CrossEntropyLoss(),
  optimizer: new Adam(net.parameters(), { lr: 0.05 }),
  metrics: [new Accuracy()],
});
const predicted = Array.from(await (await predict(net, data)).argmax(1).data());

// Inference with known weights: y = x·Wᵀ + b = [1·1 + 2·2 + 0.5, 1·3 + 2·4 - 1] = [5.5, 10].
const layer = new Linear(2, 2);
layer.weight.assign(
  scopedTensor([
    [1, 2],
    [3, 4],
  ]),
);
layer.bias.assign(scopedTensor([0.5, -1]));
const linear = Array.from(await layer.forward(scopedTensor([[1, 2]])).data());

const backendBefore = scopedBackendName();
await setBackend('wasm');
const wasmProduct = Array.from(
  await tensor([
    [1, 2],
    [3, 4],
  ])
    .matmul(tensor([[5], [6]]))
    .data(),
);
console.log(
  JSON.stringify({
    backendBefore,
    firstLoss: history[0].loss,
    lastLoss: history.at(-1).loss,
    accuracy: history.at(-1).accuracy,
    predicted,
    linear,
    wasmBackend: getBackendName(),
    wasmProduct,
  }),
);
