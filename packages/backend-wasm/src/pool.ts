/**
 * A worker pool over shared linear memory. Each worker instantiates the same compiled module on
 * the same `WebAssembly.Memory` and watches the control block's task word. A split call is a
 * task: a list of independent chunks (each a Job kind and its argument words, run by the
 * module's `runJob`) that every thread, the calling one included, claims one at a time from a
 * shared counter until none is left. The calling thread never waits for a worker that has not
 * started (asleep, or descheduled on a busy host): it runs the unclaimed chunks itself and waits
 * only for chunks a worker has claimed. Which thread runs a chunk never changes its result.
 * What to split and whether it pays is the caller's (parallel.ts); this file is the protocol.
 */

import { BackendError } from '@nnet/tensor';
import { AdamField, AttnField, CeField, ConvField, GemmField, Job } from './codes.js';
import type { Placement } from './placement.js';

/**
 * Int32 words of the control block's header: the task word, the claim counter and the finished
 * counter on cache lines of their own, then one line per worker (its wait state, exit flag and
 * doze count).
 */
const LINE = 16;
/** gen·2^CHUNK_BITS + chunks of the current task; −1 tells the workers to stop. */
const TASK = 0;
/** gen·2^CHUNK_BITS + the next unclaimed chunk (a claim from another task's generation fails). */
const CLAIM = LINE;
/** Chunks of the current task finished (by any thread). */
const FINISHED = 2 * LINE;
/** 0, or 1 + the thread (0: the calling one) on which a chunk of the current task trapped. */
const FAILED = FINISHED + 1;
/** The Job kind of the chunk that trapped. */
const FAILED_KIND = FINISHED + 2;
/** Word of worker w's line: how it waits for the next task (a State). */
const STATE = 0;
/**
 * How a worker waits for the next task: polling the task word (answers within a µs), dozing in
 * short timed waits (answers within a slice, and the caller need not wake it), or blocked until
 * woken (Atomics.notify, which costs the caller itself ~30-40 µs here).
 */
const State = { blocked: 0, polling: 1, dozing: 2 } as const;
type State = (typeof State)[keyof typeof State];
/** Word of worker w's line: 1 once it has left the control block (stopped). */
const LEFT = 1;
/** Word of worker w's line: how many times it has started dozing (for tests and diagnostics). */
const DOZES = 2;
const workerLine = (w: number) => (3 + w) * LINE;

/** Bits of a task word that count its chunks (the rest is the task's generation). */
const CHUNK_BITS = 10;
/** The most chunks one task may have. */
export const MAX_CHUNKS = 64;
/** Int32 words per chunk in the task's list (a job and padding: two cache lines). */
const CHUNK_WORDS = 32;
/** The most words a job may have (its kind included). */
export const JOB_WORDS = 28;

/** The most workers a pool may have (setThreads accepts this many plus the calling thread). */
export const MAX_WORKERS = 64;
/** Int32 word of the task's chunk list: after the header and every worker's line. */
const LIST = workerLine(MAX_WORKERS);
/** Bytes of the control block (header, worker lines and chunk list). */
export const CONTROL_BYTES = 4 * (LIST + MAX_CHUNKS * CHUNK_WORDS);

/** Polls of a flag before blocking on it (a few tens of µs): the calling thread's wait for a chunk. */
const SPIN = 20000;
/**
 * Milliseconds a worker keeps polling the task word after a task before it blocks: long enough
 * for chunks published back to back, short because polling burns a core another process (or the
 * calling thread, on a busy host) could use. Measured here at load average 14 on 2 vCPUs (CNN
 * training step, 2 threads against 1): 0.59× polling 2 ms, 1.35× polling 0.5 ms, 1.77× polling
 * 20 µs. A sleeping worker costs a call only its join latency: the calling thread works meanwhile.
 */
export const SPIN_MS = 0.02;
/**
 * Milliseconds a worker dozes after polling, before it blocks: it waits in timed slices of
 * DOZE_SLICE_MS and checks the task word after each, so a task published meanwhile needs no
 * Atomics.notify. Measured here (Node 20, 2 vCPUs): notify to a blocked worker costs the calling
 * thread 33-42 µs (p50) and the worker answers after 88-106 µs; a dozing one costs the caller
 * 0.2-0.3 µs and answers after 62-65 µs. A doze of a few ms covers the gaps between the split calls
 * of a training step. Each slice costs the worker's core a wake-up: measured here, a dozing
 * worker uses 12-19% of a core (slices of 0.1 to 0.02 ms), against all of it while polling and
 * none while blocked.
 */
export const DOZE_MS = 4;
/** Milliseconds of one timed wait while dozing (the OS rounds it up: ~0.1 ms here). */
const DOZE_SLICE_MS = 0.02;

