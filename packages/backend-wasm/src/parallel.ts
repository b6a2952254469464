/**
 * Where each call runs: on the calling thread, or split across the worker pool, chosen per call
 * from a cost model instead of fixed size thresholds. At start-up the backend times, on one
 * thread and once the kernels run optimized code (warmUp), a GEMM (ns per flop) and two
 * element-wise passes (ns per element of a cheap op and of one with a transcendental); the pool
 * times how long a worker takes to join a call (workers.ts), asleep and still polling after a
 * recent task; all are re-timed after a second and then every few seconds of threaded use. A
 * split call is a list of chunks that every thread claims from a shared counter (pool.ts): the
 * calling thread starts at once and runs whatever no worker has claimed, so a worker that is
 * late (asleep, or descheduled on a busy host) costs the call only its small publishing
 * overhead, never a wait. A call whose estimated one-thread time is `ns` is split when the time
 * saved once a worker joins, (ns − latency)·(1 − 1/threads), is more than twice that overhead.
 * The model's choice is checked against measurement (plan()): calls of each kind and size are
 * timed, their estimate scaled by what they measured, timed both ways once a split may pay, and
 * split only while splitting has been faster, so a host too busy for the workers stops
 * splitting. Chunks are split by what the call holds (rows or columns of a product, query blocks
 * of an attention, rows of a cross-entropy, a sort, a cumsum or a resize, runs of images of a
 * convolution batch or of its filter gradient, element ranges), in sizes that shrink from the
 * first chunk to the last (chunkBounds), aligned so each element is computed exactly as on one
 * thread: results are identical for any thread count.
 */
import { chunkBounds } from './chunks.js';
import { Binary, Job, Unary } from './codes.js';
import { type GemmArgs, gemmWords, type KernelExports } from './ffi.js';
import type { Heap } from './heap.js';
import { JOB_WORDS, MAX_CHUNKS } from './pool.js';
import type { Workers } from './workers.js';

/** Milliseconds between two re-timings of the model (each a few ms) while threads are in use. */
const REFRESH_MS = 5000;
/** The first re-timing comes sooner: by then the kernels a program uses run optimized code. */
const FIRST_REFRESH_MS = 1000;
/** The longest the start-up measurement waits for optimized code (warmUp). */
const WARM_UP_MS = 25;
/**
 * Nanoseconds a split call costs the calling thread beyond its share when no worker joins:
 * writing the chunks, publishing the task, a futex wake for sleeping workers, and each chunk's
 * own start (a GEMM chunk re-packs the operand the chunks share: a few % of its time).
 */
const POST_NS = 8000;
/**
 * Chunks per thread of a split call, at most: the threads that join early, or run faster, take
 * the others' share (chunkBounds).
 */
const CHUNKS_PER_THREAD = 3;
/** The least a chunk should cost (ns): smaller ones cost more in overhead than they balance. */
const MIN_CHUNK_NS = 25000;
/**
 * Calls estimated under this (ns) always run here, untimed. Larger ones are timed (plan()), and
 * the estimate of the next call of the same kind and size is scaled by what such calls measured:
 * the model's figures are timed on cache-resident data, and memory-bound calls on large tensors
 * measured 2.4-4.8x over them here (pooling [64,8,26,26]: 33 µs estimated, 158 µs measured), so
 * calls worth splitting were never split.
 */
const TRACK_NS = 8000;
/**
 * How plan() re-times both ways: while splitting wins, every `local`-th call of a kind runs here;
 * while it loses, the next split comes after `min` calls, doubling up to `max`.
 */
const PROBE = { local: 16, min: 8, max: 512 } as const;

/** What the start-up measurement found (nanoseconds, on one thread). */
export interface Costs {
  /** Per flop of a packed GEMM (2·M·N·K flops). */
  readonly gemmFlop: number;
  /** Per element of a cheap element-wise op (an add). */
  readonly elem: number;
  /** Per element of an op with one transcendental (an exp). */
  readonly transcendental: number;
}

/** The time of `fn` in ns: the fastest of `repeats` runs (the least disturbed by other work). */
function fastest(repeats: number, fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, (performance.now() - t0) * 1e6);
  }
  return best;
}

