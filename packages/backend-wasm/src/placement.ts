/**
 * Keeping a pool worker off the calling thread's CPU (Node on Linux). Measured on this project's
 * machine (a 2-vCPU VM whose kernel sees no shared cache between its CPUs): the scheduler often
 * ran the worker on the calling thread's CPU and left it there, since a task that wakes from a
 * timed wait (a dozing worker) stays on its last CPU when the kernel has no sibling CPU to look
 * at. A training step then ran slower on two threads than on one (MLP batch 64: 870-1,550 µs a
 * step with both threads on one CPU, 605-680 µs on two, 660-985 µs on one thread), every doze
 * wake-up preempting the calling thread. Only a task that stays runnable is moved by the load
 * balancer: a worker that finds itself on the caller's CPU keeps polling (runnable) instead of
 * dozing until it has been moved, for at most SPREAD_MS; a spread that fails (the other CPU is
 * busy with another process) is retried after twice as long as the last wait, up to MAX_WAIT_MS.
 */

/** Milliseconds between two checks of where the threads run (each ~10 µs of the worker's time). */
const CHECK_MS = 50;
/** Milliseconds a worker keeps polling to be moved off the caller's CPU, at most. */
const SPREAD_MS = 20;
/** Milliseconds between two checks while it keeps polling. */
const RECHECK_MS = 0.5;
/** The longest wait before retrying a spread that failed (ms). */
const MAX_WAIT_MS = 5000;

/** Where the threads run: the CPUs the worker (the current thread) and the calling (main) thread last ran on. */
export interface CpuReader {
  /** Both CPUs, or null when they cannot be read. */
  read(): { worker: number; caller: number } | null;
  /** Releases what the reader holds (file descriptors are the process's, not the thread's). */
  close(): void;
}

/** What a worker's wait (Control.next) asks before it dozes, and while it keeps polling. */
export interface Placement {
  /** True to keep polling rather than doze (`now`: performance.now()). */
  keepPolling(now: number): boolean;
}

/**
 * The CPU field (39th) of a /proc stat line: the fields after the command's closing parenthesis
 * (the command may hold spaces or parentheses itself), of which it is the 37th.
 *
 * @example cpuOfStat('42 (node (x)) S 1 2 3 ...') // the processor field
 */
export function cpuOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = Number(fields[36]);
  return Number.isInteger(cpu) && cpu >= 0 ? cpu : -1;
}

/** The file-system calls a reader needs (node:fs's, passed in so browsers never load them). */
export interface ProcFs {
  openSync(path: string, flags: string): number;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  closeSync(fd: number): void;
}

/**
 * A CpuReader over /proc (Linux): the current thread's and the process's main thread's stat
 * files, opened once by the thread that will read them and re-read in place (~5 µs each); null
 * where there is no /proc.
 */
export function procCpuReader(fs: ProcFs): CpuReader | null {
  const fds: number[] = [];
  try {
    for (const path of ['/proc/thread-self/stat', '/proc/self/stat']) fds.push(fs.openSync(path, 'r'));
  } catch {
    for (const fd of fds) fs.closeSync(fd);
    return null;
  }
  const [self, main] = fds;
  const buffer = new Uint8Array(1024);
  const decoder = new TextDecoder('latin1');
  const cpu = (fd: number) => {
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return cpuOfStat(decoder.decode(buffer.subarray(0, n)));
  };
  let open = true;
  return {
    read() {
      if (!open) return null;
      try {
        const worker = cpu(self);
        const caller = cpu(main);
        return worker < 0 || caller < 0 ? null : { worker, caller };
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
 * The policy: every CHECK_MS, a worker about to doze checks whether it shares the caller's CPU;
 * if so it keeps polling, re-checking every RECHECK_MS, until it is moved or SPREAD_MS pass.
 * `spreads` counts the spreads started (diagnostics, tests).
 */
export class Spread implements Placement {
  private nextCheck = 0;
  private spreadingUntil = 0;
  private wait = CHECK_MS;
  spreads = 0;

  constructor(private readonly reader: CpuReader) {}

  keepPolling(now: number): boolean {
    if (now < this.nextCheck) return this.spreadingUntil > 0;
    const where = this.reader.read();
    const together = where !== null && where.worker === where.caller;
    if (this.spreadingUntil > 0) {
      if (!together) return this.stop(now, CHECK_MS);
      if (now >= this.spreadingUntil) return this.stop(now, Math.min(MAX_WAIT_MS, 2 * this.wait));
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

  private stop(now: number, wait: number): false {
    this.spreadingUntil = 0;
    this.wait = wait;
    this.nextCheck = now + wait;
    return false;
  }
}
