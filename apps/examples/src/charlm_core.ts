/**
 * The character-level GPT of the charlm example, without Node: the configuration, the vocabulary,
 * the model and optimizer, one training step and the validation loss. `charlm.ts` runs it in Node
 * (checkpoints, curves, the corpus from the package's file); the web page's worker
 * (`web/charlm_worker.ts`) runs it in the browser on a slice of the same corpus bundled at build time.
 *
 *   const { vocabulary, ids } = encodeText(text);          // ids: Int32Array [text.length]
 *   const { train, val } = splitIds(ids);                    // 90 % / 10 %
 *   const lm = createCharLm(vocabulary.length, CHARLM_CONFIG);
 *   const batches = new Generator(1);
 *   for (let step = 0; step < CHARLM_CONFIG.steps; step++) {
 *     const loss = trainStep(lm, train, batches, step, CHARLM_CONFIG);   // 0-d, nats per character
 *     console.log((await loss.data())[0]);
 *   }
 *   const valLoss = await validationLoss(lm.model, val, CHARLM_CONFIG);  // bits/char: valLoss / ln 2
 */
import { GPT2LMHeadModel } from '@nnet/layers';
import { crossEntropy } from '@nnet/loss';
import { AdamW, clipGradNorm } from '@nnet/optim';
import { type Generator, noGrad, type Tensor, tensor, ValueError } from '@nnet/tensor';

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

/**
 * The example's settings: 2 blocks of width 64, 4 heads, context 64, batches of 16 windows, 1000
 * steps of AdamW (warmup 20 steps to 3e-3, cosine to 3e-4), validation on 128 windows every 100.
 */
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

/** The first 90 % of the ids train, the rest validate. */
export function splitIds(ids: Int32Array): { train: Int32Array; val: Int32Array } {
  const split = Math.floor(0.9 * ids.length);
  return { train: ids.subarray(0, split), val: ids.subarray(split) };
}

/** The model (no dropout, Hugging Face GPT-2's initialisation), AdamW and the parameters it steps. */
export interface CharLm {
  model: GPT2LMHeadModel;
  optimizer: AdamW;
  params: Tensor[];
}

/** A fresh model for a vocabulary of `vocabSize` characters, and its optimizer. */
export function createCharLm(vocabSize: number, c: CharLmConfig): CharLm {
  const model = new GPT2LMHeadModel({
    vocabSize,
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
  return { model, optimizer, params };
}

/**
 * One step at `step` (0-based): `batchSize` random windows of `blockSize + 1` characters from
 * `train`, the scheduled learning rate, backward, gradients clipped to norm 1, the update.
 * Returns the batch's loss (a 0-d tensor, nats per character), read by the caller as it can
 * (`await loss.data()` on every backend; `item()` where reads are synchronous).
 */
export function trainStep(
  lm: CharLm,
  train: Int32Array,
  batches: Generator,
  step: number,
  c: CharLmConfig,
): Tensor {
  const x = new Int32Array(c.batchSize * c.blockSize);
  const y = new Int32Array(c.batchSize * c.blockSize);
  for (let b = 0; b < c.batchSize; b++) {
    const start = batches.int(0, train.length - c.blockSize - 1);
    x.set(train.subarray(start, start + c.blockSize), b * c.blockSize);
    y.set(train.subarray(start + 1, start + c.blockSize + 1), b * c.blockSize);
  }
  const { model, optimizer, params } = lm;
  for (const g of optimizer.paramGroups) g.options.lr = lrAt(step, c);
  optimizer.zeroGrad();
  const logits = model.forward(tensor(x, { shape: [c.batchSize, c.blockSize], dtype: 'int32' }));
  const loss = crossEntropy(logits.reshape([-1, model.config.vocabSize]), tensor(y, { dtype: 'int32' }));
  loss.backward();
  clipGradNorm(params, 1);
  optimizer.step();
  return loss;
}

/**
 * The mean loss (nats per character) over `valWindows` consecutive windows from the start of `val`,
 * evaluated in batches of 64 without gradients; reads asynchronously, so it runs on every backend.
 */
export async function validationLoss(
  model: GPT2LMHeadModel,
  val: Int32Array,
  c: CharLmConfig,
): Promise<number> {
  const windows = Math.min(c.valWindows, Math.floor((val.length - 1) / c.blockSize));
  if (windows < 1) throw new ValueError('charlm: the validation split is shorter than one window.');
  let total = 0;
  model.eval();
  try {
    for (let w0 = 0; w0 < windows; w0 += 64) {
      const n = Math.min(64, windows - w0);
      const x = new Int32Array(n * c.blockSize);
      const y = new Int32Array(n * c.blockSize);
      for (let i = 0; i < n; i++) {
        const start = (w0 + i) * c.blockSize;
        x.set(val.subarray(start, start + c.blockSize), i * c.blockSize);
        y.set(val.subarray(start + 1, start + c.blockSize + 1), i * c.blockSize);
      }
      const loss = noGrad(() => {
        const logits = model.forward(tensor(x, { shape: [n, c.blockSize], dtype: 'int32' }));
        return crossEntropy(logits.reshape([-1, logits.shape[2]]), tensor(y, { dtype: 'int32' }));
      });
      total += (await loss.data())[0] * n;
      loss.dispose();
    }
  } finally {
    model.train();
  }
  return total / windows;
}
