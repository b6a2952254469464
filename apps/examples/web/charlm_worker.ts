/**
 * The char model's worker: trains the charlm example's GPT (src/charlm_core.ts) on a slice of
 * *Moby Dick* bundled into this worker at build time (`virtual:charlm-corpus`, see vite.config.ts;
 * the text is never fetched), off the page's main thread. Every `every` steps it posts the training and
 * validation loss and then streams a sample of the current model to the page a few characters at a
 * time. A stop pauses the run between two steps (or two pieces of a sample); a resume continues it.
 */
import { total as bookChars, text as corpus } from 'virtual:charlm-corpus';
import type { GPT2LMHeadModel } from '@nnet/layers';
import { Generator, manualSeed, tensor } from '@nnet/tensor';
import {
  CHARLM_CONFIG,
  type CharLm,
  type CharLmConfig,
  createCharLm,
  encodeText,
  splitIds,
  trainStep,
  validationLoss,
} from '../src/charlm_core.js';
import { startBackend, yieldToEvents } from './backend.js';
import type { CharLmSize, FromCharLm, ToCharLm } from './protocol.js';

const post = (m: FromCharLm) =>
  (globalThis as unknown as { postMessage(m: FromCharLm): void }).postMessage(m);

/** The page's two sizes: the charlm example's model, and a small one that learns in seconds. */
const SIZES: Record<CharLmSize, Partial<CharLmConfig>> = {
  default: { sampleLength: 200 },
  small: { blockSize: 32, nEmbd: 32, nLayer: 1, nHead: 2, batchSize: 8, valWindows: 32, sampleLength: 120 },
};
/** Characters generated per piece of a streamed sample. */
const PIECE = 12;

const { vocabulary, ids } = encodeText(corpus);
const { train, val } = splitIds(ids);

/** A run in progress: the model, where it is, and the sample being streamed (if any). */
interface Run {
  c: CharLmConfig;
  lm: CharLm;
  batches: Generator;
  sampler: Generator;
  step: number;
  every: number;
  intervalLoss: number;
  intervalSteps: number;
  /** Training seconds (pauses excluded). */
  seconds: number;
  /** The sample of the model at `sampleStep` so far, while one is being streamed. */
  sample: number[] | null;
  sampleStep: number;
}

let run: Run | null = null;
let running = false;
let stopRequested = false;

function start(size: CharLmSize, steps: number, every: number, seed: number): Run {
  if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(every) || every < 1)
    throw new Error(`charlm: steps and every must be positive integers, got ${steps} and ${every}.`);
  run?.lm.model.dispose();
  const c: CharLmConfig = { ...CHARLM_CONFIG, ...SIZES[size], steps, evalInterval: every };
  c.warmup = Math.min(c.warmup, Math.max(1, Math.floor(steps / 10)));
  manualSeed(seed);
  const lm = createCharLm(vocabulary.length, c);
  post({
    type: 'started',
    steps,
    every,
    parameters: lm.model.numParameters(),
    description: `${c.nLayer} block${c.nLayer > 1 ? 's' : ''} of width ${c.nEmbd}, ${c.nHead} heads, context ${c.blockSize}, batches of ${c.batchSize}`,
  });
  return {
    c,
    lm,
    batches: new Generator(seed + 1),
    sampler: new Generator(seed + 2),
    step: 0,
    every,
    intervalLoss: 0,
    intervalSteps: 0,
    seconds: 0,
    sample: null,
    sampleStep: 0,
  };
}

/** The next piece of the sample: PIECE more characters from the last blockSize - 1 of it. */
async function samplePiece(model: GPT2LMHeadModel, r: Run, sample: number[]): Promise<string> {
  const context = sample.slice(-(r.c.blockSize - 1));
  const prompt = tensor(Int32Array.from(context), { shape: [1, context.length], dtype: 'int32' });
  const n = Math.min(PIECE, r.c.sampleLength - (sample.length - 1));
  const out = await model.generate(prompt, {
    maxNewTokens: n,
    doSample: true,
    temperature: 0.8,
    topK: 20,
    generator: r.sampler,
  });
  const added = Array.from((await out.data()).subarray(context.length));
  prompt.dispose();
  out.dispose();
  sample.push(...added);
  return added.map((i) => vocabulary[i]).join('');
}

/** Trains (and streams samples) until the last step, or until a stop is asked for. */
async function loop(r: Run): Promise<void> {
  running = true;
  stopRequested = false;
  let lastYield = performance.now();
  let since = performance.now();
  const { c, lm } = r;
  try {
    while (!stopRequested && (r.step < c.steps || r.sample)) {
      if (r.sample) {
        // Streaming: the first character is the prompt (the validation text's first).
        const piece = await samplePiece(lm.model, r, r.sample);
        const end = r.sample.length - 1 >= c.sampleLength;
        post({ type: 'sample', step: r.sampleStep, text: piece, end });
        if (end) r.sample = null;
      } else {
        const loss = trainStep(lm, train, r.batches, r.step, c);
        r.intervalLoss += (await loss.data())[0];
        r.intervalSteps++;
        r.step++;
        if (r.step % r.every === 0 || r.step === c.steps) {
          const valLoss = await validationLoss(lm.model, val, c);
          const now = performance.now();
          r.seconds += (now - since) / 1000;
          since = now;
          post({
            type: 'report',
            step: r.step,
            trainLoss: r.intervalLoss / r.intervalSteps,
            valLoss,
            seconds: r.seconds,
          });
          r.intervalLoss = 0;
          r.intervalSteps = 0;
          r.sample = [val[0]];
          r.sampleStep = r.step;
          post({ type: 'sample', step: r.step, text: vocabulary[val[0]], end: false });
        }
      }
      // Let a stop in, and tell the page where training is, every ~100 ms.
      if (performance.now() - lastYield > 100) {
        post({ type: 'step', step: r.step, steps: c.steps });
        await yieldToEvents();
        lastYield = performance.now();
      }
    }
  } finally {
    r.seconds += (performance.now() - since) / 1000;
    running = false;
  }
  if (r.step >= c.steps && !r.sample) post({ type: 'done', step: r.step, seconds: r.seconds });
  else post({ type: 'paused', step: r.step });
}

async function handle(m: ToCharLm): Promise<void> {
  if (m.type === 'init') {
    const info = await startBackend(m.backend);
    post({
      type: 'ready',
      ...info,
      corpusChars: corpus.length,
      bookChars,
      vocabularySize: vocabulary.length,
    });
  } else if (m.type === 'start') {
    if (running) throw new Error('charlm: a run is going on; stop it before starting another.');
    run = start(m.size, m.steps, m.every, m.seed);
    await loop(run);
  } else if (m.type === 'stop') stopRequested = true;
  else if (m.type === 'resume') {
    if (!run) throw new Error('charlm: nothing to resume; start a run first.');
    if (!running) await loop(run);
  }
}

globalThis.addEventListener('message', (event) => {
  handle((event as MessageEvent<ToCharLm>).data).catch((err: unknown) =>
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});
