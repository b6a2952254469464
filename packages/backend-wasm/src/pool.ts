/**
 * A worker pool over shared linear memory. Each worker instantiates the same compiled module on
 * the same `WebAssembly.Memory` and waits on its slot of a control block; the main thread writes
 * a job (a Job kind and its argument words, run by the module's `runJob`), bumps the slot's
 * sequence number, runs its own share, and waits for every worker's done flag. What to split and
 * whether it pays is the caller's (parallel.ts); this file is the protocol.
 */

import { BackendError } from '@nnet/tensor';
import { AdamField, AttnField, CeField, ConvField, GemmField, Job } from './codes.js';

/**
 * Int32 words per worker slot: [seq, done, failed, polling, then the job: its kind and
 * arguments], padded.
 */
export const SLOT_WORDS = 32;
const SEQ = 0;
/** The sequence number of the worker's last finished job (−1 once it has stopped). */
export const SLOT_DONE = 1;
const DONE = SLOT_DONE;
/** 1 when the worker's last job threw (a trap) instead of finishing; the main thread clears it. */
export const SLOT_FAILED = 2;
/** 1 while the worker polls its slot (answers fast), 0 while it blocks in Atomics.wait. */
export const SLOT_POLLING = 3;
/** Word offset of the job (kind, then arguments) within a slot. */
export const SLOT_JOB = 4;
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
    try {
      runLocal(jobs[0]);
    } finally {
      // Even when the local part threw: the workers' parts must end before the caller goes on.
      this.waitDone(ctrl);
    }
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

  /** True when every worker is polling its slot (a job given now starts at once). */
  polling(): boolean {
    const ctrl = this.ctrl();
    return this.workers.every((_, w) => Atomics.load(ctrl, w * SLOT_WORDS + SLOT_POLLING) === 1);
  }

  /**
   * Waits until every worker has finished the last job it was given; then throws a BackendError
   * naming the kernel if one of those jobs trapped (the workers keep serving: the pool stays usable).
   */
  private waitDone(ctrl: Int32Array): void {
    let failed = '';
    for (let w = 0; w < this.given.length; w++) {
      const want = this.given[w];
      const at = w * SLOT_WORDS + DONE;
      let done = Atomics.load(ctrl, at);
      for (let i = 0; i < SPIN && done !== want; i++) done = Atomics.load(ctrl, at);
      for (; done !== want; done = Atomics.load(ctrl, at)) {
        if (this.blocking) Atomics.wait(ctrl, at, done, 1000);
      }
      const base = w * SLOT_WORDS;
      if (Atomics.load(ctrl, base + SLOT_FAILED) !== 0) {
        Atomics.store(ctrl, base + SLOT_FAILED, 0);
        failed ||= `the wasm kernel '${Job[ctrl[base + SLOT_JOB]] ?? ctrl[base + SLOT_JOB]}' trapped on worker ${w + 1}`;
      }
    }
    if (failed) {
      throw new BackendError(
        `wasm backend: ${failed} (an out-of-bounds access or an unreachable: a kernel bug, please report the op and its shapes). Its output is incomplete; the pool stays usable.`,
      );
    }
  }

  /**
   * Settles once every worker stopped by terminate() has left the control block: it wrote its
   * done flag to −1, or its thread exited (or after 2 s, for a worker that died without either).
   */
  stopped: Promise<void> = Promise.resolve();

  /** Stops every worker (`stopped` tells when they are out of the control block). */
  terminate(): void {
    const ctrl = this.ctrl();
    const exits = this.workers.map((worker, w) => {
      Atomics.store(ctrl, w * SLOT_WORDS + SEQ, -1);
      Atomics.notify(ctrl, w * SLOT_WORDS + SEQ);
      const left = new Promise<void>((resolve) => {
        const until = performance.now() + 2000;
        const check = () => {
          if (Atomics.load(ctrl, w * SLOT_WORDS + DONE) === -1 || performance.now() > until) resolve();
          else setTimeout(check, 1);
        };
        check();
      });
      // Node's terminate() resolves on the thread's exit; a browser's returns nothing.
      return left.then(() => worker.terminate());
    });
    this.stopped = Promise.all(exits).then(() => {});
    this.workers.length = 0;
  }
}
