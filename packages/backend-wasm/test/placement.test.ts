// Keeping a worker off the calling thread's CPU: the /proc parsing and reading, the policy on a
// fake clock and fake readings (no timing, no real scheduler), and the worker's wait using it.
import { closeSync, existsSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../dist/index.js';
import {
  type CpuReader,
  callerStatPath,
  parseStat,
  procCpuReader,
  Spread,
  type Whereabouts,
} from '../dist/placement.js';
import { CONTROL_BYTES, Control } from '../dist/pool.js';

const linux = existsSync('/proc/thread-self/stat');
const fs = { openSync, readSync, closeSync };
/** This process's open descriptors on /proc stat files (a Node worker holds others of its own). */
const openFds = () =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return /^\/proc\/.*\/stat$/.test(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      return false;
    }
  }).length;

type Answer = 'together' | 'apart' | 'asleep' | null;

/** A reader answering from a script (the last answer repeats); 'asleep': same CPU, caller asleep. */
function scripted(answers: Answer[]): CpuReader & { calls: number; closed: boolean } {
  return {
    calls: 0,
    closed: false,
    read(): Whereabouts | null {
      const a = answers[Math.min(this.calls, answers.length - 1)];
      this.calls++;
      if (a === null) return null;
      return { worker: 1, caller: a === 'apart' ? 0 : 1, callerRunning: a !== 'asleep' };
    },
    close() {
      this.closed = true;
    },
  };
}

/** A stat line with `state` and `cpu` where the kernel puts them (fields 3 and 39). */
const statLine = (comm: string, state: string, cpu: number) =>
  `42 (${comm}) ${state} ${Array.from({ length: 35 }, (_, i) => String(i + 4)).join(' ')} ${cpu} 0 0`;

describe('parseStat', () => {
  it('reads the state and the processor after a command holding spaces and parentheses', () => {
    expect(parseStat(statLine('node (a b)', 'R', 7))).toEqual({ state: 'R', cpu: 7 });
    expect(parseStat(statLine('x) S (y', 'S', 0))).toEqual({ state: 'S', cpu: 0 });
    expect(parseStat('42 (short) S 1 2')).toEqual({ state: 'S', cpu: -1 });
    // The example of its doc comment.
    const rest = Array.from({ length: 35 }, () => '0');
    expect(parseStat(`42 (node (a b)) R ${rest.join(' ')} 3 0`)).toEqual({ state: 'R', cpu: 3 });
  });
});

describe.skipIf(!linux)('reading /proc (Linux)', () => {
  it("callerStatPath names this thread's stat file", () => {
    const path = callerStatPath({ readlinkSync });
    expect(path).toMatch(/^\/proc\/\d+\/task\/\d+\/stat$/);
    expect(existsSync(path ?? '')).toBe(true);
    expect(
      callerStatPath({
        readlinkSync: () => {
          throw new Error('ENOENT');
        },
      }),
    ).toBeNull();
  });

  it('procCpuReader reads real CPUs, holds two descriptors and releases them once closed', () => {
    const before = openFds();
    const reader = procCpuReader(fs, callerStatPath({ readlinkSync }) ?? '');
    expect(openFds()).toBe(before + 2);
    for (let i = 0; i < 100; i++) {
      const where = reader?.read();
      for (const cpu of [where?.worker, where?.caller]) {
        expect(Number.isInteger(cpu)).toBe(true);
        expect(cpu).toBeGreaterThanOrEqual(0);
      }
      // The "calling thread" is this one, which is running as it reads.
      expect(where?.callerRunning).toBe(true);
    }
    expect(openFds()).toBe(before + 2);
    reader?.close();
    reader?.close();
    expect(openFds()).toBe(before);
    expect(reader?.read()).toBeNull();
  });

  it('a failed open closes what it opened and gives no reader', () => {
    const closed: number[] = [];
    const failing = procCpuReader(
      {
        openSync: (path: string) => {
          if (path.includes('thread-self')) return 99;
          throw new Error('ENOENT');
        },
        readSync,
        closeSync: (fd: number) => closed.push(fd),
      },
      '/proc/1/task/1/stat',
    );
    expect(failing).toBeNull();
    expect(closed).toEqual([99]);
  });
});

