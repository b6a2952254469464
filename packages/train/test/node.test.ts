import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchNorm1d, Dropout, Linear, ReLU, Sequential, StateDictError } from '@nnet/layers';
import { CrossEntropyLoss } from '@nnet/loss';
import { Adam, StepLR } from '@nnet/optim';
import {
  decodeSafetensors,
  defaultGenerator,
  encodeSafetensors,
  linspace,
  manualSeed,
  noGrad,
  rand,
  randn,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from '@nnet/tensor';
import { readsSynchronously } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import { DataLoader, fit, TensorDataset } from '../src/index.js';
import {
  exportModelFromCheckpoint,
  loadCheckpoint,
  ModelCheckpoint,
  ProgressBar,
  saveCheckpoint,
} from '../src/node/index.js';

const dir = () => mkdtempSync(join(tmpdir(), 'nnet-ckpt-'));
/** int32 labels 0, 1, 0, 1, ... */
const alternatingLabels = (n: number) =>
  tensor(
    Array.from({ length: n }, (_, i) => i % 2),
    { dtype: 'int32' },
  );

// Checkpoints encode with encodeSafetensors, which reads synchronously: on a backend without
// readSync (NNET_BACKEND=cpu-async) these wait for the checkpoint code to encode asynchronously.
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
    expect(fresh.parameters().flatMap((p) => Array.from(p.dataSync()))).toEqual(
      model.parameters().flatMap((p) => Array.from(p.dataSync())),
    );
  });
});

