/** The kernel-support matrix printed after a conformance run. */
export type KernelStatus = 'pass' | 'fail' | 'skipped' | 'reference';

const LABEL: Record<KernelStatus, string> = {
  pass: 'pass',
  fail: 'FAIL',
  skipped: 'skipped',
  reference: 'not implemented (front-end reference used)',
};

export function formatMatrix(name: string, status: ReadonlyMap<string, KernelStatus>): string {
  const ids = [...status.keys()].sort();
  const width = Math.max(10, ...ids.map((id) => id.length));
  const lines = ids.map((id) => `  ${id.padEnd(width)}  ${LABEL[status.get(id)!]}`);
  const counts = (s: KernelStatus) => [...status.values()].filter((v) => v === s).length;
  return [
    `kernel support matrix for backend '${name}':`,
    ...lines,
    `  ${counts('pass')} pass, ${counts('fail')} fail, ${counts('skipped')} skipped, ${counts('reference')} using the reference decomposition`,
  ].join('\n');
}
