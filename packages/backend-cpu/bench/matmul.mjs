// Prints the CPU backend's matmul GFLOP/s at 256, 512 and 1024 (median of several runs), and a
// conv2d figure. Run after building: pnpm --filter @nnet/backend-cpu bench
import { performance } from 'node:perf_hooks';
import { conv2d, manualSeed, matmul, randn } from '@nnet/tensor';
import '../dist/index.js';

function median(fn, reps) {
  fn();
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

manualSeed(0);
for (const n of [256, 512, 1024]) {
  const a = randn([n, n]);
  const b = randn([n, n]);
  const ms = median(() => matmul(a, b).dispose(), n === 1024 ? 5 : 15);
  console.log(
    `matmul ${n}x${n}x${n}: ${((2 * n ** 3) / (ms * 1e6)).toFixed(2)} GFLOP/s (${ms.toFixed(1)} ms)`,
  );
  a.dispose();
  b.dispose();
}
const x = randn([32, 16, 28, 28]);
const w = randn([32, 16, 3, 3]);
const ms = median(() => conv2d(x, w, null, { padding: 1 }).dispose(), 10);
const flops = 2 * 32 * 32 * 28 * 28 * 16 * 9;
console.log(
  `conv2d [32,16,28,28] * [32,16,3,3] pad 1: ${(flops / (ms * 1e6)).toFixed(2)} GFLOP/s (${ms.toFixed(1)} ms)`,
);
