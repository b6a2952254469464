/**
 * `pnpm --filter @nnet/bench run profile`: where the time of one training step goes, by backend
 * call. For the benches' MLP 784-128-10 (SGD, cross-entropy) or CNN training step (the same
 * workloads as `pnpm bench`, from libs.ts), a child process per thread count wraps the current
 * backend's methods (backend_timer.ts: outermost calls only) and reports, per kernel (with its op
 * and output shape), µs per step and calls per step, beside the step's wall time, the backend's
 * total and the rest (the front end: autograd, views, dispatch, allocation bookkeeping, GC).
 * Rounds alternate the thread counts; figures are medians with min–max over rounds, and each row
 * has its time ratio against the first thread count, paired round by round.
 *
 *   pnpm --filter @nnet/bench run profile -- [--workload mlp|cnn] [--batch 64] [--lib nnet-wasm|nnet-cpu]
 *     [--threads 1,2] [--rounds 3] [--steps n] [--quick] [--json file]
 */
import { fileURLToPath } from 'node:url';
import { timeBackendCalls } from './backend_timer.js';
import { childMain, childPayload, runChild } from './child.js';
import { alternate, parseCli, positiveInt, positiveInts, runMain, usageError } from './cli_args.js';
import { median } from './harness.js';
import { loadLib } from './libs.js';
import { fmt } from './markdown.js';
import { nodeEnvironment, publishReport } from './report.js';
import type { BenchReport, Figure, FigureKey } from './schema.js';
import { buildReport, figureId, measuredRatio, SampleSet } from './schema.js';

const usage =
  'usage: profile [--workload mlp|cnn] [--batch n] [--lib nnet-wasm|nnet-cpu] [--threads 1,2] [--rounds n] [--steps n] [--quick] [--json file]';

const WORKLOADS = {
  mlp: { name: 'mlp-train', title: 'MLP 784-128-ReLU-10', steps: 200 },
  cnn: { name: 'cnn-train', title: 'CNN conv3x3x8-ReLU-pool-conv3x3x16-ReLU-pool-dense10', steps: 40 },
} as const;
type ProfileWorkload = keyof typeof WORKLOADS;

const PROFILE_LIBS = ['nnet-wasm', 'nnet-cpu'] as const;
type ProfileLib = (typeof PROFILE_LIBS)[number];

/** The rows every profile has before its kernels (their figure's workload is `<workload>: <row>`). */
const STEP = 'step (wall)';
const BACKEND = 'backend (sum of calls)';
const FRONT_END = 'front end (step − backend)';
const UNPROFILED = 'step without the timer';
const SUMMARY_ROWS = [STEP, BACKEND, FRONT_END, UNPROFILED] as const;

interface ProfileJob {
  lib: ProfileLib;
  threads: number;
  workload: ProfileWorkload;
  batch: number;
  steps: number;
  warmup: number;
}

/** What a child measured, per step: the summary rows' µs, and each call key's µs and calls. */
interface ProfileResult {
  us: Record<(typeof SUMMARY_ROWS)[number], number>;
  kernels: Record<string, { us: number; calls: number }>;
  /** nnet-wasm: whether the relaxed-SIMD build ran. */
  relaxed?: boolean;
}

/** Runs `run` `steps` times and returns the mean ms per step. */
function meanStepMs(run: () => void, steps: number): number {
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) run();
  return (performance.now() - t0) / steps;
}

/**
 * The child: loads the library at its thread count, times `steps` steps without the timer, then
 * wraps the backend and times `steps` more (each phase after `warmup` untimed steps).
 */
async function measure(job: ProfileJob): Promise<ProfileResult> {
  const lib = await loadLib(job.lib, job.threads);
  const { getBackend } = await import('@nnet/tensor');
  const w = job.workload === 'mlp' ? lib.mlpTrain(job.batch) : lib.cnnTrain(job.batch);
  for (let i = 0; i < job.warmup; i++) w.run();
  const plainMs = meanStepMs(w.run, job.steps);
  const timer = timeBackendCalls(getBackend());
  for (let i = 0; i < job.warmup; i++) w.run();
  timer.reset();
  const stepMs = meanStepMs(w.run, job.steps);
  const backendMs = timer.totalMs() / job.steps;
  const kernels: ProfileResult['kernels'] = {};
  for (const [key, s] of timer.stats())
    kernels[key] = { us: (1000 * s.ms) / job.steps, calls: s.calls / job.steps };
  timer.restore();
  w.dispose();
  return {
    us: {
      [STEP]: 1000 * stepMs,
      [BACKEND]: 1000 * backendMs,
      [FRONT_END]: 1000 * (stepMs - backendMs),
      [UNPROFILED]: 1000 * plainMs,
    },
    kernels,
    ...(lib.relaxed === undefined ? {} : { relaxed: lib.relaxed }),
  };
}