/** The whole model: the measured costs and the dispatch cost (ns). */
export interface CostModel extends Costs {
  /**
   * Latency before a worker joins a split call, workers asleep (pinned: used in both cases, and
   * as the cost of publishing a call).
   */
  readonly dispatch: number;
  /** The same with the workers still polling after a recent task. */
  readonly hotDispatch: number;
}

/** plan()'s answer for a call that runs here untimed. */
const HERE = { parts: 1, finish: () => {} } as const;

export class Parallel {
  /** Figures pinned by the user (setCostModel), used instead of the measured ones. */
  private pinned: Partial<CostModel> = {};
  private measured: Costs;
  /** measured overlaid by pinned, rebuilt when either changes (kernels read it on every call). */
  private current: Costs;
  /** The calling thread's job words. */
  private readonly job: number;
  /** The calling thread's scratch (gemmScratchBytes(), also enough for attention). */
  private readonly scratch: number;

  constructor(
    private readonly k: KernelExports,
    private readonly heap: Heap,
    private readonly workers: Workers,
  ) {
    this.job = heap.alloc(JOB_WORDS * 4);
    this.scratch = heap.alloc(k.gemmScratchBytes());
    this.measured = this.measure(5, true);
    this.current = this.measured;
  }

  /** Threads in use, the calling one included. */
  get threads(): number {
    return this.workers.threads;
  }

  /** The costs in use: measured, or pinned. */
  get costs(): Costs {
    return this.current;
  }

  /** The whole model in use, the dispatch cost included. */
  model(): CostModel {
    return {
      ...this.costs,
      dispatch: this.pinned.dispatch ?? this.workers.dispatchNs,
      hotDispatch: this.pinned.dispatch ?? this.workers.hotDispatchNs,
    };
  }

  /** Pins some figures of the model (the others stay measured); `{}` unpins all. */
  pin(figures: Partial<Costs & { dispatch: number }>): void {
    this.pinned = { ...figures };
    this.current = { ...this.measured, ...this.pinned };
  }

  /**
   * Both sides of the model drift with the host's load (another process's threads slow a
   * dispatch far more than the work): with a pool, they are re-timed (briefly) every
   * REFRESH_MS of use, so a model measured on a busy host does not keep refusing splits once it
   * is quiet, nor the reverse.
   */
  private refreshAt = performance.now() + FIRST_REFRESH_MS;

  private refresh(): void {
    this.refreshAt = performance.now() + REFRESH_MS;
    this.measured = this.measure(3);
    this.current = { ...this.measured, ...this.pinned };
    this.workers.measureDispatch(3);
  }

  /**
   * Times a 128³ GEMM and 16 Ki-element add and exp passes on this thread (a few ms in all), the
   * first time (`cold`) once they run optimized code (warmUp).
   */
  private measure(repeats: number, cold = false): Costs {
    const n = 128;
    const bytes = n * n * 4;
    const a = this.heap.alloc(3 * bytes);
    new Float32Array(this.heap.memory.buffer, a, 3 * n * n).fill(0.5);
    const args: GemmArgs = {
      M: n,
      N: n,
      K: n,
      a,
      aRow: n,
      aCol: 1,
      b: a + bytes,
      bRow: n,
      bCol: 1,
      c: a + 2 * bytes,
      ldc: n,
      accumulate: false,
    };
    const m = 16384;
    const jobs = [
      [Job.gemm, ...gemmWords(args)],
      [Job.binary, Binary.add, a, a + 4 * m, a + 8 * m, 0, m],
      [Job.unary, Unary.exp, a, a + 4 * m, 0, m],
    ];
    if (cold) this.warmUp(jobs);
    const [gemm, elem, exp] = jobs.map((job) => fastest(repeats, () => this.local(job)));
    this.heap.free(a);
    return { gemmFlop: gemm / (2 * n * n * n), elem: elem / m, transcendental: exp / m };
  }

  /**
   * Runs `jobs` in rounds until each runs in under half its second round's time (or WARM_UP_MS
   * pass): V8 runs a new module's functions as baseline code (Liftoff) until a background compile
   * swaps in optimized code, 2-4x faster for these kernels (measured at start-up here: gemm 0.09
   * against 0.02 ns per flop, add 0.57 against 0.17 ns per element), and figures timed on the
   * baseline code had every call look 3x bigger than it is, splitting calls too small to gain.
   * The first round is left out of the reference: it includes the baseline compile.
   */
  private warmUp(jobs: readonly (readonly number[])[]): void {
    const until = performance.now() + WARM_UP_MS;
    const reference: number[] = [];
    for (let round = 0; performance.now() < until; round++) {
      const times = jobs.map((job) => fastest(1, () => this.local(job)));
      if (round === 1) reference.push(...times);
      if (round > 1 && times.every((t, i) => t < reference[i] / 2)) return;
    }
  }

