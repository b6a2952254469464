import { Dropout, Linear, ReLU, Sequential } from '@nnet/layers';
import { CrossEntropyLoss } from '@nnet/loss';
import { Adam, OneCycleLR, SGD, StepLR } from '@nnet/optim';
import { getBackend, manualSeed, memory, randn, type Tensor, tensor, ValueError } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import {
  Accuracy,
  DataLoader,
  EarlyStopping,
  evaluate,
  fit,
  HistoryLogger,
  predict,
  TensorDataset,
  TopKAccuracy,
} from '../src/index.js';

/** Two Gaussian blobs in 2-D, labelled 0 and 1. */
function blobs(n: number): { x: Tensor; y: Tensor } {
  const noise = randn([n, 2]).mul(0.5);
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  const centers = tensor(labels.map((l) => (l ? [2, 2] : [-2, -2])));
  return { x: noise.add(centers), y: tensor(labels, { dtype: 'int32' }) };
}

describe('fit, evaluate, predict', () => {
  it("steps a scheduler after every batch with schedulerInterval 'batch' (OneCycleLR over all steps)", async () => {
    manualSeed(2);
    const data = blobs(100);
    const model = new Sequential(new Linear(2, 2));
    const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const loader = new DataLoader(new TensorDataset(data.x, data.y), { batchSize: 32 });
    const scheduler = new OneCycleLR(optimizer, { maxLr: 0.5, totalSteps: 3 * loader.length });
    const lrs: number[] = [];
    await fit(model, loader, {
      epochs: 3,
      loss: new CrossEntropyLoss(),
      optimizer,
      scheduler,
      schedulerInterval: 'batch',
      readEvery: 1, // onBatchEnd right after its step, so it sees that step's learning rate
      callbacks: [{ onBatchEnd: () => lrs.push(optimizer.paramGroups[0].options.lr) }],
    });
    expect(scheduler.lastEpoch).toBe(12);
    // PyTorch 1.13: SGD(momentum 0.9), OneCycleLR(max_lr 0.5, total_steps 12), step() after each of 12 batches.
    const torch = [
      0.17489482710979154, 0.43964257956106434, 0.49720771772545586, 0.46650648492070584, 0.4058728269748815,
      0.32368949884755166, 0.23131855133348753, 0.14153049910434962, 0.0667387650944153, 0.01728349371269761,
      2e-6, 0.017283493712697582,
    ];
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(torch[i], 12));
    expect(() => scheduler.step()).toThrow(/stepped 13 times, more than totalSteps \(12\)/);
    expect(() =>
      fit(model, loader, {
        loss: new CrossEntropyLoss(),
        optimizer,
        schedulerInterval: 'step' as 'batch',
      }),
    ).toThrow(/schedulerInterval must be 'epoch' or 'batch', got 'step'/);
  });

  it('trains a classifier with metrics, validation, a scheduler and a history', async () => {
    manualSeed(0);
    const train = blobs(200);
    const val = blobs(60);
    const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const logger = new HistoryLogger(undefined, 'csv');
    const history = await fit(
      model,
      new DataLoader(new TensorDataset(train.x, train.y), { batchSize: 32, shuffle: true, seed: 1 }),
      {
        epochs: 5,
        loss: new CrossEntropyLoss(),
        optimizer,
        scheduler: new StepLR(optimizer, { stepSize: 2, gamma: 0.5 }),
        metrics: [new Accuracy()],
        validation: new DataLoader(new TensorDataset(val.x, val.y), { batchSize: 64 }),
        callbacks: [logger],
      },
    );
    expect(history.length).toBe(5);
    expect(Object.keys(history[0]).sort()).toEqual(['accuracy', 'epoch', 'loss', 'val_accuracy', 'val_loss']);
    expect(history[4].loss).toBeLessThan(history[0].loss);
    expect(history[4].val_accuracy).toBeGreaterThan(0.95);
    expect(optimizer.paramGroups[0].options.lr).toBeCloseTo(0.1 * 0.25, 12);
    expect(logger.render().split('\n')[0]).toBe('epoch,loss,accuracy,val_loss,val_accuracy');
    const scores = await evaluate(model, new DataLoader(new TensorDataset(val.x, val.y), { batchSize: 16 }), {
      loss: new CrossEntropyLoss(),
      metrics: [new Accuracy()],
    });
    expect(scores.accuracy).toBeCloseTo(history[4].val_accuracy, 12);
    const out = await predict(model, new DataLoader(new TensorDataset(val.x), { batchSize: 7 }));
    expect(out.shape).toEqual([60, 2]);
  });

  it('keeps memory flat from epoch to epoch', async () => {
    manualSeed(1);
    const { x, y } = blobs(64);
    const model = new Sequential(new Linear(2, 4), new Linear(4, 2));
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 16, shuffle: true, seed: 2 });
    const after: ReturnType<typeof memory>[] = [];
    await fit(model, loader, {
      epochs: 6,
      loss: new CrossEntropyLoss(),
      optimizer: new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }),
      metrics: [new Accuracy()],
      callbacks: [{ onEpochEnd: () => void after.push(memory()) }],
    });
    // fit awaits between steps, so the garbage collector may also free what earlier tests dropped:
    // the counts can only fall; a step's leak would show as a rise of 5 epochs x 4 batches.
    expect(after[5].tensors).toBeLessThanOrEqual(after[0].tensors);
    expect(after[5].storages).toBeLessThanOrEqual(after[0].storages);
    expect(after[5].bytes).toBeLessThanOrEqual(after[0].bytes);
  });

  // Not on webgpu: 10,000 steps of ~15 dispatches take minutes on a software adapter (lavapipe in
  // CI); test/webgpu-lifetime.test.ts checks that backend's memory over a no-tidy loop instead.
  it.skipIf(process.env.NNET_BACKEND === 'webgpu')(
    '10,000 training steps leave live tensors and backend bytes flat',
    async () => {
      manualSeed(3);
      const { x, y } = blobs(20);
      const model = new Sequential(new Linear(2, 8), new ReLU(), new Dropout(0.1), new Linear(8, 2));
      const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 2, shuffle: true, seed: 4 });
      const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
      const seen: object[] = [];
      let steps = 0;
      await fit(model, loader, {
        epochs: 1000,
        loss: new CrossEntropyLoss(),
        optimizer,
        scheduler: new StepLR(optimizer, { stepSize: 100, gamma: 0.9 }),
        metrics: [new Accuracy()],
        callbacks: [
          {
            onBatchEnd: () => void steps++,
            onEpochEnd: (logs) =>
              void (
                (logs.epoch === 0 || logs.epoch === 999) &&
                seen.push({ ...memory(), backend: getBackend().memory() })
              ),
          },
        ],
      });
      expect(steps).toBe(10_000);
      // fit yields to the event loop, so tensors earlier tests dropped without disposing may be
      // reclaimed meanwhile: memory may fall, never grow (a leak of one tensor a step adds 10,000).
      const [first, last] = seen as { tensors: number; bytes: number; backend: { bytes: number } }[];
      expect(last.tensors).toBeLessThanOrEqual(first.tensors);
      expect(last.bytes).toBeLessThanOrEqual(first.bytes);
      expect(last.backend.bytes).toBeLessThanOrEqual(first.backend.bytes);
    },
    120_000,
  );

  it('stops early when the monitored value stops improving', async () => {
    manualSeed(2);
    const { x, y } = blobs(32);
    const model = new Sequential(new Linear(2, 2));
    const stopper = new EarlyStopping({ monitor: 'loss', patience: 1, minDelta: 10 });
    const history = await fit(model, new DataLoader(new TensorDataset(x, y), { batchSize: 32 }), {
      epochs: 50,
      loss: new CrossEntropyLoss(),
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      callbacks: [stopper],
    });
    expect(history.length).toBe(2);
    expect(stopper.stoppedEpoch).toBe(1);
  });

  it('a NaN loss stops training with an error naming the epoch and the batch', async () => {
    const x = tensor([
      [1, 2],
      [Number.NaN, 0],
    ]);
    const y = tensor([0, 1], { dtype: 'int32' });
    const model = new Sequential(new Linear(2, 2));
    const before = memory().tensors;
    await expect(
      fit(model, new DataLoader(new TensorDataset(x, y), { batchSize: 1 }), {
        epochs: 1,
        loss: new CrossEntropyLoss(),
        optimizer: new SGD(model.parameters()),
      }),
    ).rejects.toThrow(
      /the loss is NaN at epoch 0, batch 1 \(found when the losses of batches 0-1 were read; readEvery 50\)/,
    );
    // Bad arguments throw synchronously; the NaN above, found while training, rejects.
    expect(() =>
      fit(model, [], { epochs: -1, loss: new CrossEntropyLoss(), optimizer: new SGD(model.parameters()) }),
    ).toThrow(ValueError);
    expect(() =>
      fit(model, [], { loss: new CrossEntropyLoss(), optimizer: new SGD(model.parameters()), readEvery: 0 }),
    ).toThrow(/readEvery must be an integer >= 1/);
    // The losses' window and the metrics' accumulators are freed: only the gradients fit made remain.
    expect(memory().tensors).toBe(before + model.parameters().length);
  });

  it('top-k accuracy counts a target among the k best scores', async () => {
    const m = new TopKAccuracy(2);
    m.update(
      tensor([
        [0.1, 0.5, 0.4],
        [0.9, 0.05, 0.05],
        [0.2, 0.3, 0.5],
      ]),
      tensor([2, 1, 0], { dtype: 'int32' }),
    );
    // Sample 1: 0.4 is second best (hit); sample 2: only 0.9 is higher than 0.05 (hit); sample 3: 0.2 is last (miss).
    expect(await m.compute()).toBeCloseTo(2 / 3, 12);
    const acc = new Accuracy();
    acc.update(
      tensor([
        [0.1, 0.9],
        [0.8, 0.2],
      ]),
      tensor([
        [0, 1],
        [0, 1],
      ]),
    );
    expect(await acc.compute()).toBe(0.5);
    acc.reset();
    expect(await acc.compute()).toBe(0);
    expect(() => acc.update(tensor([[1, 2]]), tensor([0, 1], { dtype: 'int32' }))).toThrow(
      /one class per sample/,
    );
  });

  it('reads the batch losses once per window of readEvery steps, and reports every batch in order', async () => {
    manualSeed(5);
    const { x, y } = blobs(40);
    const make = () => new Sequential(new Linear(2, 2));
    const run = async (readEvery: number) => {
      manualSeed(6);
      const model = make();
      let steps = 0;
      const seen: [number, number, number][] = []; // [batch, loss, steps run when reported]
      const counting = new CrossEntropyLoss();
      const loss = {
        forward: (a: Tensor, b: Tensor) => {
          steps++;
          return counting.forward(a, b);
        },
      };
      await fit(model, new DataLoader(new TensorDataset(x, y), { batchSize: 4 }), {
        epochs: 2,
        loss,
        optimizer: new SGD(model.parameters(), { lr: 0.1 }),
        readEvery,
        callbacks: [{ onBatchEnd: (b, l) => void seen.push([b, l, steps]) }],
      });
      return seen;
    };
    const every = await run(1);
    const windowed = await run(4);
    // The same losses for the same batches (10 per epoch), whatever the window.
    expect(windowed.map(([b, l]) => [b, l])).toEqual(every.map(([b, l]) => [b, l]));
    expect(every.map(([b]) => b)).toEqual([...Array(10).keys(), ...Array(10).keys()]);
    // readEvery 1: reported right after its step; readEvery 4: batches 0-3 after step 4, ..., 8-9 at the epoch's end.
    expect(every.slice(0, 3).map(([, , s]) => s)).toEqual([1, 2, 3]);
    expect(windowed.slice(0, 10).map(([, , s]) => s)).toEqual([4, 4, 4, 4, 8, 8, 8, 8, 10, 10]);
  });

  it('yields to the event loop between steps (yieldEvery 0), so timers run while it trains', async () => {
    manualSeed(7);
    const { x, y } = blobs(32);
    const model = new Sequential(new Linear(2, 2));
    let steps = 0;
    let stepsWhenTimerRan = -1;
    setTimeout(() => {
      stepsWhenTimerRan = steps;
    }, 0);
    await fit(model, new DataLoader(new TensorDataset(x, y), { batchSize: 1 }), {
      epochs: 1,
      loss: new CrossEntropyLoss(),
      optimizer: new SGD(model.parameters()),
      yieldEvery: 0,
      callbacks: [{ onBatchEnd: () => void steps++ }],
      readEvery: 1,
    });
    expect(steps).toBe(32);
    expect(stepsWhenTimerRan).toBeGreaterThanOrEqual(0);
    expect(stepsWhenTimerRan).toBeLessThan(32);
  });
});
