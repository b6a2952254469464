/**
 * Child-process entry: measures one workload on one library and prints a JSON line
 * `{ value, unit, maxRssMB, relaxed? }` (see jobs.ts), so each figure comes with the peak RSS of
 * its own process.
 */

import type { Job, JobResult } from './jobs.js';
import { loadLib } from './libs.js';
import { measureWorkload } from './measure.js';
import { processCpuMs } from './report.js';

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as Job;
  const lib = await loadLib(job.lib, job.threads, job.root);
  const m = measureWorkload(lib, job.workload, job.size, job.quick, processCpuMs);
  const out: JobResult = {
    ...m,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    ...(lib.relaxed === undefined ? {} : { relaxed: lib.relaxed }),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: String(err instanceof Error ? err.message : err) })}\n`);
  process.exit(0);
});
