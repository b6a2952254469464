// Single-thread GEMM: the shared-memory build against the plain one (same kernels).
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { manualSeed, matmul, randn, registerBackend, setBackend } from '@nnet/tensor';
import { createWasmBackend } from '../dist/index.js';

const plain = await createWasmBackend({
  wasm: await readFile(new URL('../dist/nnet.wasm', import.meta.url)),
  relaxed: false,
});
const shared = await createWasmBackend({ threads: 1 });
registerBackend('plain', () => plain, -1);
registerBackend('shared', () => shared, -1);
for (const round of [1, 2]) {
  for (const name of ['plain', 'shared']) {
    await setBackend(name);
    manualSeed(0);
    const x = randn([512, 512]);
    const y = randn([512, 512]);
    matmul(x, y).dispose();
    const t = [];
    for (let i = 0; i < 21; i++) {
      const t0 = performance.now();
      matmul(x, y).dispose();
      t.push(performance.now() - t0);
    }
    t.sort((p, q) => p - q);
    console.log(`round ${round} ${name}: ${((2 * 512 ** 3) / (t[10] * 1e6)).toFixed(1)} GFLOP/s`);
  }
}
