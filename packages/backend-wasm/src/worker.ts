/**
 * A pool worker (worker_threads in Node, a Web Worker in a browser): instantiates the kernels on
 * the shared memory, says 'ready', then claims and runs chunks of the tasks the main thread
 * publishes in the control block (each a Job kind and its arguments, which the module's runJob
 * reads in place), polling briefly (longer while it shares the calling thread's CPU, in Node on
 * Linux: placement.ts), then dozing in short timed waits, then blocking in Atomics.wait between
 * tasks (pool.ts).
 */
import { type KernelExports, wasmAbort } from './ffi.js';
import { type ProcFs, procCpuReader, Spread } from './placement.js';
import { Control } from './pool.js';
import type { WorkerInit } from './spawn.js';

interface WorkerScope {
  addEventListener(
    type: 'message',
    listener: (e: { data: WorkerInit }) => void,
    options?: { once: boolean },
  ): void;
  postMessage(message: unknown): void;
}

interface Connection {
  init: WorkerInit;
  post: (m: unknown) => void;
  /** Node on Linux: keeps this worker off the calling thread's CPU (placement.ts). */
  placement?: Spread;
}

/** The placement of a Node worker whose pool passed its calling thread's stat file; best effort. */
async function place({ callerStat }: WorkerInit): Promise<Spread | undefined> {
  if (!callerStat) return undefined;
  try {
    const fsSpecifier = 'node:fs';
    const fs = (await import(/* @vite-ignore */ fsSpecifier)) as ProcFs;
    const reader = procCpuReader(fs, callerStat);
    return reader ? new Spread(reader) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The start-up data and a way to answer: workerData and parentPort in Node (with a placement
 * where /proc can tell the threads' CPUs), messages in a browser.
 */
async function connect(): Promise<Connection> {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (typeof p?.versions?.node === 'string') {
    const specifier = 'node:worker_threads';
    const { workerData, parentPort } = (await import(/* @vite-ignore */ specifier)) as {
      workerData: WorkerInit;
      parentPort: { postMessage(m: unknown): void };
    };
    return { init: workerData, post: (m) => parentPort.postMessage(m), placement: await place(workerData) };
  }
  const scope = globalThis as unknown as WorkerScope;
  const init = await new Promise<WorkerInit>((resolve) =>
    scope.addEventListener('message', (e) => resolve(e.data), { once: true }),
  );
  return { init, post: (m) => scope.postMessage(m) };
}

/** Works on tasks until the pool stops it (a task word of −1). */
function serve({ init, post, placement }: Connection): void {
  const { module, memory, ctrlPtr, slot, scratch } = init;
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: wasmAbort,
    },
  });
  const k = instance.exports as unknown as KernelExports;
  const control = new Control(memory, ctrlPtr);
  const run = (at: number) => k.runJob(at, scratch);
  // Tasks before this worker started are not its own: start from the current one.
  let seen = control.task();
  post('ready');
  for (;;) {
    seen = control.next(slot, seen, placement);
    if (seen < 0) {
      // Stopped: say so, so a restarted pool may reuse the block without this worker in it.
      // (Node would close the reader's descriptors at the thread's exit too: trackUnmanagedFds.)
      placement?.close();
      control.leave(slot);
      break;
    }
    control.work(seen, slot + 1, run);
  }
}

// No top-level await: bundlers may emit workers in a format without it (Vite's default 'iife').
void connect().then(serve);
