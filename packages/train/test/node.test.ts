import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dropout, Linear, ReLU, Sequential } from '@nnet/layers';
import { CrossEntropyLoss } from '@nnet/loss';
import { Adam, StepLR } from '@nnet/optim';
import {
  decodeSafetensors,
  defaultGenerator,
  manualSeed,
  randn,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from '@nnet/tensor';
import { readsSynchronously, values } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import { DataLoader, fit, TensorDataset } from '../src/index.js';
import { loadCheckpoint, ModelCheckpoint, ProgressBar, saveCheckpoint } from '../src/node/index.js';

const dir = () => mkdtempSync(join(tmpdir(), 'nnet-ckpt-'));
/** int32 labels 0, 1, 0, 1, ... */
const alternatingLabels = (n: number) =>
  tensor(
    Array.from({ length: n }, (_, i) => i % 2),
    { dtype: 'int32' },
  );

/** Every parameter's values, concatenated (read asynchronously). */
const paramValues = async (m: { parameters(): Tensor[] }) =>
  (await Promise.all(m.parameters().map(values))).flat();

// Checkpoints encode with encodeSafetensors, which reads synchronously: on a backend without
// readSync (NNET_BACKEND=cpu-async) they need @nnet/tensor's asynchronous encoder first.
const syncReads = readsSynchronously();

describe.runIf(syncReads)('checkpoints', () => {
  it('resume continues the same trajectory bit for bit (model and Adam state)', async () => {
    const x = randn([16, 3]);
    const y = alternatingLabels(16);
    const make = () => {
      manualSeed(9);
      const model = new Sequential(new Linear(3, 5), new ReLU(), new Linear(5, 2));
      return { model, opt: new Adam(model.parameters(), { lr: 0.05, amsgrad: true }) };
    };
    const step = (m: ReturnType<typeof make>) =>
      tidy(() => {
        m.opt.zeroGrad();
        new CrossEntropyLoss().forward(m.model.forward(x), y).backward();
        m.opt.step();
      });
    const a = make();
    for (let i = 0; i < 3; i++) step(a);
    const path = join(dir(), 'ckpt.safetensors');
    await saveCheckpoint(path, { model: a.model, optimizer: a.opt, epoch: 3, extra: { note: 'x' } });
    const b = make();
    const info = await loadCheckpoint(path, { model: b.model, optimizer: b.opt });
    expect(info).toEqual({ epoch: 3, history: [], extra: { note: 'x' } });
    for (let i = 0; i < 4; i++) {
      step(a);
      step(b);
    }
    expect(await paramValues(b.model)).toEqual(await paramValues(a.model));
  });

  it('leaves no temporary file, and a truncated or foreign file gives a clear error', async () => {
    const d = dir();
    const path = join(d, 'm.safetensors');
    const model = new Sequential(new Linear(2, 2));
    await saveCheckpoint(path, { model });
    expect(readdirSync(d)).toEqual(['m.safetensors']);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 3));
    await expect(loadCheckpoint(path, { model })).rejects.toThrow(/truncated, corrupt/);
    await expect(loadCheckpoint(path, { model, optimizer: new Adam(model.parameters()) })).rejects.toThrow(
      ValueError,
    );
  });

  it('ModelCheckpoint has written the file before the next epoch starts (a killed run can resume)', async () => {
    manualSeed(1);
    const x = randn([16, 2]);
    const y = alternatingLabels(16);
    const model = new Sequential(new Linear(2, 2));
    const path = join(dir(), 'last.safetensors');
    const seen: (number | null)[] = [];
    const peek = new Sequential(new Linear(2, 2));
    await fit(model, new DataLoader(new TensorDataset(x, y), { batchSize: 8 }), {
      epochs: 3,
      loss: new CrossEntropyLoss(),
      optimizer: new Adam(model.parameters(), { lr: 0.01 }),
      callbacks: [
        new ModelCheckpoint({ path, saveBestOnly: false }),
        {
          onEpochBegin: (epoch) => {
            // Read synchronously through the same decoder: fit has not yielded since the save.
            if (epoch > 0)
              seen.push(
                JSON.parse(decodeSafetensors(new Uint8Array(readFileSync(path))).metadata.nnet).epoch,
              );
          },
        },
      ],
    });
    expect(seen).toEqual([0, 1]);
    expect((await loadCheckpoint(path, { model: peek })).epoch).toBe(2);
  });

  it('ModelCheckpoint saves the best epoch during fit', async () => {
    manualSeed(1);
    const x = randn([32, 2]);
    const y = alternatingLabels(32);
    const model = new Sequential(new Linear(2, 2));
    const path = join(dir(), 'best.safetensors');
    const ckpt = new ModelCheckpoint({ path, monitor: 'loss' });
    await fit(model, new DataLoader(new TensorDataset(x, y), { batchSize: 8 }), {
      epochs: 3,
      loss: new CrossEntropyLoss(),
      optimizer: new Adam(model.parameters(), { lr: 0.01 }),
      callbacks: [ckpt],
    });
    const fresh = new Sequential(new Linear(2, 2));
    expect((await loadCheckpoint(path, { model: fresh })).epoch).toBe(2);
    expect(await paramValues(fresh)).toEqual(await paramValues(model));
  });
});

