/**
 * Keeping a pool worker off the calling thread's CPU (Node on Linux). Measured on this project's
 * machine (a 2-vCPU VM whose kernel sees no shared cache between its CPUs): the scheduler often
 * ran the worker on the calling thread's CPU and left it there, since a task that wakes from a
 * timed wait (a dozing worker) stays on its last CPU when the kernel has no sibling CPU to look
 * at. A training step then ran slower on two threads than on one (MLP batch 64: 870-1,550 µs a
 * step with both threads on one CPU, 605-680 µs on two, 660-985 µs on one thread), every doze
 * wake-up preempting the calling thread. Only a task that stays runnable is moved by the load
 * balancer: a worker that finds itself on the CPU of a calling thread that is running keeps
 * polling (runnable) instead of dozing until it has been moved, for at most SPREAD_MS; a spread
 * that fails (the other CPU is busy with another process) is retried after twice as long as the
 * last wait, up to MAX_WAIT_MS, and each success halves that wait again. The calling thread is the
 * one that started the pool (the main thread, or a worker_threads Worker running the backend).
 */

/** Milliseconds between two checks of where the threads run (each ~10 µs of the worker's time). */
const CHECK_MS = 50;
/** Milliseconds a worker keeps polling to be moved off the caller's CPU, at most. */
const SPREAD_MS = 20;
/** Milliseconds between two checks while it keeps polling. */
const RECHECK_MS = 0.5;
/** The longest wait before retrying a spread that failed (ms). */
const MAX_WAIT_MS = 5000;

/** Where the threads are: the worker's (the current thread's) CPU and the calling thread's. */
export interface Whereabouts {
  /** The CPU the worker last ran on. */
  worker: number;
  /** The CPU the calling thread last ran on. */
  caller: number;
  /** True when the calling thread is running or waiting for a CPU (state R), not asleep. */
  callerRunning: boolean;
}

/** Reads where the threads are. */
export interface CpuReader {
  /** Where both threads are, or null when it cannot be read. */
  read(): Whereabouts | null;
  /** Releases what the reader holds (file descriptors are the process's, not the thread's). */
  close(): void;
}

/** What a worker's wait (Control.next) asks before it dozes, and while it keeps polling. */
export interface Placement {
  /** True to keep polling rather than doze (`now`: performance.now()). */
  keepPolling(now: number): boolean;
}

/**
 * The state (3rd field) and the CPU (39th) of a /proc stat line, read after the command's closing
 * parenthesis (the command may hold spaces or parentheses itself); cpu −1 when the line is short.
 *
 * @example
 * const rest = Array.from({ length: 35 }, () => '0'); // fields 4 to 38
 * parseStat(`42 (node (a b)) R ${rest.join(' ')} 3 0`); // { state: 'R', cpu: 3 }
 */
export function parseStat(stat: string): { state: string; cpu: number } {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = Number(fields[36]);
  return { state: fields[0] ?? '', cpu: Number.isInteger(cpu) && cpu >= 0 ? cpu : -1 };
}

/** The file-system calls a reader needs (node:fs's, passed in so browsers never load them). */
export interface ProcFs {
  openSync(path: string, flags: string): number;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  closeSync(fd: number): void;
}

/**
 * The stat file of the thread that calls it (`/proc/<pid>/task/<tid>/stat`), for a worker to
 * watch the thread that started it; null where there is no /proc.
 *
 * @example callerStatPath(fs) // '/proc/4242/task/4242/stat' on a process's main thread
 */
export function callerStatPath(fs: { readlinkSync(path: string): string }): string | null {
  try {
    return `/proc/${fs.readlinkSync('/proc/thread-self')}/stat`;
  } catch {
    return null;
  }
}

/**
 * A CpuReader over /proc (Linux), for the worker thread that calls it: its own stat file and the
 * calling thread's (`callerStat`, from callerStatPath() on that thread), opened once and re-read
 * in place (~5 µs each); null when they cannot be opened.
 *
 * @example
 * const reader = procCpuReader(fs, init.callerStat);
 * reader?.read(); // { worker: 1, caller: 0, callerRunning: true }
 */
export function procCpuReader(fs: ProcFs, callerStat: string): CpuReader | null {
  const fds: number[] = [];
  try {
    for (const path of ['/proc/thread-self/stat', callerStat]) fds.push(fs.openSync(path, 'r'));
  } catch {
    for (const fd of fds) fs.closeSync(fd);
    return null;
  }
  const [self, caller] = fds;
  const buffer = new Uint8Array(1024);
  // UTF-8 (the one encoding every TextDecoder has): ')' and ' ' never occur inside a multi-byte
  // sequence, so a command holding any bytes still parses.
  const decoder = new TextDecoder();
  const stat = (fd: number) => {
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return parseStat(decoder.decode(buffer.subarray(0, n)));
  };
  let open = true;
  return {
    read() {
      if (!open) return null;
      try {
        const worker = stat(self).cpu;
        const { state, cpu } = stat(caller);
        return worker < 0 || cpu < 0 ? null : { worker, caller: cpu, callerRunning: state === 'R' };
      } catch {
        return null;
      }
    },
    close() {
      if (!open) return;
      open = false;
      for (const fd of fds) fs.closeSync(fd);
    },
  };
}

/**
 * The policy: every CHECK_MS, a worker about to doze checks whether it is on the CPU of a running
 * calling thread; if so it keeps polling, re-checking every RECHECK_MS, until it is moved (or the
 * caller sleeps) or SPREAD_MS pass. `spreads` counts the spreads started (diagnostics, tests).
 *
 * @example
 * const spread = new Spread(reader);
 * control.next(slot, seen, spread); // polls on while spread.keepPolling(now) says so
 */
export class Spread implements Placement {
  private nextCheck = 0;
  private spreadingUntil = 0;
  /** The wait before retrying after a failed spread (ms): doubled by each failure, halved by each success. */
  private backoff = CHECK_MS;
  spreads = 0;

  constructor(private readonly reader: CpuReader) {}

  keepPolling(now: number): boolean {
    if (now < this.nextCheck) return this.spreadingUntil > 0;
    const where = this.reader.read();
    const together = where?.callerRunning === true && where.worker === where.caller;
    if (this.spreadingUntil > 0) {
      if (!together) {
        this.backoff = Math.max(CHECK_MS, this.backoff / 2);
        return this.stop(now + CHECK_MS);
      }
      if (now >= this.spreadingUntil) {
        this.backoff = Math.min(MAX_WAIT_MS, 2 * this.backoff);
        return this.stop(now + this.backoff);
      }
      this.nextCheck = now + RECHECK_MS;
      return true;
    }
    if (!together) {
      this.nextCheck = now + CHECK_MS;
      return false;
    }
    this.spreads++;
    this.spreadingUntil = now + SPREAD_MS;
    this.nextCheck = now + RECHECK_MS;
    return true;
  }

  /** Releases the reader (the worker is leaving). */
  close(): void {
    this.reader.close();
  }

  private stop(nextCheck: number): false {
    this.spreadingUntil = 0;
    this.nextCheck = nextCheck;
    return false;
  }
}