/** The parsed command line. */
interface Options {
  workload: ProfileWorkload;
  lib: ProfileLib;
  batch: number;
  threads: number[];
  rounds: number;
  steps: number;
  warmup: number;
  quick: boolean;
  json?: string;
}

function options(): Options {
  const args = parseCli(usage, {
    workload: { type: 'string', default: 'mlp' },
    batch: { type: 'string', default: '64' },
    lib: { type: 'string', default: 'nnet-wasm' },
    threads: { type: 'string' },
    rounds: { type: 'string' },
    steps: { type: 'string' },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
  });
  const workload = args.workload as ProfileWorkload;
  if (!Object.hasOwn(WORKLOADS, workload))
    usageError(`unknown --workload '${args.workload}' (mlp or cnn)`, usage);
  const lib = args.lib as ProfileLib;
  if (!PROFILE_LIBS.includes(lib))
    usageError(`unknown --lib '${args.lib}' (${PROFILE_LIBS.join(' or ')})`, usage);
  const threads = positiveInts('--threads', args.threads ?? (lib === 'nnet-wasm' ? '1,2' : '1'), usage);
  if (new Set(threads).size !== threads.length)
    usageError(`--threads repeats a count: '${args.threads}'`, usage);
  if (lib === 'nnet-cpu' && threads.some((t) => t !== 1))
    usageError('nnet-cpu runs on one thread: --threads 1 (threads are nnet-wasm’s)', usage);
  const quick = args.quick ?? false;
  const steps = positiveInt('--steps', args.steps ?? String(quick ? 3 : WORKLOADS[workload].steps), usage);
  return {
    workload,
    lib,
    batch: positiveInt('--batch', args.batch, usage),
    threads,
    rounds: positiveInt('--rounds', args.rounds ?? (quick ? '1' : '3'), usage),
    steps,
    warmup: quick ? 1 : Math.max(20, Math.ceil(steps / 4)),
    quick,
    ...(args.json === undefined ? {} : { json: args.json }),
  };
}

/** The figure key of row `row` (a summary row or a call key) at `threads`. */
function rowKey(o: Options, row: string, threads: number): FigureKey {
  return {
    workload: `${WORKLOADS[o.workload].name}: ${row}`,
    size: o.batch,
    lib: o.lib,
    threads,
    unit: 'µs/step',
    better: 'lower',
  };
}

const idOf = (k: FigureKey) => figureId(k.workload, k.size, k.lib, k.threads);