describe.runIf(syncReads)('resuming fit from a ModelCheckpoint', () => {
  // Dropout (default generator), a shuffled loader (its own generator) and a scheduler: a resume
  // restores all of them, so the resumed epochs reproduce the uninterrupted run exactly.
  const setup = () => {
    manualSeed(4);
    const x = randn([40, 3]);
    const y = tensor(
      Array.from({ length: 40 }, (_, i) => (i * 7) % 3),
      { dtype: 'int32' },
    );
    const model = new Sequential(new Linear(3, 16), new ReLU(), new Dropout(0.3), new Linear(16, 3));
    const optimizer = new Adam(model.parameters(), { lr: 0.02 });
    const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: 0.8 });
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 8, shuffle: true, seed: 5 });
    const generators = { loader: loader.generator, default: defaultGenerator };
    return { model, optimizer, scheduler, loader, generators };
  };
  const options = (s: ReturnType<typeof setup>) => ({
    loss: new CrossEntropyLoss(),
    optimizer: s.optimizer,
    scheduler: s.scheduler,
  });

  it('continues the same curve bit for bit, and the checkpoint carries the history', async () => {
    const straight = setup();
    const whole = await fit(straight.model, straight.loader, { ...options(straight), epochs: 5 });

    const first = setup();
    const path = join(dir(), 'resume.safetensors');
    const ckpt = new ModelCheckpoint({
      path,
      optimizer: first.optimizer,
      scheduler: first.scheduler,
      generators: first.generators,
      saveBestOnly: false,
    });
    const head = await fit(first.model, first.loader, { ...options(first), epochs: 2, callbacks: [ckpt] });
    expect(head).toEqual(whole.slice(0, 2));

    manualSeed(123); // a resumed process starts from other random state
    const second = setup();
    defaultGenerator.manualSeed(99);
    const info = await loadCheckpoint(path, second);
    expect(info.epoch).toBe(1);
    expect(info.history).toEqual(head);
    const tail = await fit(second.model, second.loader, {
      ...options(second),
      epochs: 5,
      initialEpoch: info.epoch! + 1,
    });
    expect(tail.map((l) => l.epoch)).toEqual([2, 3, 4]);
    expect(tail).toEqual(whole.slice(2));
    expect(second.optimizer.paramGroups[0].options.lr).toBeCloseTo(0.02 * 0.8 ** 5, 12);
  });

  it('names what a checkpoint lacks, and rejects an initialEpoch past epochs', async () => {
    const s = setup();
    const path = join(dir(), 'bare.safetensors');
    await saveCheckpoint(path, { model: s.model });
    await expect(loadCheckpoint(path, { model: s.model, scheduler: s.scheduler })).rejects.toThrow(
      /no scheduler state/,
    );
    await expect(loadCheckpoint(path, { model: s.model, generators: s.generators })).rejects.toThrow(
      /no state for the generator 'loader'/,
    );
    await expect(fit(s.model, s.loader, { ...options(s), epochs: 2, initialEpoch: 3 })).rejects.toThrow(
      /initialEpoch must be an integer in \[0, epochs = 2\], got 3/,
    );
  });
});

describe('ProgressBar', () => {
  /** A non-terminal stream that collects what is written. */
  const lineStream = () => {
    const lines: string[] = [];
    const stream = {
      write: (s: string) => lines.push(s) !== 0,
      isTTY: false,
    } as unknown as NodeJS.WritableStream;
    return { lines, stream };
  };

  it('prints one plain line per epoch when not on a terminal', async () => {
    const { lines, stream } = lineStream();
    const model = new Sequential(new Linear(2, 2));
    const x = randn([8, 2]);
    const y = tensor([0, 1, 0, 1, 0, 1, 0, 1], { dtype: 'int32' });
    await fit(model, new DataLoader(new TensorDataset(x, y), { batchSize: 4 }), {
      epochs: 2,
      loss: new CrossEntropyLoss(),
      optimizer: new Adam(model.parameters()),
      callbacks: [new ProgressBar({ stream })],
    });
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatch(/^epoch 1\/2 {2}loss \d+\.\d{4} {2}\(\d+\.\d s\)\n$/);
  });

  it('shows the total it is given when fit runs one epoch per call', async () => {
    const { lines, stream } = lineStream();
    const model = new Sequential(new Linear(2, 2));
    const loader = new DataLoader(
      new TensorDataset(randn([4, 2]), tensor([0, 1, 0, 1], { dtype: 'int32' })),
      {
        batchSize: 2,
      },
    );
    const bar = new ProgressBar({ stream, epochs: 3 });
    const optimizer = new Adam(model.parameters());
    for (let epoch = 0; epoch < 3; epoch++)
      await fit(model, loader, {
        epochs: epoch + 1,
        initialEpoch: epoch,
        loss: new CrossEntropyLoss(),
        optimizer,
        callbacks: [bar],
      });
    expect(lines.map((l) => l.split('  ')[0])).toEqual(['epoch 1/3', 'epoch 2/3', 'epoch 3/3']);
  });
});