describe('Spread', () => {
  it('checks at most every 50 ms while the threads run apart', () => {
    const read = scripted(['apart']);
    const s = new Spread(read);
    expect(s.keepPolling(0)).toBe(false);
    expect(s.keepPolling(10)).toBe(false);
    expect(s.keepPolling(49.9)).toBe(false);
    expect(read.calls).toBe(1);
    expect(s.keepPolling(50)).toBe(false);
    expect(read.calls).toBe(2);
    expect(s.spreads).toBe(0);
  });

  it('leaves a worker be on the CPU of a calling thread that sleeps', () => {
    const s = new Spread(scripted(['asleep']));
    for (let t = 0; t < 500; t += 10) expect(s.keepPolling(t)).toBe(false);
    expect(s.spreads).toBe(0);
  });

  it('keeps polling while together, re-checking every 0.5 ms, until moved', () => {
    const read = scripted(['together', 'together', 'together', 'apart']);
    const s = new Spread(read);
    expect(s.keepPolling(0)).toBe(true);
    expect(s.spreads).toBe(1);
    expect(s.keepPolling(0.2)).toBe(true); // between checks: no read
    expect(read.calls).toBe(1);
    expect(s.keepPolling(0.5)).toBe(true);
    expect(s.keepPolling(1)).toBe(true);
    expect(s.keepPolling(1.5)).toBe(false); // moved
    expect(read.calls).toBe(4);
    // Back to a check every 50 ms.
    expect(s.keepPolling(20)).toBe(false);
    expect(read.calls).toBe(4);
    expect(s.keepPolling(51.5)).toBe(false);
    expect(read.calls).toBe(5);
  });

  /** Runs one spread from `t` (keepPolling true at t) to its end; the time it ended. */
  const spreadFrom = (s: Spread, t: number) => {
    expect(s.keepPolling(t)).toBe(true);
    let now = t;
    do now += 0.5;
    while (s.keepPolling(now));
    return now;
  };
  /** The wait after `t` before keepPolling starts a spread again (10 ms steps). */
  const waitFrom = (s: Spread, t: number) => {
    let wait = 10;
    while (!s.keepPolling(t + wait)) wait += 10;
    return wait;
  };

  /**
   * Runs `n` spreads from t = 0 that each give up after 20 ms (the reader never says apart); the
   * wait after each, and the time the last wait ended (where the next spread started).
   */
  const failedSpreads = (s: Spread, n: number) => {
    let t = 0;
    const waits: number[] = [];
    for (let attempt = 0; attempt < n; attempt++) {
      const end = spreadFrom(s, t);
      expect(end - t).toBe(20);
      waits.push(waitFrom(s, end));
      t = end + waits[attempt];
    }
    return { waits, t };
  };

  it('gives up after 20 ms and retries after twice as long each time it fails, up to 5 s', () => {
    const s = new Spread(scripted(['together']));
    const { waits } = failedSpreads(s, 10);
    expect(waits).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000]);
    // Each wait ended by starting the next spread.
    expect(s.spreads).toBe(11);
  });

  it('halves the wait after a spread that succeeds', () => {
    // Three failed spreads (waits 100, 200, 400), then one that moves the worker, then a failure.
    const s = new Spread(scripted(['together']));
    const { waits, t } = failedSpreads(s, 3);
    expect(waits).toEqual([100, 200, 400]);
    // A reader that now says 'apart' once (moved), then 'together' again.
    const moved = scripted(['apart', 'together']);
    (s as unknown as { reader: CpuReader }).reader = moved;
    expect(s.keepPolling(t + 0.5)).toBe(false); // moved: the spread that started at t ends
    // Checked again 50 ms later: together, a new spread; it fails, and the wait is 2 × 400 / 2.
    const next = t + 0.5 + 50;
    expect(s.keepPolling(next - 1)).toBe(false);
    const end = spreadFrom(s, next);
    expect(waitFrom(s, end)).toBe(400);
  });

  it('a reader that cannot tell (null) never keeps a worker polling; close() releases the reader', () => {
    const reader = scripted([null]);
    const s = new Spread(reader);
    for (let t = 0; t < 500; t += 10) expect(s.keepPolling(t)).toBe(false);
    expect(s.spreads).toBe(0);
    s.close();
    expect(reader.closed).toBe(true);
  });
});

describe("a worker's wait with a placement", () => {
  it('polls past its spin while the placement says so, without dozing', async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    expect(CONTROL_BYTES).toBeLessThan(65536);
    const control = new Control(memory, 0);
    const seen = control.task();
    // A backstop: if next() ignored the placement it would doze, then block with no timeout;
    // this thread publishes another task after 2 s so the test fails instead of hanging.
    const backstop = new Worker(
      `const { workerData } = require('node:worker_threads');
       const ctrl = new Int32Array(workerData.buffer, 0, 1);
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
       Atomics.store(ctrl, 0, workerData.seen + 2);
       Atomics.notify(ctrl, 0);`,
      { eval: true, workerData: { buffer: memory.buffer, seen } },
    );
    const asked: number[] = [];
    // Keeps the worker polling for 10 ms (500x its spin), then publishes a task itself.
    const placement = {
      keepPolling(now: number) {
        asked.push(now);
        expect(control.polling(0)).toBe(true);
        // Word 0 is the task word (what a publisher stores).
        if (now - asked[0] > 10) Atomics.store(control.ctrl, 0, seen + 1);
        return true;
      },
    };
    const task = control.next(0, seen, placement);
    await backstop.terminate();
    expect(task).toBe(seen + 1);
    expect(asked.length).toBeGreaterThan(1);
    expect(control.dozes(0)).toBe(0);
  });
});

describe.skipIf(!linux)("a pool's workers and their /proc descriptors (Linux)", () => {
  it('each worker holds two while the pool runs, the same two however many tasks, none once stopped', async () => {
    const b = await createWasmBackend({ threads: 1 });
    const base = openFds();
    await b.setThreads(2);
    // The worker opens them as it starts, before it says it is ready.
    expect(openFds()).toBe(base + 2);
    const pool = (b as unknown as { ctx: { par: { workers: { pool: { roundTrip(): void } } } } }).ctx.par
      .workers.pool;
    for (let i = 0; i < 200; i++) pool.roundTrip();
    expect(openFds()).toBe(base + 2);
    await b.setThreads(1);
    expect(openFds()).toBe(base);
    b.dispose();
  }, 60_000);
});
