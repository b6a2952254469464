// GFLOP/s of the WASM backend's GEMM at 128-1024 (median of several runs). Build first:
// pnpm --filter @nnet/backend-wasm build && pnpm --filter @nnet/backend-wasm bench
import { performance } from 'node:perf_hooks';
import { manualSeed, matmul, randn, setBackend } from '@nnet/tensor';
import { setThreads } from '../dist/index.js';

const b = await setBackend('wasm');
console.log(`build: ${b.relaxed ? 'relaxed SIMD (FMA)' : '128-bit SIMD'}`);
manualSeed(0);
for (const threads of [1, 2]) {
  await setThreads(threads);
  console.log(`threads: ${threads}`);
  for (const n of [128, 256, 512, 1024]) {
    const x = randn([n, n]);
    const y = randn([n, n]);
    matmul(x, y).dispose();
    const t = [];
    for (let i = 0; i < (n >= 1024 ? 7 : 25); i++) {
      const t0 = performance.now();
      matmul(x, y).dispose();
      t.push(performance.now() - t0);
    }
    t.sort((p, q) => p - q);
    const ms = t[Math.floor(t.length / 2)];
    console.log(`matmul ${n}: ${((2 * n ** 3) / (ms * 1e6)).toFixed(1)} GFLOP/s (${ms.toFixed(2)} ms)`);
    x.dispose();
    y.dispose();
  }
}