  /** Runs one job on the calling thread. */
  local(job: readonly number[]): void {
    this.heap.setInt32(this.job, job);
    this.k.runJob(this.job, this.scratch);
  }

  /**
   * How many chunks (at most `most`) a call estimated at `ns` on one thread is worth splitting
   * into; 1 to run it here. A worker joins after the dispatch latency (polling workers: the hot
   * one; asleep: the cold one), the calling thread working meanwhile, so a split saves
   * (ns − latency)·(1 − 1/threads) and costs little more than publishing the task (POST_NS)
   * even when no worker joins: it splits when the saving is more than twice that.
   */
  parts(ns: number, most: number): number {
    const threads = this.workers.threads;
    if (threads < 2 || most < 2) return 1;
    if (performance.now() > this.refreshAt) this.refresh();
    const hot = this.workers.polling();
    const pinned = this.pinned.dispatch;
    const post = pinned ?? POST_NS;
    const pays = (latency: number) => (ns - latency) * (1 - 1 / threads) > 2 * post;
    const { dispatchNs, hotDispatchNs } = this.workers;
    if (pays(pinned ?? (hot ? hotDispatchNs : dispatchNs))) {
      const chunks = Math.max(threads, Math.min(threads * CHUNKS_PER_THREAD, Math.floor(ns / MIN_CHUNK_NS)));
      return Math.min(most, MAX_CHUNKS, chunks);
    }
    return 1;
  }

  /** The clock plan() times calls with (ms). */
  private readonly now = () => performance.now();

  /**
   * What calls like this one (its kind, its estimated size to within 2x) have cost run here:
   * measured time over estimated one-thread time (a running average; NaN before the first);
   * whether splitting lost (`losing`: run here, retrying a split after `backoff` calls, `turn`
   * counting them; while it wins, `turn` counts calls to the next local one), and how many split
   * calls in a row were slower than running here (`slower`).
   */
  private readonly outcomes = new Map<
    number,
    { local: number; losing: boolean; slower: number; turn: number; backoff: number }
  >();

  /**
   * The model's chunk count for a call of kind `kind` (any number naming what the call does)
   * estimated at `ns`, checked against what such calls measured: the estimate is scaled by the
   * time such calls took here, and once both ways have been timed, a call splits only while
   * splitting has been faster. A host too busy for the workers to keep up (they are descheduled
   * while holding chunks) so stops splitting: two split calls in a row slower than running here
   * switch it off (one is not enough: a single descheduled chunk, common on a shared host, made
   * 256³ products in Chromium stop splitting for hundreds of calls, at 46-48 GFLOP/s against 74-78
   * split); the split way is then retried after 8, 16, ... up to 512 calls, and while splitting
   * wins, the local way is re-timed every 16th call. `finish()` (call it when the work is done)
   * records the time. Pinned figures skip the record, and calls estimated under TRACK_NS run here
   * untimed.
   */
  plan(ns: number, most: number, kind: number): { parts: number; finish: () => void } {
    if (this.workers.threads < 2 || most < 2) return HERE;
    // Pinned (the tests of the split paths): the model alone, at any size.
    if (this.pinned.dispatch !== undefined) return { parts: this.parts(ns, most), finish: () => {} };
    if (ns < TRACK_NS) return HERE;
    const key = kind * 64 + Math.min(63, Math.max(0, Math.round(Math.log2(ns / 1000))));
    let o = this.outcomes.get(key);
    if (!o) {
      o = { local: Number.NaN, losing: false, slower: 0, turn: 0, backoff: PROBE.min };
      this.outcomes.set(key, o);
    }
    // The estimate as calls like this one measured it, run here (the model alone before).
    const p = this.parts(Number.isNaN(o.local) ? ns : ns * o.local, most);
    let split: boolean;
    if (p < 2) split = false;
    else if (Number.isNaN(o.local)) split = false;
    else if (o.losing) split = ++o.turn >= o.backoff;
    else split = ++o.turn % PROBE.local !== 0;
    const t0 = this.now();
    const outcome = o;
    return {
      parts: split ? p : 1,
      finish: () => {
        const r = ((this.now() - t0) * 1e6) / ns;
        if (!split) {
          outcome.local = Number.isNaN(outcome.local) ? r : outcome.local + (r - outcome.local) / 4;
          return;
        }
        const slower = r >= outcome.local;
        if (outcome.losing) {
          // A retry: its time alone says whether the host lets splitting win again.
          if (slower) outcome.backoff = Math.min(PROBE.max, 2 * outcome.backoff);
          else {
            outcome.losing = false;
            outcome.backoff = PROBE.min;
          }
          outcome.turn = 0;
          outcome.slower = 0;
          return;
        }
        outcome.slower = slower ? outcome.slower + 1 : 0;
        if (outcome.slower >= 2) {
          // Lost twice in a row: run here, and retry the split after PROBE.min calls.
          outcome.losing = true;
          outcome.turn = 0;
        }
      },
    };
  }