function main(): void {
  const o = options();
  const script = fileURLToPath(import.meta.url);
  const environment = nodeEnvironment();
  /** Each thread count's child results, in round order (a failed child: its error). */
  const results = new Map<number, (ProfileResult | { error: string })[]>(o.threads.map((t) => [t, []]));
  for (let round = 0; round < o.rounds; round++) {
    for (const threads of alternate(o.threads, round)) {
      const job: ProfileJob = { ...o, threads };
      const r = runChild<ProfileResult>(script, job);
      results.get(threads)?.push(r);
      if ('relaxed' in r && r.relaxed !== undefined) environment.nnetWasmRelaxed = r.relaxed;
      const done =
        'error' in r ? r.error : `${fmt(r.us[STEP])} µs/step, ${fmt(r.us[BACKEND])} in the backend`;
      console.error(`round ${round + 1}/${o.rounds} ${threads}T: ${done}`);
    }
  }
  // Kernel rows: every call key any child saw (0 µs and 0 calls in a round whose child did not call
  // it), slowest first at the first thread count.
  const keys = new Set<string>();
  for (const rs of results.values())
    for (const r of rs) if (!('error' in r)) for (const k in r.kernels) keys.add(k);
  const samples = new SampleSet();
  const calls = new Map<string, number[]>();
  for (const [threads, rs] of results)
    for (const r of rs) {
      for (const row of SUMMARY_ROWS)
        samples.add(
          idOf(rowKey(o, row, threads)),
          'error' in r ? null : r.us[row],
          'error' in r ? r.error : undefined,
        );
      for (const k of keys) {
        const id = idOf(rowKey(o, k, threads));
        samples.add(id, 'error' in r ? null : (r.kernels[k]?.us ?? 0), 'error' in r ? r.error : undefined);
        if (!('error' in r)) calls.set(id, [...(calls.get(id) ?? []), r.kernels[k]?.calls ?? 0]);
      }
    }
  const first = o.threads[0];
  const firstMedian = (row: string) => {
    const s = samples.samples(idOf(rowKey(o, row, first)));
    return s.length ? median(s) : -1;
  };
  const rows = [...SUMMARY_ROWS, ...[...keys].sort((a, b) => firstMedian(b) - firstMedian(a))];
  const figures: Figure[] = [];
  for (const row of rows)
    for (const threads of o.threads) {
      const key = rowKey(o, row, threads);
      const c = calls.get(idOf(key));
      figures.push(samples.figure(key, c?.length ? { callsPerStep: median(c) } : undefined, 'no value'));
    }
  const ratios = rows.flatMap((row) =>
    o.threads.slice(1).flatMap((threads) => {
      const [num, den] = [threads, first].map((t) => idOf(rowKey(o, row, t)));
      return measuredRatio(figures, `${row}: ${threads}T / ${first}T (time)`, num, den);
    }),
  );
  const wl = WORKLOADS[o.workload];
  const report = buildReport({
    bench: `profile-${o.workload}-b${o.batch}-${o.lib}${o.quick ? '-quick' : ''}`,
    title: `Backend calls in one ${wl.title} training step, batch ${o.batch}, ${o.lib}: µs per step by kernel`,
    command: `pnpm --filter @nnet/bench run profile -- --workload ${o.workload} --batch ${o.batch} --lib ${o.lib} --threads ${o.threads.join(',')} --rounds ${o.rounds} --steps ${o.steps}${o.quick ? ' --quick' : ''}`,
    rounds: o.rounds,
    environment: { ...environment, steps: o.steps, warmupSteps: o.warmup },
    figures,
    ratios,
    notes: [
      `The benches' training step (libs.ts: SGD lr 0.01, cross-entropy, loss read back with dataSync). Each round runs one child process per thread count, the order alternating; a child runs ${o.warmup} untimed steps, ${o.steps} steps without the timer ('${UNPROFILED}'), then wraps the backend's methods in place and runs ${o.warmup} untimed and ${o.steps} timed steps. A round's value is the mean over its timed steps.`,
      "Rows: a kernel keyed by method, op (unary/binary/compare/reduce/argReduce) and output shape, storage methods by name; only the outermost backend call is timed (a kernel's calls to other kernels are part of it). 'front end' is the step's wall time less the backend's: autograd, views, dispatch, bookkeeping, GC, and the timer's own overhead (compare the step with and without the timer). extra.callsPerStep: the median over rounds.",
      ...(o.threads.length > 1
        ? [
            `Ratios: a row's time at n threads over its time at ${first} thread(s), paired round by round (below 1: faster with more threads).`,
          ]
        : []),
    ],
  });
  publishReport(report, o.quick, o.json, printProfile);
}

/** The profile as a Markdown table: one row per kernel, each thread count's µs/step and calls side by side. */
function printProfile(report: BenchReport): void {
  const threads = [...new Set(report.figures.map((f) => f.threads))];
  const byRow = new Map<string, Map<number, Figure>>();
  for (const f of report.figures) {
    const m = byRow.get(f.workload) ?? new Map<number, Figure>();
    m.set(f.threads, f);
    byRow.set(f.workload, m);
  }
  const ratio = (f: Figure | undefined) => {
    const r = report.ratios.find((q) => q.numerator === f?.id);
    return r?.median == null ? 'n/a' : `${fmt(r.median)} [${fmt(r.min)}–${fmt(r.max)}]`;
  };
  const cell = (f: Figure | undefined) =>
    f?.median == null
      ? `n/a${f?.error ? ` (${f.error})` : ''}`
      : `${fmt(f.median)} [${fmt(f.min)}–${fmt(f.max)}]`;
  console.log(`\n${report.title} — median [min–max] over ${report.rounds} round(s)`);
  const head = threads.flatMap((t) => [`${t}T µs/step`, `${t}T calls/step`]);
  const ratioHead = threads.slice(1).map((t) => `${t}T/${threads[0]}T`);
  console.log(`| row | ${[...head, ...ratioHead].join(' | ')} |`);
  console.log(`|---|${[...head, ...ratioHead].map(() => '---').join('|')}|`);
  for (const [row, m] of byRow) {
    const cells = threads.flatMap((t) => {
      const f = m.get(t);
      const c = f?.extra?.callsPerStep;
      return [cell(f), typeof c === 'number' ? fmt(c) : ''];
    });
    const label = row.slice(row.indexOf(': ') + 2);
    console.log(`| ${label} | ${[...cells, ...threads.slice(1).map((t) => ratio(m.get(t)))].join(' | ')} |`);
  }
  for (const n of report.notes) console.log(`  note: ${n}`);
}

const payload = childPayload<ProfileJob>();
if (payload) await childMain(() => measure(payload));
else runMain(main);
