/**
 * The training worker: trains the digits MLP off the page's main thread (so the page stays
 * responsive and, in a cross-origin-isolated page, the WebAssembly backend can block on its own
 * worker threads), and answers predictions for drawn digits.
 */
import type { Sequential } from '@nnet/layers';
import { CrossEntropyLoss } from '@nnet/loss';
import { manualSeed, noGrad, softmax, tensor } from '@nnet/tensor';
import { Accuracy, fit } from '@nnet/train';
import { parseDigitsCsv } from '../src/digits_csv.js';
import { type DigitsSplit, digitsModel, digitsOptimizer, splitDigits } from '../src/digits_model.js';
import { startBackend, yieldToEvents } from './backend.js';
import type { BackendChoice, FromTrainer, ToTrainer } from './protocol.js';

const post = (m: FromTrainer) =>
  (globalThis as unknown as { postMessage(m: FromTrainer): void }).postMessage(m);

let data: DigitsSplit | null = null;
let model: Sequential | null = null;
let stopRequested = false;

async function loadDigitsText(): Promise<string> {
  const res = await fetch(new URL('../data/digits.csv.gz', import.meta.url));
  if (!res.ok) throw new Error(`could not load the digits data: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  // A server may already have decoded the gzip (Content-Encoding); look at the magic bytes.
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return new TextDecoder().decode(bytes);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}

async function init(choice: BackendChoice): Promise<void> {
  const info = await startBackend(choice);
  data = splitDigits(parseDigitsCsv(await loadDigitsText()), 0);
  post({ type: 'ready', ...info, trainSize: data.trainSize, testSize: data.testSize });
}

async function train(epochs: number, seed: number): Promise<void> {
  if (!data) throw new Error('train: the data is not loaded yet');
  stopRequested = false;
  manualSeed(seed);
  model?.dispose();
  const net = digitsModel();
  model = net;
  const optimizer = digitsOptimizer(net);
  const loss = new CrossEntropyLoss();
  const started = performance.now();
  let accuracy = 0;
  for (let epoch = 0; epoch < epochs && !stopRequested; epoch++) {
    const [logs] = await fit(net, data.train, {
      epochs: epoch + 1,
      initialEpoch: epoch,
      loss,
      optimizer,
      readEvery: 5, // progress messages every 5 batches (fit reads the losses once per window)
      metrics: [new Accuracy()],
      validation: data.test,
      callbacks: [
        {
          onBatchEnd: (batch, _loss, context) =>
            post({ type: 'progress', epoch, epochs, batch: batch + 1, batches: context.batches ?? 0 }),
        },
      ],
    });
    accuracy = logs.val_accuracy;
    post({ type: 'epoch', logs });
    await yieldToEvents();
  }
  post({ type: 'done', accuracy, seconds: (performance.now() - started) / 1000, stopped: stopRequested });
}

async function predict(pixels: Float32Array): Promise<void> {
  if (!model) throw new Error('predict: train the network first');
  const net = model;
  const p = noGrad(() => {
    net.eval();
    const x = tensor(pixels, { shape: [1, 64] });
    const out = softmax(net.forward(x), 1);
    x.dispose();
    net.train();
    return out;
  });
  // An asynchronous read: a GPU backend has no synchronous one.
  const probabilities = Array.from(await p.data());
  p.dispose();
  post({ type: 'prediction', probabilities });
}

globalThis.addEventListener('message', (event) => {
  const m = (event as MessageEvent<ToTrainer>).data;
  const run = async () => {
    if (m.type === 'init') await init(m.backend);
    else if (m.type === 'train') await train(m.epochs, m.seed);
    else if (m.type === 'stop') stopRequested = true;
    else if (m.type === 'predict') await predict(m.pixels);
  };
  run().catch((err: unknown) =>
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});
