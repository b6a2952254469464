/**
 * A worker pool over shared linear memory, for large matrix products. Each worker instantiates
 * the same compiled module on the same `WebAssembly.Memory` and waits on its slot of a control
 * block (`Atomics.wait`); the main thread writes a job, bumps the slot's sequence number, runs
 * its own share, and waits for every worker's done flag. A product is split by rows of C (or by
 * columns when it has few rows), aligned to the micro-kernel's 4x8 tile, so each element is
 * computed exactly as on one thread: results are identical for any thread count.
 */

import { GemmField } from './codes.js';
import { type GemmArgs, writeGemmArgs } from './ffi.js';

/** Int32 words per worker slot: [seq, done, then a GemmField struct (the job)], padded. */
export const SLOT_WORDS = 16;
const SEQ = 0;
const DONE = 1;
/** Word offset of the job's GemmField struct within a slot. */
export const SLOT_ARGS = 2;

if (SLOT_ARGS + GemmField.count > SLOT_WORDS)
  throw new Error('nnet wasm: a pool slot cannot hold a GEMM struct');

/** What the pool needs from a worker: post a message, stop, and not keep the process alive. */
export interface PoolWorker {
  terminate(): unknown;
  unref?(): void;
}

export class WorkerPool {
  private seq = 0;

  constructor(
    private readonly memory: WebAssembly.Memory,
    /** Byte offset of the control block (one slot per worker). */
    private readonly ctrlPtr: number,
    private readonly workers: PoolWorker[],
    /** False on a browser page's main thread, where Atomics.wait throws: spin instead. */
    private readonly blocking = true,
  ) {}

  /** Threads in use, the calling thread included. */
  get threads(): number {
    return this.workers.length + 1;
  }

  private ctrl(): Int32Array {
    return new Int32Array(this.memory.buffer, this.ctrlPtr, this.workers.length * SLOT_WORDS);
  }

  /** Runs one product split across the calling thread (`runLocal`) and the workers. */
  gemm(args: GemmArgs, runLocal: (part: GemmArgs) => void): void {
    const { M, N } = args;
    const parts = this.threads;
    // Each part packs the whole operand it does not split: parts of rows share B (K x N), parts of
    // columns share A (M x K). Split the dimension whose shared operand is smaller, when it is long enough.
    const rowsOk = M >= parts * 4;
    const colsOk = N >= parts * 8;
    const byRows = rowsOk && (!colsOk || M >= N);
    const extent = byRows ? M : N;
    const align = byRows ? 4 : 8;
    const step = Math.ceil(extent / parts / align) * align;
    const jobs: GemmArgs[] = [];
    for (let start = 0; start < extent; start += step) {
      const len = Math.min(step, extent - start);
      jobs.push(
        byRows
          ? { ...args, M: len, a: args.a + 4 * start * args.aRow, c: args.c + 4 * start * args.ldc }
          : { ...args, N: len, b: args.b + 4 * start * args.bCol, c: args.c + 4 * start },
      );
    }
    const ctrl = this.ctrl();
    this.seq++;
    const remote = jobs.slice(1);
    remote.forEach((job, w) => {
      const base = w * SLOT_WORDS;
      writeGemmArgs(ctrl, base + SLOT_ARGS, job);
      Atomics.store(ctrl, base + SEQ, this.seq);
      Atomics.notify(ctrl, base + SEQ);
    });
    runLocal(jobs[0]);
    remote.forEach((_, w) => {
      const at = w * SLOT_WORDS + DONE;
      for (let done = Atomics.load(ctrl, at); done !== this.seq; done = Atomics.load(ctrl, at)) {
        if (this.blocking) Atomics.wait(ctrl, at, done, 1000);
      }
    });
  }

  /** Stops every worker. */
  terminate(): void {
    const ctrl = this.ctrl();
    this.workers.forEach((worker, w) => {
      Atomics.store(ctrl, w * SLOT_WORDS + SEQ, -1);
      Atomics.notify(ctrl, w * SLOT_WORDS + SEQ);
      worker.terminate();
    });
    this.workers.length = 0;
  }
}
