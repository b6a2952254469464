/**
 * A pool worker (Node worker_threads): instantiates the kernels on the shared memory and runs
 * the GEMM jobs the main thread writes into its control slot.
 */
import type { KernelExports } from './wasm_backend.js';

interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrlPtr: number;
  slot: number;
  scratch: number;
}

const SLOT_WORDS = 16;
const specifier = 'node:worker_threads';
const { workerData } = (await import(/* @vite-ignore */ specifier)) as { workerData: WorkerInit };
const { module, memory, ctrlPtr, slot, scratch } = workerData;
const instance = new WebAssembly.Instance(module, {
  env: {
    memory,
    abort: () => {
      throw new Error('nnet wasm kernel aborted');
    },
  },
});
const k = instance.exports as unknown as KernelExports;
const base = slot * SLOT_WORDS;
let seen = 0;
for (;;) {
  const ctrl = new Int32Array(memory.buffer, ctrlPtr, (slot + 1) * SLOT_WORDS);
  Atomics.wait(ctrl, base, seen);
  seen = Atomics.load(ctrl, base);
  if (seen < 0) break;
  const p = (i: number) => ctrl[base + 2 + i];
  k.gemm(p(0), p(1), p(2), p(3), p(4), p(5), p(6), p(7), p(8), p(9), p(10), p(11), scratch);
  Atomics.store(ctrl, base + 1, seen);
  Atomics.notify(ctrl, base + 1);
}
