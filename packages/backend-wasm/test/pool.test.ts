// The pool's protocol without timings: a trapping job, how the cost model reads the workers'
// state (a fake pool), and overlapping setThreads calls.
import { BackendError } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { Job, Unary } from '../dist/codes.js';
import { createWasmBackend, type WasmBackend } from '../dist/index.js';
import type { WasmContext } from '../dist/kernels/context.js';

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
    // The worker's part reads past the end of linear memory: a trap in the worker.
    const trap = () => par.run([[Job.none], [Job.unary, Unary.exp, end + 64, end + 64, 0, 1024]]);
    expect(trap).toThrow(BackendError);
    expect(trap).toThrow(/kernel 'unary' trapped on worker 1/);
    // The next calls run (no hang) and compute, on both threads.
    const out = splitExp(b, 64);
    out.forEach((v, i) => expect(v).toBeCloseTo(Math.exp(i / 64), 5));
    b.dispose();
  }, 30_000);

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

describe('cost model and worker state', () => {
  it('splits when the workers say they poll, wakes them only for short calls, treats waking as asleep', async () => {
    const { Parallel } = await import('../dist/parallel.js');
    const b = await createWasmBackend({ threads: 1 });
    const { k, heap } = internals(b);
    const state = { idle: true, polling: false, wakes: 0 };
    // A fake two-thread pool: 1 µs to dispatch to polling workers, 1 ms to sleeping ones.
    const fake = {
      threads: 2,
      dispatchNs: 1e6,
      hotDispatchNs: 1e3,
      idle: () => state.idle,
      polling: () => state.polling,
      wake: () => {
        state.wakes++;
      },
      measureDispatch: () => {},
      run: () => false,
    };
    const par = new Parallel(k, heap, fake as unknown as ConstructorParameters<typeof Parallel>[2]);
    // 100 µs of work: pays only with polling workers.
    state.polling = true;
    expect(par.parts(1e5, 8)).toBe(2);
    expect(state.wakes).toBe(0);
    // Asleep: run here and wake them for the next calls.
    state.polling = false;
    expect(par.parts(1e5, 8)).toBe(1);
    expect(state.wakes).toBe(1);
    // 1 ms of work here outlasts their polling (SPIN_MS = 0.5 ms): waking them would be wasted.
    expect(par.parts(1e6, 8)).toBe(1);
    expect(state.wakes).toBe(1);
    // Still on the wake-up's empty job: a large call splits at the cold cost (not refused), a
    // small one neither splits nor wakes them again.
    state.idle = false;
    expect(par.parts(1e7, 8)).toBe(2);
    expect(par.parts(1e5, 8)).toBe(1);
    expect(state.wakes).toBe(1);
    b.dispose();
  });
});