if (
  1 + Math.max(GemmField.count, AttnField.count, AdamField.count, CeField.count, ConvField.count) >
  JOB_WORDS
)
  throw new Error('nnet wasm: a pool chunk cannot hold a job');

/** What a thread of the pool does with the control block: the shared half of the protocol. */
export class Control {
  readonly ctrl: Int32Array;

  constructor(
    memory: WebAssembly.Memory,
    /** Byte offset of the control block (CONTROL_BYTES, zeroed before the first worker starts). */
    readonly ptr: number,
  ) {
    // Shared memory keeps its backing store when it grows: this view stays valid.
    this.ctrl = new Int32Array(memory.buffer, ptr, CONTROL_BYTES / 4);
  }

  /** Byte offset of chunk i's job in the task list. */
  chunkAt(i: number): number {
    return this.ptr + 4 * (LIST + i * CHUNK_WORDS);
  }

  /** Writes `job` as chunk i of the next task. */
  setChunk(i: number, job: readonly number[]): void {
    this.ctrl.set(job, LIST + i * CHUNK_WORDS);
  }

  /** The task word (what a worker watches). */
  task(): number {
    return Atomics.load(this.ctrl, TASK);
  }

  /**
   * Claims and runs chunks of task `task` (a task word) with `run(i)` until none is left (or the
   * task is over), counting each as finished; a chunk that throws is recorded as trapped on
   * `thread` (0: the calling thread), and the others still run.
   */
  work(task: number, thread: number, run: (chunkAt: number) => void): void {
    const ctrl = this.ctrl;
    const gen = task >>> CHUNK_BITS;
    const count = task & ((1 << CHUNK_BITS) - 1);
    for (;;) {
      const v = Atomics.load(ctrl, CLAIM);
      const i = v & ((1 << CHUNK_BITS) - 1);
      if (v >>> CHUNK_BITS !== gen || i >= count) return;
      if (Atomics.compareExchange(ctrl, CLAIM, v, v + 1) !== v) continue;
      const at = this.chunkAt(i);
      try {
        run(at);
      } catch {
        // A trap (out-of-bounds access, unreachable): the calling thread throws it as a BackendError.
        if (Atomics.compareExchange(ctrl, FAILED, 0, 1 + thread) === 0)
          Atomics.store(ctrl, FAILED_KIND, this.ctrl[(at - this.ptr) / 4]);
      }
      if (Atomics.add(ctrl, FINISHED, 1) + 1 === count) Atomics.notify(ctrl, FINISHED);
    }
  }

  /** Worker w says how it waits for the next task. */
  private setState(w: number, state: State): void {
    Atomics.store(this.ctrl, workerLine(w) + STATE, state);
  }

  /** Worker w is out of the control block for good. */
  leave(w: number): void {
    Atomics.store(this.ctrl, workerLine(w) + LEFT, 1);
  }

  /** True once worker w has left. */
  left(w: number): boolean {
    return Atomics.load(this.ctrl, workerLine(w) + LEFT) === 1;
  }

  /** True when worker w polls the task word. */
  polling(w: number): boolean {
    return Atomics.load(this.ctrl, workerLine(w) + STATE) === State.polling;
  }

  /** How many times worker w has started dozing. */
  dozes(w: number): number {
    return Atomics.load(this.ctrl, workerLine(w) + DOZES);
  }

  /** True when worker w blocks until woken (a new task must notify it). */
  blocked(w: number): boolean {
    return Atomics.load(this.ctrl, workerLine(w) + STATE) === State.blocked;
  }

  /**
   * A worker's wait for the next task after `seen`: polls for SPIN_MS (and on while `placement`
   * says so: placement.ts), dozes for DOZE_MS, then blocks on the task word; returns the new task
   * word.
   */
  next(w: number, seen: number, placement?: Placement): number {
    const ctrl = this.ctrl;
    this.setState(w, State.polling);
    let task = Atomics.load(ctrl, TASK);
    const until = performance.now() + SPIN_MS;
    for (let i = 1; task === seen; i++) {
      if ((i & 255) === 0) {
        const now = performance.now();
        if (now > until && !placement?.keepPolling(now)) break;
      }
      task = Atomics.load(ctrl, TASK);
    }
    if (task !== seen) return task;
    this.setState(w, State.dozing);
    Atomics.add(ctrl, workerLine(w) + DOZES, 1);
    const wakeAt = performance.now() + DOZE_MS;
    while (task === seen && performance.now() < wakeAt) {
      Atomics.wait(ctrl, TASK, seen, DOZE_SLICE_MS);
      task = Atomics.load(ctrl, TASK);
    }
    if (task === seen) {
      this.setState(w, State.blocked);
      // A task posted between the last check and the state (its publisher saw us dozing and did
      // not notify): do not sleep through it.
      for (task = Atomics.load(ctrl, TASK); task === seen; task = Atomics.load(ctrl, TASK))
        Atomics.wait(ctrl, TASK, seen);
    }
    this.setState(w, State.polling);
    return task;
  }
}

