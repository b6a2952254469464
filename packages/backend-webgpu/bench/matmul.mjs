// Prints the WebGPU backend's matmul GFLOP/s at 128, 256 and 512 and a conv2d figure (median of
// several runs, each ending in a read so the GPU work is inside the timing), the adapter it ran
// on, and the submissions of one small training step. Run after building:
//   pnpm --filter @nnet/backend-webgpu bench
import { performance } from 'node:perf_hooks';
import { Linear, ReLU, Sequential } from '@nnet/layers';
import { mse } from '@nnet/loss';
import { Adam } from '@nnet/optim';
import { conv2d, manualSeed, matmul, randn, registerBackend, setBackend, tidy } from '@nnet/tensor';
import { createWebGpuBackend } from '../dist/index.js';

const backend = await createWebGpuBackend({ allowSoftware: true });
registerBackend('webgpu-bench', () => backend, -1);
await setBackend('webgpu-bench');
console.log(`adapter: ${backend.adapter.description}${backend.adapter.software ? ' (software)' : ''}`);

async function median(fn, reps) {
  await fn();
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

async function timed(make) {
  const y = make();
  await y.data();
  y.dispose();
}

manualSeed(0);
for (const n of [128, 256, 512]) {
  const a = randn([n, n]);
  const b = randn([n, n]);
  const ms = await median(() => timed(() => matmul(a, b)), 5);
  console.log(
    `matmul ${n}x${n}x${n}: ${((2 * n ** 3) / (ms * 1e6)).toFixed(2)} GFLOP/s (${ms.toFixed(1)} ms)`,
  );
  a.dispose();
  b.dispose();
}
const x = randn([8, 16, 28, 28]);
const w = randn([32, 16, 3, 3]);
const ms = await median(() => timed(() => conv2d(x, w, null, { padding: 1 })), 5);
const flops = 2 * 8 * 32 * 28 * 28 * 16 * 9;
console.log(
  `conv2d [8,16,28,28] * [32,16,3,3] pad 1: ${(flops / (ms * 1e6)).toFixed(2)} GFLOP/s (${ms.toFixed(1)} ms)`,
);

const data = randn([64, 20]);
const target = randn([64, 4]);
const net = new Sequential(new Linear(20, 64), new ReLU(), new Linear(64, 4));
const opt = new Adam(net.parameters(), { lr: 0.01 });
for (let step = 0; step < 3; step++) {
  const before = backend.stats();
  const loss = tidy(() => {
    opt.zeroGrad();
    const l = mse(net.forward(data), target);
    l.backward();
    opt.step();
    return l;
  });
  await loss.data();
  loss.dispose();
  const after = backend.stats();
  if (step === 2) {
    console.log(
      `MLP training step: ${after.dispatches - before.dispatches} kernels in ` +
        `${after.submissions - before.submissions} submissions (including the loss read)`,
    );
  }
}
backend.dispose();
