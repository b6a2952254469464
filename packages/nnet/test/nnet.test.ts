import * as layers from '@nnet/layers';
import * as loss from '@nnet/loss';
import * as optim from '@nnet/optim';
import * as tensorPkg from '@nnet/tensor';
import * as train from '@nnet/train';
import * as trainNode from '@nnet/train/node';
import { describe, expect, it } from 'vitest';
import * as nnet from '../src/index.js';
import * as nnetNode from '../src/node.js';

const xorInputs = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const xorClasses = [0, 1, 1, 0];

describe('nnet', () => {
  it('re-exports every name of tensor, layers, loss, optim and train, each the same object', () => {
    const sources = { layers, loss, optim, tensor: tensorPkg, train };
    const reexported = new Map(Object.entries(nnet));
    const expected = new Set<string>();
    for (const [pkg, mod] of Object.entries(sources)) {
      for (const [name, value] of Object.entries(mod)) {
        expected.add(name);
        expect(reexported.get(name), `${name} from @nnet/${pkg}`).toBe(value);
      }
    }
    expect(new Set(reexported.keys())).toEqual(expected);
  });

  it('nnet/node re-exports @nnet/train/node', () => {
    expect(Object.keys(nnetNode).sort()).toEqual(Object.keys(trainNode).sort());
    expect(nnetNode.ModelCheckpoint).toBe(trainNode.ModelCheckpoint);
  });

  it('computes without a set-up call: importing nnet registers cpu', () => {
    expect(nnet.getBackendName()).toBe('cpu');
    const y = nnet
      .tensor([
        [1, 2],
        [3, 4],
      ])
      .matmul(nnet.tensor([[5], [6]]));
    expect(Array.from(y.dataSync())).toEqual([17, 39]); // 1·5+2·6, 3·5+4·6
  });

  it('trains XOR with fit and classifies all four points', async () => {
    nnet.manualSeed(0);
    const net = new nnet.Sequential(new nnet.Linear(2, 8), new nnet.Tanh(), new nnet.Linear(8, 2));
    const x = nnet.tensor(xorInputs);
    const y = nnet.tensor(xorClasses, { dtype: 'int32' });
    const data = new nnet.DataLoader(new nnet.TensorDataset(x, y), { batchSize: 4 });
    const history = await nnet.fit(net, data, {
      epochs: 300,
      loss: new nnet.CrossEntropyLoss(),
      optimizer: new nnet.Adam(net.parameters(), { lr: 0.05 }),
      metrics: [new nnet.Accuracy()],
    });
    expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss / 10);
    expect(history.at(-1)!.accuracy).toBe(1);
    const out = await nnet.predict(net, data);
    expect(Array.from(out.argmax(1).dataSync())).toEqual(xorClasses);
  });

  it("nnet/wasm registers the 'wasm' backend, which gives the same product as cpu", async () => {
    await import('../src/wasm.js');
    await nnet.setBackend('wasm');
    try {
      expect(nnet.getBackendName()).toBe('wasm');
      const y = nnet
        .tensor([
          [1, 2],
          [3, 4],
        ])
        .matmul(nnet.tensor([[5], [6]]));
      expect(Array.from(await y.data())).toEqual([17, 39]);
    } finally {
      await nnet.setBackend('cpu');
    }
  });
});