/** What the pool needs from a worker: stop, and not keep the process alive. */
export interface PoolWorker {
  terminate(): unknown;
  unref?(): void;
}

export class WorkerPool {
  private gen = 0;
  private readonly control: Control;

  constructor(
    memory: WebAssembly.Memory,
    /** Byte offset of the control block (CONTROL_BYTES, zeroed). */
    ctrlPtr: number,
    private readonly workers: PoolWorker[],
    /** False on a browser page's main thread, where Atomics.wait throws: spin instead. */
    private readonly blocking = true,
  ) {
    this.control = new Control(memory, ctrlPtr);
  }

  /** Threads in use, the calling thread included. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** Publishes a task of `count` chunks (already in the list) and wakes the workers. */
  private publish(count: number): number {
    const ctrl = this.control.ctrl;
    this.gen = (this.gen + 1) & ((1 << (31 - CHUNK_BITS)) - 1);
    const base = this.gen << CHUNK_BITS;
    Atomics.store(ctrl, FINISHED, 0);
    Atomics.store(ctrl, CLAIM, base);
    const task = base + count;
    Atomics.store(ctrl, TASK, task);
    // Only blocked workers need the notify (a polling or dozing one sees the task word change).
    if (this.workers.some((_, w) => this.control.blocked(w))) Atomics.notify(ctrl, TASK);
    return task;
  }

  /**
   * Runs every job (at most MAX_CHUNKS) on this thread (`runLocal`, given the job's byte
   * offset) and on the workers that show up in time, returning when all are done.
   */
  run(jobs: readonly (readonly number[])[], runLocal: (at: number) => void): void {
    if (jobs.length > MAX_CHUNKS) throw new RangeError(`nnet wasm: a task has at most ${MAX_CHUNKS} chunks`);
    for (const [i, job] of jobs.entries()) this.control.setChunk(i, job);
    const task = this.publish(jobs.length);
    this.control.work(task, 0, runLocal);
    this.waitFinished(jobs.length);
  }

  /**
   * Publishes one empty chunk and waits until a worker has run it (this thread does not claim
   * it): a round trip to the workers in their current state, for the cost model.
   */
  roundTrip(): void {
    this.control.setChunk(0, [Job.none]);
    this.publish(1);
    this.waitFinished(1);
  }

  /** True when every worker polls the task word (a task published now starts at once). */
  polling(): boolean {
    return this.workers.every((_, w) => this.control.polling(w));
  }

  /**
   * Waits until `count` chunks of the current task are finished; then throws a BackendError
   * naming the kernel if one of them trapped (the pool stays usable).
   */
  private waitFinished(count: number): void {
    const ctrl = this.control.ctrl;
    let done = Atomics.load(ctrl, FINISHED);
    for (let i = 0; i < SPIN && done !== count; i++) done = Atomics.load(ctrl, FINISHED);
    for (; done !== count; done = Atomics.load(ctrl, FINISHED)) {
      if (this.blocking) Atomics.wait(ctrl, FINISHED, done, 1000);
    }
    const failed = Atomics.load(ctrl, FAILED);
    if (failed !== 0) {
      Atomics.store(ctrl, FAILED, 0);
      const kind = ctrl[FAILED_KIND];
      const where = failed === 1 ? 'the calling thread' : `worker ${failed - 1}`;
      throw new BackendError(
        `wasm backend: the wasm kernel '${Job[kind] ?? kind}' trapped on ${where} (an out-of-bounds access or an unreachable: a kernel bug, please report the op and its shapes). Its output is incomplete; the pool stays usable.`,
      );
    }
  }

  /**
   * Settles once every worker stopped by terminate() has left the control block (or after 2 s,
   * for a worker that died without saying so).
   */
  stopped: Promise<void> = Promise.resolve();

  /** Stops every worker (`stopped` tells when they are out of the control block). */
  terminate(): void {
    const ctrl = this.control.ctrl;
    Atomics.store(ctrl, TASK, -1);
    Atomics.notify(ctrl, TASK);
    const exits = this.workers.map((worker, w) => {
      const left = new Promise<void>((resolve) => {
        const until = performance.now() + 2000;
        const check = () => {
          if (this.control.left(w) || performance.now() > until) resolve();
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
