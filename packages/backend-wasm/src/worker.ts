/**
 * A pool worker (worker_threads in Node, a Web Worker in a browser): instantiates the kernels on
 * the shared memory, says 'ready', then runs the jobs the main thread writes into its control
 * slot (a Job kind and its arguments, which the module's runJob reads in place), spinning
 * briefly and then blocking in Atomics.wait between jobs.
 */
import { type KernelExports, wasmAbort } from './ffi.js';
import { SLOT_DONE, SLOT_FAILED, SLOT_JOB, SLOT_POLLING, SLOT_WORDS, SPIN_MS } from './pool.js';
import type { WorkerInit } from './spawn.js';

interface WorkerScope {
  addEventListener(
    type: 'message',
    listener: (e: { data: WorkerInit }) => void,
    options?: { once: boolean },
  ): void;
  postMessage(message: unknown): void;
}

/** The start-up data and a way to answer: workerData and parentPort in Node, messages in a browser. */
async function connect(): Promise<{ init: WorkerInit; post: (m: unknown) => void }> {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (typeof p?.versions?.node === 'string') {
    const specifier = 'node:worker_threads';
    const { workerData, parentPort } = (await import(/* @vite-ignore */ specifier)) as {
      workerData: WorkerInit;
      parentPort: { postMessage(m: unknown): void };
    };
    return { init: workerData, post: (m) => parentPort.postMessage(m) };
  }
  const scope = globalThis as unknown as WorkerScope;
  const init = await new Promise<WorkerInit>((resolve) =>
    scope.addEventListener('message', (e) => resolve(e.data), { once: true }),
  );
  return { init, post: (m) => scope.postMessage(m) };
}

/** Answers jobs until the pool stops it (a negative sequence number). */
function serve({ init, post }: { init: WorkerInit; post: (m: unknown) => void }): void {
  const { module, memory, ctrlPtr, slot, scratch } = init;
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: wasmAbort,
    },
  });
  const k = instance.exports as unknown as KernelExports;
  const base = slot * SLOT_WORDS;
  post('ready');
  let seen = 0;
  for (;;) {
    const ctrl = new Int32Array(memory.buffer, ctrlPtr, (slot + 1) * SLOT_WORDS);
    // A step issues jobs back to back: poll for SPIN_MS before sleeping (a wake-up costs more).
    Atomics.store(ctrl, base + SLOT_POLLING, 1);
    let seq = Atomics.load(ctrl, base);
    const until = performance.now() + SPIN_MS;
    for (let i = 1; seq === seen; i++) {
      if ((i & 255) === 0 && performance.now() > until) break;
      seq = Atomics.load(ctrl, base);
    }
    if (seq === seen) {
      Atomics.store(ctrl, base + SLOT_POLLING, 0);
      // A job posted between the last poll and the flag: do not sleep through its notify.
      seq = Atomics.load(ctrl, base);
    }
    if (seq === seen) {
      Atomics.wait(ctrl, base, seen);
      seq = Atomics.load(ctrl, base);
    }
    seen = seq;
    if (seen < 0) {
      // Stopped: say so, so a restarted pool may reuse this slot without this worker in it.
      Atomics.store(ctrl, base + SLOT_DONE, -1);
      Atomics.notify(ctrl, base + SLOT_DONE);
      break;
    }
    try {
      k.runJob(ctrlPtr + (base + SLOT_JOB) * 4, scratch);
    } catch {
      // A trap (out-of-bounds access, unreachable): the main thread throws it as a BackendError.
      // The job's state is gone with the stack; the instance can run the next job.
      Atomics.store(ctrl, base + SLOT_FAILED, 1);
    }
    Atomics.store(ctrl, base + SLOT_DONE, seen);
    Atomics.notify(ctrl, base + SLOT_DONE);
  }
}

// No top-level await: bundlers may emit workers in a format without it (Vite's default 'iife').
void connect().then(serve);
