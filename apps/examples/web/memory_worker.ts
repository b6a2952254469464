/**
 * The worker of memory.html: the training loop, verbatim in shape — random batches,
 * cross-entropy, backward, step, a read every step — with no memory management, awaiting each step.
 */
import '@nnet/backend-wasm';
import { Linear, ReLU, Sequential } from '@nnet/layers';
import { crossEntropy } from '@nnet/loss';
import { Adam } from '@nnet/optim';
import { getBackend, getBackendName, manualSeed, memory, randint, randn, setBackend } from '@nnet/tensor';

export interface MemoryReport {
  backend: string;
  samples: { step: number; tensors: number; bytes: number; backendBytes: number }[];
  firstLoss: number;
  lastLoss: number;
  error?: string;
}

async function run(): Promise<MemoryReport> {
  await setBackend('wasm');
  manualSeed(0);
  const n = 512;
  const X = randn([n, 64]);
  const Y = randint(0, 10, [n], { dtype: 'int32' });
  const model = new Sequential(new Linear(64, 64), new ReLU(), new Linear(64, 10));
  const opt = new Adam(model.parameters(), { lr: 1e-2 });
  const samples: MemoryReport['samples'] = [];
  let firstLoss = Number.NaN;
  let lastLoss = Number.NaN;
  for (let step = 1; step <= 1000; step++) {
    const idx = randint(0, n, [32], { dtype: 'int32' });
    opt.zeroGrad();
    const loss = crossEntropy(model.forward(X.indexSelect(0, idx)), Y.indexSelect(0, idx));
    loss.backward();
    opt.step();
    const value = (await loss.data())[0];
    if (step === 1) firstLoss = value;
    lastLoss = value;
    if (step === 200 || step === 1000) {
      samples.push({
        step,
        tensors: memory().tensors,
        bytes: memory().bytes,
        backendBytes: getBackend().memory().bytes,
      });
    }
  }
  return { backend: getBackendName() ?? '?', samples, firstLoss, lastLoss };
}

run().then(
  (r) => postMessage(r),
  (err: unknown) =>
    postMessage({
      backend: '?',
      samples: [],
      firstLoss: 0,
      lastLoss: 0,
      error: String(err),
    } satisfies MemoryReport),
);
