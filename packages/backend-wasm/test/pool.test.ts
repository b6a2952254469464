// The pool's protocol without timings: a trapping job, a task no worker joins, how the cost
// model reads the workers' state (a fake pool), and overlapping setThreads calls.
import { BackendError } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { chunkBounds } from '../dist/chunks.js';
import { Job, Unary } from '../dist/codes.js';
import { createWasmBackend, type WasmBackend } from '../dist/index.js';
import type { WasmContext } from '../dist/kernels/context.js';
import { CONTROL_BYTES, type Control, WorkerPool } from '../dist/pool.js';

/** The backend's kernels, heap and pool (private fields: an internal test hook). */
const internals = (b: WasmBackend) => (b as unknown as { ctx: WasmContext }).ctx;

/** exp over n elements from..to in parts, one per thread; returns the outputs. */
function splitExp(b: WasmBackend, n: number): Float32Array {
  const { heap, par } = internals(b);
  const x = heap.alloc(8 * n);
  new Float32Array(heap.memory.buffer, x, n).forEach((_, i, a) => {
    a[i] = i / n;
  });
  const half = n >> 1;
  par.run([
    [Job.unary, Unary.exp, x, x + 4 * n, 0, half],
    [Job.unary, Unary.exp, x, x + 4 * n, half, n],
  ]);
  const out = new Float32Array(heap.memory.buffer, x + 4 * n, n).slice();
  heap.free(x);
  return out;
}

describe('worker pool protocol', () => {
  it('throws a BackendError naming the kernel when a worker traps, and stays usable', async () => {
    const b = await createWasmBackend({ threads: 2 });
    const { heap, par } = internals(b);
    const end = heap.memory.buffer.byteLength;
    // A chunk reads past the end of linear memory: a trap on whichever thread claims it.
    const trap = () => par.run([[Job.none], [Job.unary, Unary.exp, end + 64, end + 64, 0, 1024]]);
    expect(trap).toThrow(BackendError);
    expect(trap).toThrow(/kernel 'unary' trapped on (worker 1|the calling thread)/);
    // The next calls run (no hang) and compute, on both threads.
    const out = splitExp(b, 64);
    out.forEach((v, i) => expect(v).toBeCloseTo(Math.exp(i / 64), 5));
    b.dispose();
  }, 30_000);

  it('a worker dozes after a task before it blocks, and answers a task in either state', async () => {
    const b = await createWasmBackend({ threads: 2 });
    const pool = (internals(b).par as unknown as { workers: { pool: WorkerPool } }).workers.pool;
    const control = (pool as unknown as { control: Control }).control;
    /** Spins until worker 0 blocks (no fixed sleep: a busy host may stretch any wait). */
    const blocked = () => {
      const until = performance.now() + 10_000;
      while (!control.blocked(0) && performance.now() < until) {
        // It polls for SPIN_MS, then dozes for DOZE_MS.
      }
      return control.blocked(0);
    };
    // From blocked, each task is followed by exactly one doze, then blocking again.
    expect(blocked()).toBe(true);
    for (let round = 0; round < 3; round++) {
      const dozes = control.dozes(0);
      // roundTrip() returns once the worker has run its chunk, in whatever state it was found.
      pool.roundTrip();
      expect(blocked()).toBe(true);
      // Between the task and blocking, it dozed once.
      expect(control.dozes(0)).toBe(dozes + 1);
    }
    // Back to back: the worker is polling or dozing when each task is published (no notify).
    for (let i = 0; i < 100; i++) pool.roundTrip();
    splitExp(b, 64).forEach((v, i) => expect(v).toBeCloseTo(Math.exp(i / 64), 5));
    b.dispose();
  }, 60_000);

  it('setThreads calls not awaited run in order', async () => {
    const b = await createWasmBackend({ threads: 1 });
    const calls = [b.setThreads(2), b.setThreads(3), b.setThreads(2)];
    await Promise.all(calls);
    expect(b.threads).toBe(2);
    splitExp(b, 32).forEach((v, i) => expect(v).toBeCloseTo(Math.exp(i / 32), 5));
    await Promise.all([b.setThreads(3), b.setThreads(1)]);
    expect(b.threads).toBe(1);
    b.dispose();
  }, 60_000);
});

