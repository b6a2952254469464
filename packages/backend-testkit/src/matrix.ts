/** The kernel-support matrix printed after a conformance run. */
import { isOptionalKernel, KERNEL_IDS, STORAGE_IDS } from './ids.js';

/**
 * A kernel id's outcome: every case passed, one failed, skipped by the caller, or an optional
 * kernel the backend does not implement (the front end uses its reference decomposition).
 */
export type KernelStatus = 'pass' | 'fail' | 'skipped' | 'not-implemented';

const LABEL: Record<KernelStatus, string> = {
  pass: 'pass',
  fail: 'FAIL',
  skipped: 'skipped',
  'not-implemented': 'not implemented (optional: the front end decomposes it)',
};

/**
 * Folds one case's outcome into a kernel's status: any failure makes the kernel fail, a skip or a
 * missing optional kernel is recorded as such, and a pass never hides either.
 *
 * @example
 * ```ts
 * import { mergeStatus } from '@nnet/backend-testkit';
 *
 * mergeStatus('pass', 'fail');    // 'fail'
 * mergeStatus(undefined, 'pass'); // 'pass'
 * mergeStatus('skipped', 'pass'); // 'skipped'
 * ```
 */
export function mergeStatus(prev: KernelStatus | undefined, next: KernelStatus): KernelStatus {
  if (prev === 'fail' || next === 'fail') return 'fail';
  if (!prev || prev === 'pass') return next;
  return prev;
}

/**
 * The matrix as text: one line per kernel id (every id of the contract, in contract order, then
 * any other id seen), with its status, 'not run' for ids no case reached, and the totals.
 *
 * @example
 * ```ts
 * import { formatMatrix } from '@nnet/backend-testkit';
 *
 * console.log(formatMatrix('cpu', new Map([['matmul', 'pass']])));
 * // kernel support matrix for backend 'cpu': one line per kernel id ('  matmul  required  pass',
 * // 'not run' for the others), then '  1 pass, 0 fail, 0 skipped, 0 not implemented (optional), 67 not run'
 * ```
 */
export function formatMatrix(name: string, status: ReadonlyMap<string, KernelStatus>): string {
  const ids = [...STORAGE_IDS, ...KERNEL_IDS];
  for (const id of status.keys()) if (!ids.includes(id)) ids.push(id);
  const width = Math.max(10, ...ids.map((id) => id.length));
  const lines = ids.map((id) => {
    const s = status.get(id);
    const kind = isOptionalKernel(id) || id === 'storage.readSync' ? 'optional' : 'required';
    return `  ${id.padEnd(width)}  ${kind.padEnd(8)}  ${s ? LABEL[s] : 'not run'}`;
  });
  const count = (s: KernelStatus) => [...status.values()].filter((v) => v === s).length;
  const notRun = ids.filter((id) => !status.has(id)).length;
  return [
    `kernel support matrix for backend '${name}':`,
    ...lines,
    `  ${count('pass')} pass, ${count('fail')} fail, ${count('skipped')} skipped, ` +
      `${count('not-implemented')} not implemented (optional), ${notRun} not run`,
  ].join('\n');
}
