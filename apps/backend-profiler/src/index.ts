/**
 * A profiling backend: wraps another backend, forwards every call, and records how many times
 * each kernel ran and how long it took. It implements exactly the optional kernels the wrapped
 * backend has, so the front end keeps choosing the same code paths.
 *
 *   const profiler = createProfiler(new CpuBackend());
 *   registerBackend('profiled-cpu', () => profiler, 10);
 *   ... train ...
 *   console.log(profiler.report());
 */
import { type Backend, OPTIONAL_KERNELS, REQUIRED_KERNELS } from '@nnet/tensor';

/**
 * What the profiler recorded for one kernel.
 *
 * @example
 * ```ts
 * const { calls, ms } = profiler.stats().get('matmul') ?? { calls: 0, ms: 0 };
 * console.log(`matmul: ${calls} calls, ${(ms / calls).toFixed(3)} ms each`);
 * ```
 */
export interface KernelStats {
  /** How many times the kernel ran. */
  calls: number;
  /** Their total time in milliseconds (the wrapped call's wall time, as `now` measures it). */
  ms: number;
}

/**
 * A backend that forwards every call to the backend it wraps and records each kernel's calls and
 * time; made by {@link createProfiler}.
 *
 * @example
 * ```ts
 * const profiler = createProfiler(new CpuBackend());
 * registerBackend('profiled-cpu', () => profiler, 10);
 * await setBackend('profiled-cpu');
 * matmul(randn([64, 32]), randn([32, 16]));
 * profiler.stats().get('matmul')?.calls; // 1
 * ```
 */
export interface Profiler<H> extends Backend<H> {
  /** Calls and total milliseconds per kernel (unary/binary/... split by op, e.g. 'binary.add'). */
  stats(): Map<string, KernelStats>;
  /** A table of the kernels, slowest first. */
  report(): string;
  /** Forgets what was recorded. */
  reset(): void;
}

/**
 * Wraps `inner` in a profiling backend: the same storage and kernels (exactly the optional kernels
 * `inner` has), each kernel call timed with `now` and counted. Kernels taking an op are recorded
 * per op (`'unary.exp'`, `'binary.add'`, `'reduce.sum'`, ...), the others by name (`'matmul'`,
 * `'conv2d'`, ...).
 *
 * @param inner the backend to profile (any backend, e.g. `new CpuBackend()`)
 * @param now the clock, in milliseconds (default `performance.now()`; tests pass a fake one)
 *
 * @example
 * ```ts
 * const profiler = createProfiler(new CpuBackend());
 * registerBackend('profiled-cpu', () => profiler, 10);
 * await setBackend('profiled-cpu');
 * // ... train ...
 * console.log(profiler.report()); // kernels, slowest first
 * ```
 */
export function createProfiler<H>(
  inner: Backend<H>,
  now: () => number = () => performance.now(),
): Profiler<H> {
  const stats = new Map<string, KernelStats>();
  const record = (name: string, ms: number) => {
    const s = stats.get(name) ?? { calls: 0, ms: 0 };
    s.calls++;
    s.ms += ms;
    stats.set(name, s);
  };
  const wrapped: Record<string, unknown> = {
    name: `profiler(${inner.name})`,
    alloc: inner.alloc.bind(inner),
    free: inner.free.bind(inner),
    write: inner.write.bind(inner),
    read: inner.read.bind(inner),
    memory: inner.memory.bind(inner),
    stats: () => new Map(stats),
    reset: () => stats.clear(),
    report: () => {
      const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms);
      const total = rows.reduce((t, [, s]) => t + s.ms, 0);
      const lines = rows.map(
        ([k, s]) =>
          `${k.padEnd(24)} ${String(s.calls).padStart(8)} ${s.ms.toFixed(2).padStart(10)} ms ${((100 * s.ms) / (total || 1)).toFixed(1).padStart(5)} %`,
      );
      return [
        `${'kernel'.padEnd(24)} ${'calls'.padStart(8)} ${'time'.padStart(13)} ${'share'.padStart(7)}`,
        ...lines,
      ].join('\n');
    },
  };
  if (inner.readSync) wrapped.readSync = inner.readSync.bind(inner);
  if (inner.dispose) wrapped.dispose = inner.dispose.bind(inner);
  const kernels: string[] = [
    ...REQUIRED_KERNELS,
    ...OPTIONAL_KERNELS.filter((k) => typeof inner[k] === 'function'),
  ];
  for (const k of kernels) {
    const fn = (inner as unknown as Record<string, (...args: unknown[]) => unknown>)[k].bind(inner);
    // unary, binary, compare, reduce and argReduce take the op name first: profile per op.
    const perOp = ['unary', 'binary', 'compare', 'reduce', 'argReduce'].includes(k);
    wrapped[k] = (...args: unknown[]) => {
      const t0 = now();
      try {
        return fn(...args);
      } finally {
        record(perOp ? `${k}.${String(args[0])}` : k, now() - t0);
      }
    };
  }
  return wrapped as unknown as Profiler<H>;
}
