// Keeping a worker off the calling thread's CPU: the /proc parsing, and the policy on a fake clock
// and fake CPU readings (no timing, no real scheduler).
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../dist/index.js';
import { type CpuReader, cpuOfStat, procCpuReader, Spread } from '../dist/placement.js';
import { CONTROL_BYTES, Control } from '../dist/pool.js';

/** A reader answering from a script: 'together' or 'apart' per call (the last one repeats). */
function scripted(answers: ('together' | 'apart' | null)[]): CpuReader & { calls: number } {
  return {
    calls: 0,
    read() {
      const a = answers[Math.min(this.calls, answers.length - 1)];
      this.calls++;
      if (a === null) return null;
      return a === 'together' ? { worker: 1, caller: 1 } : { worker: 0, caller: 1 };
    },
    close() {},
  };
}

describe('cpuOfStat', () => {
  it('reads the processor field after a command holding spaces and parentheses', () => {
    // pid (comm) state, then fields 4..52: the processor is field 39.
    const rest = Array.from({ length: 49 }, (_, i) => String(i + 4));
    rest[39 - 4] = '7';
    expect(cpuOfStat(`42 (node (a b)) S ${rest.join(' ')}`)).toBe(7);
    expect(cpuOfStat('42 (short) S 1 2')).toBe(-1);
  });

  it('procCpuReader gives this process its real CPUs on Linux, and null without /proc', () => {
    const cpu = procCpuReader({ openSync, readSync, closeSync });
    const haveProc = (() => {
      try {
        readFileSync('/proc/self/stat');
        return true;
      } catch {
        return false;
      }
    })();
    if (!haveProc) {
      expect(cpu).toBeNull();
      return;
    }
    const where = cpu?.read();
    expect(where).not.toBeNull();
    for (const c of [where?.worker, where?.caller]) {
      expect(Number.isInteger(c)).toBe(true);
      expect(c).toBeGreaterThanOrEqual(0);
      expect(c).toBeLessThan(cpus().length);
    }
    // Closed: its descriptors are released, and it reads nothing more.
    const fds = readdirSync('/proc/self/fd').length;
    const another = procCpuReader({ openSync, readSync, closeSync });
    expect(readdirSync('/proc/self/fd').length).toBe(fds + 2);
    another?.close();
    another?.close();
    expect(readdirSync('/proc/self/fd').length).toBe(fds);
    expect(another?.read()).toBeNull();
    cpu?.close();
    // A failed open (no /proc/thread-self before Linux 3.17) closes what it opened.
    const closed: number[] = [];
    const failing = procCpuReader({
      openSync: (path: string) => {
        if (path.includes('thread-self')) return 99;
        throw new Error('ENOENT');
      },
      readSync,
      closeSync: (fd: number) => closed.push(fd),
    });
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

  it('gives up after 20 ms and retries after twice as long each time it fails, up to 5 s', () => {
    const s = new Spread(scripted(['together']));
    let t = 0;
    const waits: number[] = [];
    for (let attempt = 0; attempt < 10; attempt++) {
      expect(s.keepPolling(t)).toBe(true);
      // Re-checked every 0.5 ms until 20 ms have passed.
      do t += 0.5;
      while (s.keepPolling(t));
      expect(t).toBe(20 * (attempt + 1) + waits.reduce((a, b) => a + b, 0));
      // The next spread starts once the wait has passed, not before.
      let wait = 10;
      while (!s.keepPolling(t + wait)) wait += 10;
      waits.push(wait);
      t += wait;
    }
    expect(waits).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000]);
    // Each wait ended by starting the next spread.
    expect(s.spreads).toBe(11);
  });

  it('a reader that cannot tell (null) never keeps a worker polling', () => {
    const s = new Spread(scripted([null]));
    for (let t = 0; t < 500; t += 10) expect(s.keepPolling(t)).toBe(false);
    expect(s.spreads).toBe(0);
  });
});

describe("a worker's wait with a placement", () => {
  it('polls past its spin while the placement says so, without dozing', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    expect(CONTROL_BYTES).toBeLessThan(65536);
    const control = new Control(memory, 0);
    const seen = control.task();
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
    expect(control.next(0, seen, placement)).toBe(seen + 1);
    expect(asked.length).toBeGreaterThan(1);
    expect(control.dozes(0)).toBe(0);
  });
});

describe('workers and their /proc descriptors', () => {
  it('a stopped pool leaves no descriptor open (setThreads back and forth)', async () => {
    if (!existsSync('/proc/self/fd')) return;
    const count = () => readdirSync('/proc/self/fd').length;
    const b = await createWasmBackend({ threads: 1 });
    await b.setThreads(2);
    await b.setThreads(1);
    const base = count();
    for (let i = 0; i < 5; i++) {
      await b.setThreads(2);
      await b.setThreads(1);
    }
    expect(count()).toBe(base);
    b.dispose();
  }, 60_000);
});
