/**
 * Starting one pool worker: a worker_threads Worker in Node, a module Web Worker in a browser.
 * Both run worker.js, which instantiates the kernels on the shared memory and then answers jobs.
 * Resolves once the worker is running, so the first job never waits on a worker still loading.
 */
import { callerStatPath } from './placement.js';
import type { PoolWorker } from './pool.js';

/** What a worker needs: the compiled module, the shared memory, the control block and its index there. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrlPtr: number;
  slot: number;
  scratch: number;
  /**
   * Node on Linux with more than one CPU: the /proc stat file of the thread that starts the pool
   * (its calling thread), which the worker watches to stay off its CPU (placement.ts).
   */
  callerStat?: string;
}

interface MessagePortLike {
  on?(event: string, listener: (value: unknown) => void): void;
  addEventListener?(event: string, listener: (event: { data?: unknown; message?: string }) => void): void;
}

function whenReady(worker: MessagePortLike, node: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new Error(`nnet wasm: a pool worker failed to start: ${why}`));
    if (node) {
      worker.on?.('message', (m) => m === 'ready' && resolve());
      worker.on?.('error', (e) => fail(String(e)));
    } else {
      worker.addEventListener?.('message', (e) => e.data === 'ready' && resolve());
      worker.addEventListener?.('error', (e) => fail(e.message ?? 'error event'));
    }
  });
}

/**
 * This thread's /proc stat file where a worker can use it (Linux, more than one CPU available);
 * undefined otherwise. Looked up once: this module runs on one thread, the one that starts pools.
 */
let callerStatOnce: Promise<string | undefined> | undefined;
const callerStat = () => {
  callerStatOnce ??= findCallerStat();
  return callerStatOnce;
};

async function findCallerStat(): Promise<string | undefined> {
  try {
    // Variable specifiers, as for worker_threads below.
    const [fsName, osName] = ['node:fs', 'node:os'];
    const fs = (await import(/* @vite-ignore */ fsName)) as { readlinkSync(path: string): string };
    const os = (await import(/* @vite-ignore */ osName)) as {
      availableParallelism?: () => number;
      cpus(): unknown[];
    };
    const cpus = os.availableParallelism?.() ?? os.cpus().length;
    return cpus > 1 ? (callerStatPath(fs) ?? undefined) : undefined;
  } catch {
    return undefined;
  }
}

export async function spawnWorker(init: WorkerInit, node: boolean): Promise<PoolWorker> {
  if (node) {
    // A variable specifier keeps bundlers from pulling a Node built-in into the browser path.
    const specifier = 'node:worker_threads';
    const { Worker } = (await import(/* @vite-ignore */ specifier)) as {
      Worker: new (
        url: URL,
        options: { workerData: unknown },
      ) => PoolWorker & MessagePortLike & { unref(): void };
    };
    const worker = new Worker(new URL('./worker.js', import.meta.url), {
      workerData: { ...init, callerStat: await callerStat() },
    });
    await whenReady(worker, true);
    // Only now: an unref'd worker would let the process exit while we wait for it to start.
    worker.unref();
    return worker;
  }
  // Written literally so bundlers (Vite, webpack 5) bundle worker.js as a worker entry.
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    type: 'module',
    name: `nnet-wasm-${init.slot}`,
  });
  const ready = whenReady(worker as unknown as MessagePortLike, false);
  worker.postMessage(init);
  await ready;
  return worker;
}
