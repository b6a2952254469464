/**
 * One-thread children of a bench run pinned to one CPU (Linux, with util-linux's `taskset`). The
 * two vCPUs of this VM ran the same kernels 1.5-2x apart for minutes at a time (a busy sibling on
 * the host, measured by the host probe's host-cpu-speed), so a one-thread child's figure depended
 * on the CPU the scheduler happened to choose: one round of a contender on the fast CPU and the
 * next on the slow one. Pinned, contenders alternating in a run all meet the same CPU, and their
 * ratios compare code, not placement. Children of more threads are not pinned. `NNET_BENCH_PIN=0`
 * turns it off.
 */
import { spawnSync } from 'node:child_process';

/**
 * The pinning decision from its inputs: the environment, the platform and `affinity()`, what
 * `taskset -cp <pid>` printed (null when it did not run), asked only when the first two allow
 * pinning. pinCpu() feeds it the real ones.
 *
 * @example
 * choosePin({}, 'linux', () => "pid 7's current affinity list: 0,1\n"); // { cpu: 0 }
 * choosePin({ NNET_BENCH_PIN: '0' }, 'linux', () => '…'); // { why: 'NNET_BENCH_PIN=0' }
 */
export function choosePin(
  env: NodeJS.ProcessEnv,
  platform: string,
  affinity: () => string | null,
): { cpu: number } | { why: string } {
  if (env.NNET_BENCH_PIN === '0') return { why: 'NNET_BENCH_PIN=0' };
  if (platform !== 'linux') return { why: `not Linux (${platform})` };
  const cpu = /list:\s*(\d+)/.exec(affinity() ?? '');
  return cpu ? { cpu: Number(cpu[1]) } : { why: 'taskset did not run (util-linux missing?)' };
}

let chosen: { cpu: number } | { why: string } | undefined;

/**
 * The CPU one-thread children run on: the first of this process's affinity list, or why they are
 * not pinned (not Linux, no taskset, NNET_BENCH_PIN=0). Decided once per process.
 *
 * @example
 * pinCpu(); // { cpu: 0 } on Linux with taskset
 */
export function pinCpu(): { cpu: number } | { why: string } {
  chosen ??= choosePin(process.env, process.platform, () => {
    const r = spawnSync('taskset', ['-cp', String(process.pid)], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout : null;
  });
  return chosen;
}

/**
 * The command line that runs `command args` as a child of `threads` threads: under
 * `taskset -c <cpu>` for one thread when pinning is on, as given otherwise.
 *
 * @example
 * pinned(1, 'node', ['run-one.js']); // ['taskset', ['-c', '0', 'node', 'run-one.js']]
 * pinned(2, 'node', ['run-one.js']); // ['node', ['run-one.js']]
 */
export function pinned(threads: number, command: string, args: readonly string[]): [string, string[]] {
  const pin = threads === 1 ? pinCpu() : null;
  return pin && 'cpu' in pin ? ['taskset', ['-c', String(pin.cpu), command, ...args]] : [command, [...args]];
}

/** What a report says about pinning. */
export function pinNote(): string {
  const pin = pinCpu();
  return 'cpu' in pin
    ? `One-thread children ran pinned to CPU ${pin.cpu} (taskset), so every contender of the run met the same CPU: this VM's vCPUs differ in speed (host-cpu-speed, where measured); children of more threads were not pinned.`
    : `One-thread children were not pinned to a CPU: ${pin.why}. Their figures depend on the CPU the scheduler chose.`;
}