describe.runIf(syncReads)('checkpoints: all or nothing, temporary files, export for PyTorch', () => {
  /** Linear → BatchNorm1d → ReLU → Linear, as gen_interop_dtypes.py's exported-checkpoint network. */
  const make = (hidden = 5, seed = 9) => {
    manualSeed(seed);
    const model = new Sequential(
      new Linear(3, hidden),
      new BatchNorm1d(hidden),
      new ReLU(),
      new Linear(hidden, 2),
    );
    return { model, opt: new Adam(model.parameters(), { lr: 0.05 }) };
  };
  const train = (m: ReturnType<typeof make>, steps: number) => {
    const x = randn([8, 3]);
    const y = alternatingLabels(8);
    for (let i = 0; i < steps; i++)
      tidy(() => {
        m.opt.zeroGrad();
        new CrossEntropyLoss().forward(m.model.forward(x), y).backward();
        m.opt.step();
      });
  };
  /** Every model value and every optimizer state value and option, bit for bit. */
  const bits = (m: ReturnType<typeof make>) => {
    const sd = m.opt.stateDict();
    const arrays = (ts: Tensor[]) => ts.map((t) => Array.from(new Uint8Array(t.dataSync().buffer)));
    const out = {
      model: arrays(Object.values(m.model.stateDict())),
      groups: sd.groups,
      state: Object.entries(sd.state).map(([i, st]) => [
        i,
        Object.entries(st)
          .sort(([x], [y]) => (x < y ? -1 : 1))
          .map(([k, v]) => [k, typeof v === 'number' ? v : arrays([v])]),
      ]),
    };
    for (const st of Object.values(sd.state))
      for (const v of Object.values(st)) if (typeof v !== 'number') v.dispose();
    return out;
  };

  it('a model or optimizer that does not fit changes neither (nor the scheduler or generators)', async () => {
    const a = make();
    train(a, 2);
    const path = join(dir(), 'a.safetensors');
    await saveCheckpoint(path, { model: a.model, optimizer: a.opt, epoch: 1 });

    const other = make(6, 2); // another hidden size
    train(other, 1);
    const before = bits(other);
    await expect(loadCheckpoint(path, { model: other.model, optimizer: other.opt })).rejects.toThrow(
      StateDictError,
    );
    expect(bits(other)).toEqual(before);

    // The model fits; the optimizer does not (fewer parameters, or other shapes): the model is untouched.
    const b = make(5, 3);
    train(b, 1);
    const bBefore = bits(b);
    const few = new Adam(b.model.parameters().slice(0, 2));
    await expect(loadCheckpoint(path, { model: b.model, optimizer: few })).rejects.toThrow(
      /group 0 has 6 parameters in the checkpoint, 2 here\. Nothing was loaded/,
    );
    await expect(loadCheckpoint(path, { model: b.model, optimizer: other.opt })).rejects.toThrow(
      /'expAvg' of parameter 0 has shape \[5, 3\], the parameter \[6, 3\]/,
    );
    const steps = new StepLR(b.opt, { stepSize: 1 });
    await expect(
      loadCheckpoint(path, { model: b.model, optimizer: b.opt, scheduler: steps }),
    ).rejects.toThrow(/no scheduler state/);
    await expect(
      loadCheckpoint(path, { model: b.model, optimizer: b.opt, generators: { default: defaultGenerator } }),
    ).rejects.toThrow(/no state for the generator 'default'/);
    expect(bits(b)).toEqual(bBefore);
    expect(bits(other)).toEqual(before);

    // An optimizer that refuses its state after applying part of it is restored.
    const refusing = {
      paramGroups: b.opt.paramGroups,
      stateDict: () => b.opt.stateDict(),
      loadStateDict: (d: ReturnType<typeof b.opt.stateDict>) => {
        b.opt.loadStateDict(d);
        if (d.state[0]?.step === 2) throw new ValueError('refused after applying');
      },
    };
    await expect(loadCheckpoint(path, { model: b.model, optimizer: refusing })).rejects.toThrow(
      /refused after applying/,
    );
    expect(bits(b)).toEqual(bBefore);

    // And when everything fits, everything loads.
    await loadCheckpoint(path, { model: b.model, optimizer: b.opt });
    expect(bits(b)).toEqual(bits(a));
  });

  it('saves remove stale temporaries of the same path (the process that wrote them is gone)', async () => {
    const d = dir();
    const path = join(d, 'ckpt.safetensors');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = join(d, `ckpt.safetensors.${gone}.0123456789ab.tmp`);
    writeFileSync(stale, 'half a checkpoint');
    await saveCheckpoint(path, { model: make().model });
    expect(readdirSync(d)).toEqual(['ckpt.safetensors']);
    writeFileSync(stale, 'half a checkpoint');
    const m = make();
    await fit(
      m.model,
      new DataLoader(new TensorDataset(randn([4, 3]), alternatingLabels(4)), { batchSize: 4 }),
      {
        epochs: 1,
        loss: new CrossEntropyLoss(),
        optimizer: m.opt,
        callbacks: [new ModelCheckpoint({ path, saveBestOnly: false })],
      },
    );
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(d)).toEqual(['ckpt.safetensors']);
  });

  /** The exported-checkpoint model: seed 21, BatchNorm statistics drawn (not computed, so every backend writes the same bytes). */
  const exportedModel = () => {
    const m = make(5, 21);
    const bn = m.model.children()[1] as BatchNorm1d;
    noGrad(() => {
      bn.weight!.assign(rand([5]).add(0.5));
      bn.bias!.assign(randn([5]).mul(0.1));
      bn.runningMean!.assign(randn([5]).mul(0.2));
      bn.runningVar!.assign(rand([5]).add(0.5));
      bn.numBatchesTracked!.assign(tensor(12, { dtype: 'int32' }));
    });
    return m;
  };
  const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

  if (process.env.NNET_WRITE_INTEROP === '1') {
    // Regenerate: NNET_WRITE_INTEROP=1 pnpm --filter @nnet/train exec vitest run test/node.test.ts,
    // then /usr/bin/python3 scripts/gen_interop_dtypes.py (strict-loads it in PyTorch, records outputs).
    it('writes the exported-checkpoint fixture', async () => {
      const m = exportedModel();
      const ckpt = join(dir(), 'ckpt.safetensors');
      await saveCheckpoint(ckpt, { model: m.model, optimizer: m.opt, epoch: 4 });
      await exportModelFromCheckpoint(ckpt, fileURLToPath(fixture('exported_checkpoint.safetensors')));
    });
  }

  it('exportModelFromCheckpoint writes the model part as the file PyTorch strict-loaded, with nnet’s outputs', async () => {
    const m = exportedModel();
    const d = dir();
    const ckpt = join(d, 'ckpt.safetensors');
    await saveCheckpoint(ckpt, { model: m.model, optimizer: m.opt, epoch: 4, extra: { note: 'x' } });
    const out = join(d, 'model.safetensors');
    await exportModelFromCheckpoint(ckpt, out);
    const bytes = readFileSync(out);
    expect(bytes.equals(readFileSync(fixture('exported_checkpoint.safetensors')))).toBe(true);
    expect(new Uint8Array(bytes)).toEqual(
      encodeSafetensors(m.model.stateDict(), { intDtype: 'I64', metadata: { format: 'pt' } }),
    );
    const torchOut = JSON.parse(readFileSync(fixture('exported_checkpoint.torch_out.json'), 'utf8')) as {
      shape: number[];
      data: number[];
    };
    const y = m.model.eval().forward(linspace(-1, 1, 12).reshape([4, 3]));
    expect(y.shape).toEqual(torchOut.shape);
    const got = y.dataSync();
    torchOut.data.forEach((v, i) =>
      expect(Math.abs(got[i] - v)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(v)),
    );
    // F16 on request; a file that is not a checkpoint is refused.
    await exportModelFromCheckpoint(ckpt, out, { dtype: 'F16' });
    expect(decodeSafetensors(new Uint8Array(readFileSync(out))).metadata).toEqual({ format: 'pt' });
    await expect(exportModelFromCheckpoint(out, join(d, 'again.safetensors'))).rejects.toThrow(
      /not an nnet checkpoint/,
    );
    expect(existsSync(join(d, 'again.safetensors'))).toBe(false);
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
    expect(() => fit(s.model, s.loader, { ...options(s), epochs: 2, initialEpoch: 3 })).toThrow(
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

  it('prints accuracies as percentages with two decimals and every other value with four', () => {
    const { lines, stream } = lineStream();
    const bar = new ProgressBar({ stream, epochs: 1 });
    const context = { model: new Sequential(new Linear(2, 2)), epochs: 1, stop: false };
    bar.onEpochBegin(0, context);
    bar.onEpochEnd({ epoch: 0, loss: 0.5, accuracy: 1, val_loss: 2, val_accuracy: 0.99934 }, context);
    expect(lines[0]).toMatch(
      /^epoch 1\/1 {2}loss 0\.5000 {2}accuracy 100\.00 % {2}val_loss 2\.0000 {2}val_accuracy 99\.93 % {2}\(\d+\.\d s\)\n$/,
    );
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