describe('a task no worker joins', () => {
  it('runs every chunk on the calling thread instead of waiting for the worker', async () => {
    const b = await createWasmBackend({ threads: 1 });
    const { k, heap } = internals(b);
    const ctrl = heap.alloc(CONTROL_BYTES);
    heap.int32(ctrl, CONTROL_BYTES / 4).fill(0);
    const scratch = heap.alloc(k.gemmScratchBytes());
    // A pool with one worker that never runs (asleep, or descheduled on a busy host).
    let stopped = 0;
    const pool = new WorkerPool(heap.memory, ctrl, [{ terminate: () => stopped++ }]);
    const n = 64;
    const x = heap.alloc(8 * n);
    const xs = new Float32Array(heap.memory.buffer, x, n);
    xs.forEach((_, i) => {
      xs[i] = i / n;
    });
    const jobs = [0, 16, 32, 48].map((from) => [Job.unary, Unary.exp, x, x + 4 * n, from, from + 16]);
    for (let round = 0; round < 3; round++) {
      new Float32Array(heap.memory.buffer, x + 4 * n, n).fill(0);
      pool.run(jobs, (at) => k.runJob(at, scratch));
      new Float32Array(heap.memory.buffer, x + 4 * n, n).forEach((v, i) => {
        expect(v).toBeCloseTo(Math.exp(i / n), 5);
      });
    }
    // Nothing was asked of the worker (no terminate: it would wait 2 s for this one to leave).
    expect(stopped).toBe(0);
    b.dispose();
  }, 30_000);
});

/**
 * A Parallel over a fake two-thread pool (a worker joins 1 µs after a call while polling, 1 ms
 * otherwise; `state.polling` says which) and a clock the test moves (`clock.ms`): plan() times
 * calls with it.
 */
async function fakeParallel() {
  const { Parallel } = await import('../dist/parallel.js');
  const b = await createWasmBackend({ threads: 1 });
  const { k, heap } = internals(b);
  const state = { polling: true };
  const fake = {
    threads: 2,
    dispatchNs: 1e6,
    hotDispatchNs: 1e3,
    polling: () => state.polling,
    measureDispatch: () => {},
    run: () => false,
  };
  const par = new Parallel(k, heap, fake as unknown as ConstructorParameters<typeof Parallel>[2]);
  const clock = { ms: 0 };
  (par as unknown as { now: () => number }).now = () => clock.ms;
  return { b, par, fake, state, clock };
}

