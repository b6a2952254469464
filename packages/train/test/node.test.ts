import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linear, ReLU, Sequential } from '@nnet/layers';
import { CrossEntropyLoss } from '@nnet/loss';
import { Adam } from '@nnet/optim';
import { manualSeed, randn, tensor, tidy, ValueError } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { DataLoader, fit, TensorDataset } from '../src/index.js';
import { loadCheckpoint, ModelCheckpoint, ProgressBar, saveCheckpoint } from '../src/node/index.js';

const dir = () => mkdtempSync(join(tmpdir(), 'nnet-ckpt-'));

describe('checkpoints', () => {
  it('resume continues the same trajectory bit for bit (model and Adam state)', async () => {
    const x = randn([16, 3]);
    const y = tensor(
      Array.from({ length: 16 }, (_, i) => i % 2),
      { dtype: 'int32' },
    );
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
    expect(info).toEqual({ epoch: 3, extra: { note: 'x' } });
    for (let i = 0; i < 4; i++) {
      step(a);
      step(b);
    }
    const flat = (m: ReturnType<typeof make>) =>
      m.model.parameters().flatMap((p) => Array.from(p.dataSync()));
    expect(flat(b)).toEqual(flat(a));
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

  it('ModelCheckpoint saves the best epoch during fit', async () => {
    manualSeed(1);
    const x = randn([32, 2]);
    const y = tensor(
      Array.from({ length: 32 }, (_, i) => i % 2),
      { dtype: 'int32' },
    );
    const model = new Sequential(new Linear(2, 2));
    const path = join(dir(), 'best.safetensors');
    const ckpt = new ModelCheckpoint({ path, monitor: 'loss' });
    fit(model, new DataLoader(new TensorDataset(x, y), { batchSize: 8 }), {
      epochs: 3,
      loss: new CrossEntropyLoss(),
      optimizer: new Adam(model.parameters(), { lr: 0.01 }),
      callbacks: [ckpt],
    });
    await ckpt.flush();
    const fresh = new Sequential(new Linear(2, 2));
    expect((await loadCheckpoint(path, { model: fresh })).epoch).toBe(2);
    expect(fresh.parameters().flatMap((p) => Array.from(p.dataSync()))).toEqual(
      model.parameters().flatMap((p) => Array.from(p.dataSync())),
    );
  });
});

describe('ProgressBar', () => {
  it('prints one plain line per epoch when not on a terminal', () => {
    const lines: string[] = [];
    const stream = {
      write: (s: string) => lines.push(s) !== 0,
      isTTY: false,
    } as unknown as NodeJS.WritableStream;
    const model = new Sequential(new Linear(2, 2));
    const x = randn([8, 2]);
    const y = tensor([0, 1, 0, 1, 0, 1, 0, 1], { dtype: 'int32' });
    fit(model, new DataLoader(new TensorDataset(x, y), { batchSize: 4 }), {
      epochs: 2,
      loss: new CrossEntropyLoss(),
      optimizer: new Adam(model.parameters()),
      callbacks: [new ProgressBar({ stream })],
    });
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatch(/^epoch 1\/2 {2}loss \d+\.\d{4} {2}\(\d+\.\d s\)\n$/);
  });
});
