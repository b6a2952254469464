/**
 * A worker pool over shared linear memory. Each worker instantiates the same compiled module on
 * the same `WebAssembly.Memory` and waits on its slot of a control block; the main thread writes
 * a job (a Job kind and its argument words, run by the module's `runJob`), bumps the slot's
 * sequence number, runs its own share, and waits for every worker's done flag. What to split and
 * whether it pays is the caller's (parallel.ts); this file is the protocol.
 */

import { AdamField, AttnField, CeField, ConvField, GemmField, Job } from './codes.js';

/** Int32 words per worker slot: [seq, done, then the job: its kind and arguments], padded. */
export const SLOT_WORDS = 32;
const SEQ = 0;
const DONE = 1;
/** Word offset of the job (kind, then arguments) within a slot. */
export const SLOT_JOB = 2;
/** Polls of a flag before blocking on it (a few tens of µs): the calling thread's wait for a part. */
export const SPIN = 20000;
/**
 * Milliseconds a worker keeps polling its slot after a job before it blocks: a step's calls
 * come back to back, and a woken worker costs tens of µs on a quiet host, a millisecond or more
 * on a busy one. (OpenMP runtimes spin similarly.)
 */
export const SPIN_MS = 0.5;
/** The most words a job may have (its kind included). */
export const JOB_WORDS = SLOT_WORDS - SLOT_JOB;

if (
  1 + Math.max(GemmField.count, AttnField.count, AdamField.count, CeField.count, ConvField.count) >
  JOB_WORDS
)
  throw new Error('nnet wasm: a pool slot cannot hold a job');

/** What the pool needs from a worker: stop, and not keep the process alive. */
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

  /**
   * Runs jobs[0] on the calling thread (`runLocal`) and jobs[1..] on workers 0.. (at most one
   * per worker), returning when all are done.
   */
  run(jobs: readonly (readonly number[])[], runLocal: (job: readonly number[]) => void): void {
    const ctrl = this.ctrl();
    const remote = jobs.length - 1;
    this.post(ctrl, remote, (base, w) => ctrl.set(jobs[w + 1], base + SLOT_JOB));
    runLocal(jobs[0]);
    this.waitDone(ctrl);
  }

  /**
   * Wakes every worker with an empty job without waiting for it, so the next calls find them
   * polling (cheap to dispatch) instead of asleep.
   */
  wake(): void {
    const ctrl = this.ctrl();
    this.post(ctrl, this.workers.length, (base) => {
      ctrl[base + SLOT_JOB] = Job.none;
    });
  }

  /** The sequence number each worker's last job carries (its done flag reaches it when finished). */
  private readonly given: number[] = [];

  /** Gives workers 0..count−1 a job (`write` fills slot `base`), once their previous one is done. */
  private post(ctrl: Int32Array, count: number, write: (base: number, w: number) => void): void {
    // A slot is rewritten only once its previous job (a wake-up's empty one) is done.
    this.waitDone(ctrl);
    this.seq = (this.seq + 1) & 0x3fffffff;
    for (let w = 0; w < count; w++) {
      const base = w * SLOT_WORDS;
      write(base, w);
      this.given[w] = this.seq;
      Atomics.store(ctrl, base + SEQ, this.seq);
      Atomics.notify(ctrl, base + SEQ);
    }
  }

  /** True when every worker has finished the last job it was given (a wake-up's included). */
  idle(): boolean {
    const ctrl = this.ctrl();
    return this.given.every((want, w) => Atomics.load(ctrl, w * SLOT_WORDS + DONE) === want);
  }

  /** Waits until every worker has finished the last job it was given. */
  private waitDone(ctrl: Int32Array): void {
    for (let w = 0; w < this.given.length; w++) {
      const want = this.given[w];
      const at = w * SLOT_WORDS + DONE;
      let done = Atomics.load(ctrl, at);
      for (let i = 0; i < SPIN && done !== want; i++) done = Atomics.load(ctrl, at);
      for (; done !== want; done = Atomics.load(ctrl, at)) {
        if (this.blocking) Atomics.wait(ctrl, at, done, 1000);
      }
    }
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
