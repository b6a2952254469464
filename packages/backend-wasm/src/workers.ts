/**
 * The worker pool's lifecycle: starting `n - 1` workers on the shared memory (each with its own
 * scratch and a slot of the control block), measuring what a dispatch costs, stopping them, and
 * running jobs on them. The Atomics protocol is pool.ts's; starting one worker is spawn.ts's;
 * what to split and when is parallel.ts's.
 */
import type { Heap } from './heap.js';
import { canBlock, isNode } from './loader.js';
import { CONTROL_BYTES, MAX_CHUNKS, MAX_WORKERS, type PoolWorker, SPIN_MS, WorkerPool } from './pool.js';
import { spawnWorker } from './spawn.js';

export { MAX_WORKERS };

export class Workers {
  private pool: WorkerPool | null = null;
  private scratch: number[] = [];
  private ctrlPtr = 0;

  constructor(
    private readonly heap: Heap,
    /** Bytes of GEMM scratch each worker packs into. */
    private readonly scratchBytes: number,
    /** The compiled module and its shared memory, when threads are possible. */
    private readonly sharing?: { module: WebAssembly.Module; memory: WebAssembly.Memory },
  ) {}

  /** Threads in use, the calling one included (1 without a pool). */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  /**
   * Nanoseconds before a worker joins a split call when the workers have stopped polling (dozing
   * after a recent task, the usual case between the split calls of a program using the backend):
   * a round trip, measured when the pool starts; Infinity without a pool. The calling thread
   * works meanwhile: a split call loses at most its small overhead, never this wait.
   */
  dispatchNs = Number.POSITIVE_INFINITY;
  /** The same for workers still polling after a recent task (back-to-back calls). */
  hotDispatchNs = Number.POSITIVE_INFINITY;

  /**
   * Runs the jobs (independent chunks, at most MAX_CHUNKS) on the calling thread (`runLocal`,
   * given a job's byte offset) and on whichever workers join; false without a pool (nothing ran).
   */
  run(jobs: readonly (readonly number[])[], runLocal: (at: number) => void): boolean {
    if (!this.pool || jobs.length > MAX_CHUNKS) return false;
    this.pool.run(jobs, runLocal);
    return true;
  }

  /**
   * Re-times a round trip to the workers (`rounds` of them) twice: back to back, workers still
   * polling (`hotDispatchNs`), and each after a pause longer than their polling, so they doze
   * (`dispatchNs`, the expensive case); medians in nanoseconds. No-op without a pool.
   */
  measureDispatch(rounds = 21): void {
    const pool = this.pool;
    if (!pool) return;
    const median = (pause: number) => {
      const times: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const until = performance.now() + pause;
        // With a pause: let the workers' polling run out, so they doze (the cold case); a worker
        // polling on to leave this thread's CPU (placement.ts) is waited for, up to 25 ms.
        const latest = until + (pause > 0 ? 25 : 0);
        for (let now = performance.now(); now < until || (now < latest && pool.polling()); ) {
          now = performance.now();
        }
        const t0 = performance.now();
        pool.roundTrip();
        times.push((performance.now() - t0) * 1e6);
      }
      times.sort((a, b) => a - b);
      return times[times.length >> 1];
    };
    this.hotDispatchNs = median(0);
    this.dispatchNs = median(SPIN_MS + 0.2);
  }

  /** True when every worker is polling its slot (a split call now pays the hot dispatch). */
  polling(): boolean {
    return this.pool?.polling() ?? false;
  }

  /** The last set() call's end: the next one starts after it (calls not awaited run in order). */
  private setting: Promise<void> = Promise.resolve();

  /** Uses `n` threads in all (validated by the caller); needs the shared-memory build for n > 1. */
  set(n: number): Promise<void> {
    const next = this.setting.then(() => this.restart(n));
    this.setting = next.catch(() => {});
    return next;
  }

  private async restart(n: number): Promise<void> {
    if (n === this.threads) return;
    // The old workers must be out of the control block before it is cleared for new ones.
    const old = this.pool;
    this.stop();
    if (old) await old.stopped;
    if (n === 1) return;
    if (!this.sharing) {
      throw new RangeError(
        'setThreads: threads need shared memory: Node.js, or a cross-origin-isolated page (serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp). This backend runs one thread.',
      );
    }
    if (!this.ctrlPtr) this.ctrlPtr = this.heap.alloc(CONTROL_BYTES);
    this.heap.int32(this.ctrlPtr, CONTROL_BYTES / 4).fill(0);
    const node = isNode();
    const starting: Promise<PoolWorker>[] = [];
    for (let slot = 0; slot < n - 1; slot++) {
      const scratch = this.heap.alloc(this.scratchBytes);
      this.scratch.push(scratch);
      const { module, memory } = this.sharing;
      starting.push(spawnWorker({ module, memory, ctrlPtr: this.ctrlPtr, slot, scratch }, node));
    }
    const settled = await Promise.allSettled(starting);
    const workers = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) {
      for (const w of workers) w.terminate();
      throw (failed as PromiseRejectedResult).reason;
    }
    this.pool = new WorkerPool(this.heap.memory, this.ctrlPtr, workers, canBlock());
    this.measureDispatch();
  }

  /** Stops the workers and frees their scratch. */
  stop(): void {
    this.pool?.terminate();
    this.pool = null;
    this.dispatchNs = Number.POSITIVE_INFINITY;
    this.hotDispatchNs = Number.POSITIVE_INFINITY;
    for (const p of this.scratch) this.heap.free(p);
    this.scratch = [];
  }
}
