/**
 * A check page for the worker pool on a browser page's main thread, where Atomics.wait is not
 * allowed and the pool spins: the same product with every thread and with one must be identical.
 */
import { createWasmBackend } from '@nnet/backend-wasm';
import { manualSeed, randn, registerBackend, setBackend } from '@nnet/tensor';

async function run(): Promise<void> {
  const backend = await createWasmBackend();
  registerBackend('wasm-main-thread', () => backend);
  await setBackend('wasm-main-thread');
  const threads = backend.threads;
  manualSeed(1);
  const a = randn([300, 200]);
  const b = randn([200, 250]);
  const many = Array.from(a.matmul(b).dataSync());
  await backend.setThreads(1);
  const one = Array.from(a.matmul(b).dataSync());
  const same = many.length === one.length && many.every((v, i) => v === one[i]);
  const result = document.getElementById('result') as HTMLElement;
  result.textContent = `${threads} threads: ${same ? 'identical to one thread' : 'DIFFERENT from one thread'}`;
  result.dataset.threads = String(threads);
  result.dataset.same = String(same);
  document.body.dataset.state = 'done';
}

run().catch((err: unknown) => {
  (document.getElementById('result') as HTMLElement).textContent = `Error: ${String(err)}`;
  document.body.dataset.state = 'error';
});