  /** Runs chunks on the pool; false without one. */
  private onPool(jobs: readonly (readonly number[])[]): boolean {
    return this.workers.run(jobs, (at) => this.k.runJob(at, this.scratch));
  }

  /**
   * Runs `make(from, to)`'s jobs over [0, total) units, each unit costing about `nsPerUnit` on one
   * thread: on the calling thread, or in chunks of whole multiples of `align` units (as plan()
   * decides for the jobs' kind).
   */
  split(total: number, nsPerUnit: number, align: number, make: (from: number, to: number) => number[]): void {
    const ns = total * nsPerUnit;
    const whole = make(0, total);
    const plan = this.plan(ns, Math.ceil(total / align), whole[0]);
    if (plan.parts > 1) {
      const bounds = chunkBounds(total, plan.parts, align);
      const jobs: number[][] = [];
      for (let i = 1; i < bounds.length; i++) jobs.push(make(bounds[i - 1], bounds[i]));
      if (!this.onPool(jobs)) this.local(whole);
    } else this.local(whole);
    plan.finish();
  }

  /** Runs independent jobs (chunks) on the pool; all here, in order, without a pool. */
  run(jobs: readonly (readonly number[])[]): void {
    if (jobs.length > 1 && this.onPool(jobs)) return;
    for (const job of jobs) this.local(job);
  }

  /** C = op(A)·op(B) (or +=): dot products, the pool, or one thread, whichever the model prefers. */
  gemm(args: GemmArgs): void {
    const { M, N } = args;
    // A few rows times a row-major Bᵀ (batch-1 inference): dot products beat packing B.
    if (M <= 4 && args.aCol === 1 && args.bCol !== 1 && args.bRow === 1) {
      this.heap.setInt32(this.job, gemmWords(args));
      this.k.dotRows(this.job);
      return;
    }
    // Split C by rows (parts share B) or by columns (parts share A), aligned to the 4x8 tile.
    const byRows = M >= 4 * 2 && (N < 8 * 2 || M >= N);
    const extent = byRows ? M : N;
    const align = byRows ? 4 : 8;
    const ns = 2 * M * N * args.K * this.costs.gemmFlop;
    this.split(extent, ns / extent, align, (from, to) => {
      // Every field written out: a spread that adds a property args lacks (bias) takes V8's
      // slow path, measured at ~1.8 µs per object, most of a small product's call.
      const part: GemmArgs = {
        M: byRows ? to - from : M,
        N: byRows ? N : to - from,
        K: args.K,
        a: byRows ? args.a + 4 * from * args.aRow : args.a,
        aRow: args.aRow,
        aCol: args.aCol,
        b: byRows ? args.b : args.b + 4 * from * args.bCol,
        bRow: args.bRow,
        bCol: args.bCol,
        c: args.c + 4 * from * (byRows ? args.ldc : 1),
        ldc: args.ldc,
        accumulate: args.accumulate,
        bias: args.bias && !byRows ? args.bias + 4 * from : (args.bias ?? 0),
        act: args.act ?? 0,
      };
      return [Job.gemm, ...gemmWords(part)];
    });
  }
}
