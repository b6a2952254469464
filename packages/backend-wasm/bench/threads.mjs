// One thread against two on the 'wasm' backend, in one process: the training steps of apps/bench
// (run-one's mlp-train and cnn-train, the same models: MLP 784-128-ReLU-10 at batch 64 and 256,
// and the MNIST-shaped CNN conv 3x3x8, ReLU, pool 2, conv 3x3x16, ReLU, pool 2, dense 10 at batch
// 64, each one SGD step with softmax cross-entropy on fixed random data). Each round measures
// every workload at 1 and at 2 threads, the order of the two alternating between rounds; each
// figure is samples/s from the median step time of at least --ms milliseconds of steps after a
// warm-up. Printed per workload: the median over rounds with min–max for each thread count, the
// ratio of the medians and the median (min–max) of the per-round ratios; then the cost model's
// dispatch costs (asleep / polling workers) as measured during the rounds.
// Build first: pnpm turbo run build --filter=@nnet/backend-wasm... --filter=@nnet/layers...
//   --filter=@nnet/loss... --filter=@nnet/optim...
//   node bench/threads.mjs [--rounds 7] [--ms 1000] [--only mlp|cnn]
import { performance } from 'node:perf_hooks';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const rounds = Number(arg('--rounds', '7'));
const minMs = Number(arg('--ms', '1000'));
const only = arg('--only', '');

// @nnet/layers, loss and optim are not this package's dependencies: their built dist, by path.
const nn = await import('@nnet/tensor');
const wasmPkg = await import('../dist/index.js');
const { Linear, ReLU, Sequential, Parameter } = await import('../../layers/dist/index.js');
const { crossEntropy } = await import('../../loss/dist/index.js');
const { SGD } = await import('../../optim/dist/index.js');

await nn.setBackend('wasm');
const backend = nn.getBackend();

/** One SGD step of `model` on (x, y), as apps/bench's trainStep. */
function trainStep(model, x, y) {
  const opt = new SGD(model.parameters(), { lr: 0.01 });
  return () =>
    nn.tidy(() => {
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      loss.dataSync();
    });
}

function mlpTrain(batch) {
  nn.manualSeed(0);
  const model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
  const x = nn.randn([batch, 784]);
  const y = nn.randint(0, 10, [batch]);
  return trainStep(model, x, y);
}

function cnnTrain(batch) {
  nn.manualSeed(0);
  const param = (shape, fanIn) => new Parameter(nn.randn(shape).mul(Math.sqrt(2 / fanIn)));
  const w1 = param([8, 1, 3, 3], 9);
  const b1 = param([8], 9);
  const w2 = param([16, 8, 3, 3], 72);
  const b2 = param([16], 72);
  const dense = new Linear(16 * 5 * 5, 10);
  const model = {
    forward: (x) => {
      const h1 = nn.maxPool2d(nn.conv2d(x, w1, b1).relu(), 2);
      const h2 = nn.maxPool2d(nn.conv2d(h1, w2, b2).relu(), 2);
      return dense.forward(h2.flatten(1));
    },
    parameters: () => [w1, b1, w2, b2, ...dense.parameters()],
  };
  const x = nn.randn([batch, 1, 28, 28]);
  const y = nn.randint(0, 10, [batch]);
  return trainStep(model, x, y);
}

const workloads = [
  { name: 'MLP 784-128-10 train b64', batch: 64, step: mlpTrain(64) },
  { name: 'MLP 784-128-10 train b256', batch: 256, step: mlpTrain(256) },
  { name: 'CNN (MNIST) train b64', batch: 64, step: cnnTrain(64) },
].filter((w) => w.name.toLowerCase().includes(only));

/** Samples/s from the median of at least minMs of steps, after 3 warm-up steps. */
function measure({ batch, step }) {
  for (let i = 0; i < 3; i++) step();
  const t = [];
  const start = performance.now();
  while (t.length < 5 || performance.now() - start < minMs) {
    const t0 = performance.now();
    step();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return batch / (t[Math.floor(t.length / 2)] / 1000);
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const spread = (v, digits = 0) =>
  `${median(v).toFixed(digits)} (${Math.min(...v).toFixed(digits)}–${Math.max(...v).toFixed(digits)})`;

const results = workloads.map(() => ({ 1: [], 2: [] }));
const dispatch = [];
const hotDispatch = [];
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? [1, 2] : [2, 1];
  for (const [i, w] of workloads.entries()) {
    for (const threads of order) {
      await wasmPkg.setThreads(threads);
      results[i][threads].push(measure(w));
      if (threads === 2) {
        const m = backend.costModel();
        dispatch.push(m.dispatch / 1000);
        hotDispatch.push(m.hotDispatch / 1000);
      }
    }
  }
  process.stderr.write(`round ${r + 1}/${rounds} done\n`);
}

console.log(
  `wasm backend, 1 vs 2 threads, ${rounds} rounds of >= ${minMs} ms each (Node ${process.versions.node}, relaxed SIMD ${backend.relaxed})`,
);
console.log(
  'workload | 1 thread samples/s median (min–max) | 2 threads | ratio of medians | per-round ratio median (min–max)',
);
for (const [i, w] of workloads.entries()) {
  const one = results[i][1];
  const two = results[i][2];
  const ratios = two.map((v, k) => v / one[k]);
  console.log(
    `${w.name} | ${spread(one)} | ${spread(two)} | ${(median(two) / median(one)).toFixed(2)} | ${spread(ratios, 2)}`,
  );
}
console.log(
  `cost model dispatch, µs (after each 2-thread run): asleep ${spread(dispatch, 1)}, polling ${spread(hotDispatch, 1)}`,
);
const m = backend.costModel();
console.log(
  `cost model at the end: gemmFlop ${m.gemmFlop.toFixed(4)} ns, elem ${m.elem.toFixed(3)} ns, transcendental ${m.transcendental.toFixed(2)} ns`,
);
await wasmPkg.setThreads(1);