describe('cost model and worker state', () => {
  it('splits when a worker joins soon enough to pay', async () => {
    const { b, par, fake, state } = await fakeParallel();
    // 100 µs of work with polling workers: 4 chunks of 25 µs on average, at most `most`.
    state.polling = true;
    expect(par.parts(1e5, 8)).toBe(4);
    expect(par.parts(1e5, 3)).toBe(3);
    expect(par.parts(1e5, 1)).toBe(1);
    // 40 µs: one chunk per thread (chunks under 25 µs cost more than they balance).
    expect(par.parts(4e4, 8)).toBe(2);
    // 10 µs: the saving is under twice the cost of publishing the task.
    expect(par.parts(1e4, 8)).toBe(1);
    // Not polling: 100 µs does not pay for the 1 ms wake-up; 5 ms does, in 3 chunks per thread
    // at most (the calling thread works while a worker wakes up).
    state.polling = false;
    expect(par.parts(1e5, 8)).toBe(1);
    expect(par.parts(5e6, 8)).toBe(6);
    // A busy host: 10 ms to wake a worker. 5 ms runs here.
    fake.dispatchNs = 1e7;
    expect(par.parts(5e6, 8)).toBe(1);
    b.dispose();
  });

  it('keeps splitting a kind of call only while splitting has measured faster than running here', async () => {
    const { b, par, clock } = await fakeParallel();
    /** Plans a 1 ms call of kind 7 taking `localMs` here or `splitMs` split; whether it split. */
    const call = (localMs: number, splitMs: number) => {
      const plan = par.plan(1e6, 8, 7);
      clock.ms += plan.parts > 1 ? splitMs : localMs;
      plan.finish();
      return plan.parts > 1;
    };
    // First here, then split, to time both ways.
    expect(call(1, 3)).toBe(false);
    expect(call(1, 3)).toBe(true);
    // One split slower than running here is not enough to stop (a descheduled chunk); a second
    // in a row is (a busy host).
    expect(call(1, 3)).toBe(true);
    // Splitting lost: 8 calls here, then a retry, which loses again: 16 here...
    const run = (n: number, localMs: number, splitMs: number) =>
      Array.from({ length: n }, () => call(localMs, splitMs));
    expect(run(8, 1, 3)).toEqual([...Array(7).fill(false), true]);
    expect(run(16, 1, 3)).toEqual([...Array(15).fill(false), true]);
    // ...then 32 here, and the retry wins (the host is quiet again): split from now on, every
    // 16th call here to re-time that way.
    expect(run(32, 1, 0.5)).toEqual([...Array(31).fill(false), true]);
    const after = run(32, 1, 0.5);
    expect(after.filter((s) => !s).length).toBe(2);
    // While it wins, slow splits between fast ones do not switch it off...
    expect([call(1, 3), call(1, 0.5), call(1, 3), call(1, 0.5)]).toEqual([true, true, true, true]);
    // ...two in a row do: the next 7 calls run here, the 8th retries.
    expect([call(1, 3), call(1, 3)]).toEqual([true, true]);
    expect(run(8, 1, 3)).toEqual([...Array(7).fill(false), true]);
    // Another kind or size has its own record: first here.
    expect(par.plan(1e6, 8, 8).parts).toBe(1);
    expect(par.plan(8e6, 8, 7).parts).toBe(1);
    // Pinned figures (tests of the split paths) follow the model alone.
    par.pin({ dispatch: 0 });
    expect(par.plan(1e6, 8, 9).parts).toBe(6);
    // At any size: the kernels' tests pin it to run their split paths on small tensors.
    expect(par.plan(2000, 8, 9).parts).toBe(2);
    b.dispose();
  });

  it('scales an estimate by what calls like it measured, so an underestimated call gets split', async () => {
    const { b, par, clock } = await fakeParallel();
    /** Plans a call of kind 7 estimated at `ns` that takes `ms` here; its chunk count. */
    const call = (ns: number, ms: number) => {
      const plan = par.plan(ns, 8, 7);
      clock.ms += ms;
      plan.finish();
      return plan.parts;
    };
    // Estimated at 20 µs: too small to pay for a split. It measures 100 µs (a memory-bound call
    // on a large tensor), so the next one is planned as 100 µs: split (timed both ways).
    expect(call(2e4, 0.1)).toBe(1);
    expect(call(2e4, 0.1)).toBe(4);
    // Estimated at 5 µs: never timed, never split, whatever it takes.
    expect(call(5e3, 1)).toBe(1);
    expect(call(5e3, 1)).toBe(1);
    // A call that measures what the model said stays unsplit.
    const honest = (ns: number) => {
      const plan = par.plan(ns, 8, 8);
      clock.ms += ns / 1e6;
      plan.finish();
      return plan.parts;
    };
    expect([honest(2e4), honest(2e4), honest(2e4)]).toEqual([1, 1, 1]);
    b.dispose();
  });
});

describe('chunkBounds', () => {
  it('cuts [0, total) into aligned chunks that shrink from the first to the last', () => {
    expect(chunkBounds(128, 4, 8)).toEqual([0, 48, 88, 112, 128]);
    expect(chunkBounds(64, 6, 1)).toEqual([0, 18, 33, 46, 55, 61, 64]);
    // Fewer aligned blocks than parts: one chunk per block; the last chunk ends at total.
    expect(chunkBounds(10, 6, 4)).toEqual([0, 4, 8, 10]);
    expect(chunkBounds(1, 6, 16)).toEqual([0, 1]);
    for (let total = 1; total <= 300; total += 7) {
      for (const align of [1, 4, 8, 16]) {
        for (let parts = 1; parts <= 12; parts++) {
          const b = chunkBounds(total, parts, align);
          const blocks = Math.ceil(total / align);
          expect(b.length - 1).toBe(Math.min(parts, blocks));
          expect(b[0]).toBe(0);
          expect(b[b.length - 1]).toBe(total);
          const sizes = b.slice(1).map((end, i) => end - b[i]);
          for (let i = 0; i < sizes.length; i++) {
            if (i < sizes.length - 1) expect(sizes[i] % align).toBe(0);
            expect(sizes[i]).toBeGreaterThan(0);
            // Non-increasing in blocks (the last may end short of a whole block).
            if (i > 0) expect(Math.ceil(sizes[i] / align)).toBeLessThanOrEqual(sizes[i - 1] / align);
          }
        }
      }
    }
  });
});
