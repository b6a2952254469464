/**
 * `pnpm bench`: measures nnet against TensorFlow.js (CPU and WASM backends) in the same run, each
 * figure in its own child process, in rounds that alternate the contenders (the order reverses
 * every other round). Prints tables of medians with their spread (min–max over rounds) and the
 * ratios the issues target, paired round by round, and writes the `nnet-bench/1` JSON. With the
 * matmul part, the native 128-bit SIMD peak (native_peak.ts) runs in the same rounds, right after
 * the matmul jobs, so each wasm matmul figure has its share of that ceiling.
 *
 *   pnpm bench [--quick] [--rounds 3] [--relaxed] [--json results/node.json] [--only matmul]
 */
import { alternate, parseCli, positiveInt, SUITE_FLAGS, suitePart } from './cli_args.js';
import { HostAnchor, hostRatios } from './host_capacity.js';
import { type Job, jobLib, RELAXED_FLAG, runJob } from './jobs.js';
import { LIBS, type LibName } from './libs.js';
import { UNITS, type Workload } from './measure.js';
import { PeakAnchor, peakRatios } from './native_peak.js';
import { pinNote } from './pin.js';
import { nodeEnvironment, publishReport } from './report.js';
import {
  type BenchReport,
  buildReport,
  type Figure,
  figureId,
  measuredRatio,
  type Ratio,
  SampleSet,
} from './schema.js';

const usage =
  'usage: pnpm bench [--quick] [--rounds n] [--relaxed] [--json <file>] [--only matmul|mlp|cnn|infer]';

/** The relaxed-SIMD rows measured beside plain SIMD (Node 20 runs plain SIMD unless flagged). */
const RELAXED_ROWS: Partial<Record<Workload, { full: number; quick: number }>> = {
  matmul: { full: 512, quick: 128 },
  'mlp-train': { full: 64, quick: 16 },
};

/**
 * The jobs of one round, in the order the first round runs them. Unless every child already runs
 * relaxed (`relaxedAll`), the `RELAXED_ROWS` add a relaxed-SIMD nnet-wasm 1-thread child beside
 * the plain one.
 */
function planJobs(quick: boolean, only: string | undefined, relaxedAll: boolean): Job[] {
  const jobs: Job[] = [];
  const want = (name: string) => !only || only === name;
  const add = (workload: Workload, sizes: number[], twoThreads: boolean) => {
    for (const size of sizes) {
      for (const lib of LIBS) {
        jobs.push({ lib, workload, size, threads: 1, quick });
        const r = RELAXED_ROWS[workload];
        if (lib === 'nnet-wasm' && !relaxedAll && r && size === (quick ? r.quick : r.full))
          jobs.push({ lib, workload, size, threads: 1, quick, relaxed: true });
      }
      if (twoThreads) jobs.push({ lib: 'nnet-wasm', workload, size, threads: 2, quick });
    }
  };
  if (want('matmul')) add('matmul', quick ? [64, 128] : [128, 256, 512, 1024], true);
  if (want('mlp')) add('mlp-train', quick ? [16] : [64, 256], true);
  if (want('cnn')) add('cnn-train', quick ? [8] : [64], true);
  if (want('infer')) add('mlp-infer', [1], false);
  return jobs;
}

/** One planned ratio: a label, numerator and denominator (library, threads), and the issue's target. */
type RatioPlan = [label: string, num: [string, number], den: [string, number], target?: number];

/**
 * The ratios the issues set, per workload: the label reads `<title> <size>: <label>`. Latency
 * (mlp-infer) puts the other library's time over nnet's (≥ 1: nnet is at least as fast).
 */
const RATIO_PLANS: { workload: Workload; title: string; plans: RatioPlan[] }[] = [
  {
    workload: 'matmul',
    title: 'matmul',
    plans: [
      ['nnet-cpu / tfjs-cpu', ['nnet-cpu', 1], ['tfjs-cpu', 1], 5],
      ['nnet-wasm 1T / tfjs-wasm', ['nnet-wasm', 1], ['tfjs-wasm', 1], 1.35],
      ['nnet-wasm 2T / tfjs-wasm', ['nnet-wasm', 2], ['tfjs-wasm', 1], 2.4],
      ['nnet-wasm 2T / 1T', ['nnet-wasm', 2], ['nnet-wasm', 1], 1.7],
      ['nnet-wasm relaxed SIMD / plain SIMD (1T)', ['nnet-wasm-relaxed', 1], ['nnet-wasm', 1]],
    ],
  },
  {
    workload: 'mlp-train',
    title: 'MLP training',
    plans: [
      ['nnet-wasm 1T / tfjs-wasm', ['nnet-wasm', 1], ['tfjs-wasm', 1], 8],
      ['nnet-wasm 2T / 1T', ['nnet-wasm', 2], ['nnet-wasm', 1], 1.7],
      ['nnet-wasm relaxed SIMD / plain SIMD (1T)', ['nnet-wasm-relaxed', 1], ['nnet-wasm', 1]],
      ['nnet-cpu / tfjs-cpu', ['nnet-cpu', 1], ['tfjs-cpu', 1]],
    ],
  },
  {
    workload: 'cnn-train',
    title: 'CNN training',
    plans: [
      ['nnet-wasm 1T / tfjs-cpu', ['nnet-wasm', 1], ['tfjs-cpu', 1], 100],
      ['nnet-wasm 2T / 1T', ['nnet-wasm', 2], ['nnet-wasm', 1], 1.7],
      ['nnet-cpu / tfjs-cpu', ['nnet-cpu', 1], ['tfjs-cpu', 1]],
    ],
  },
  {
    workload: 'mlp-infer',
    title: 'MLP inference',
    plans: [
      ['tfjs-wasm ms / nnet-wasm ms', ['tfjs-wasm', 1], ['nnet-wasm', 1], 1],
      ['tfjs-cpu ms / nnet-cpu ms', ['tfjs-cpu', 1], ['nnet-cpu', 1], 1],
    ],
  },
];

/** The ratios the issues set, for the figures present. */
function plannedRatios(figures: Figure[]): Ratio[] {
  const out: Ratio[] = [];
  for (const { workload, title, plans } of RATIO_PLANS) {
    const sizes = [...new Set(figures.filter((f) => f.workload === workload).map((f) => f.size))];
    for (const n of sizes)
      for (const [label, [numLib, numT], [denLib, denT], target] of plans) {
        const num = figureId(workload, n, numLib, numT);
        const den = figureId(workload, n, denLib, denT);
        out.push(...measuredRatio(figures, `${title} ${n}: ${label}`, num, den, target));
      }
  }
  return out;
}

function main(): void {
  const args = parseCli(usage, { ...SUITE_FLAGS, relaxed: { type: 'boolean', default: false } });
  const only = suitePart(args.only, usage);
  const quick = args.quick ?? false;
  const rounds = positiveInt('--rounds', args.rounds ?? (quick ? '1' : '3'), usage);
  const flags = args.relaxed ? [RELAXED_FLAG] : [];
  const jobs = planJobs(quick, only, args.relaxed ?? false);
  const key = (j: Job) => figureId(j.workload, j.size, jobLib(j), j.threads);
  const samples = new SampleSet();
  const rss = new Map<string, number>();
  const ranRelaxed = new Map<string, boolean>();
  const environment = nodeEnvironment();
  // The peak anchor runs where the matmul jobs end, so it alternates with them round by round.
  const peak = jobs.some((j) => j.workload === 'matmul') ? new PeakAnchor([1, 2], quick) : null;
  const cut = jobs.map((j) => j.workload).lastIndexOf('matmul') + 1;
  // The host's capacity runs where the training jobs start, so it alternates with them.
  const training = jobs.findIndex((j) => j.workload === 'mlp-train' || j.workload === 'cnn-train');
  const host = training >= 0 ? new HostAnchor(quick) : null;
  const steps: (Job | PeakAnchor | HostAnchor)[] = [...jobs];
  if (host) steps.splice(training, 0, host);
  if (peak) steps.splice(steps.indexOf(jobs[cut - 1]) + 1, 0, peak);
  for (let round = 0; round < rounds; round++) {
    for (const job of alternate(steps, round)) {
      if (job instanceof PeakAnchor || job instanceof HostAnchor) {
        job.measure(samples, round);
        continue;
      }
      const r = runJob(job, flags);
      const k = key(job);
      samples.add(k, r.value, r.error ?? 'no value');
      if (r.maxRssMB !== null) rss.set(k, Math.max(rss.get(k) ?? 0, Math.round(r.maxRssMB)));
      if (r.relaxed !== undefined) {
        ranRelaxed.set(k, r.relaxed);
        if (!job.relaxed) environment.nnetWasmRelaxed = r.relaxed;
      }
      const fig = r.value === null ? `n/a (${r.error})` : `${r.value.toFixed(2)} ${r.unit}`;
      console.error(`round ${round + 1}/${rounds} ${k}: ${fig}`);
    }
  }
  const jobFigures = jobs.map((j) => {
    const k = key(j);
    const maxRss = rss.get(k);
    const relaxed = ranRelaxed.get(k);
    return samples.figure(
      { workload: j.workload, size: j.size, lib: jobLib(j), threads: j.threads, ...UNITS[j.workload] },
      {
        ...(maxRss === undefined ? {} : { peakRssMB: maxRss }),
        ...(relaxed === undefined ? {} : { relaxedSimd: relaxed }),
      },
    );
  });
  const figures = [...jobFigures, ...(peak?.figures(samples) ?? []), ...(host?.figures(samples) ?? [])];
  const peakNotes: string[] = [];
  peak?.describe(environment, peakNotes);
  host?.describe(peakNotes);
  const report = buildReport({
    bench: quick ? 'node-quick' : 'node',
    title: 'nnet beside TensorFlow.js 4.22 in Node (each figure in its own process)',
    command: `pnpm bench --rounds ${rounds}${quick ? ' --quick' : ''}${args.relaxed ? ' --relaxed' : ''}${only ? ` --only ${only}` : ''}`,
    rounds,
    environment,
    figures,
    ratios: [...plannedRatios(figures), ...peakRatios(figures), ...hostRatios(figures)],
    notes: [
      'matmul: n×n×n float32 products; MLP 784-128-ReLU-10 and the CNN (conv3x3x8-ReLU-pool-conv3x3x16-ReLU-pool-dense10): one SGD step with softmax cross-entropy, loss read back; inference: one forward pass of the MLP read back (ms, lower is better).',
      "Each round's value is the median of that process's repeated calls (a call slower than 300 ms: the median of 3 after one warm-up call; inference: each sample times enough passes to last ≥ 1 ms, divided by their count); rounds alternate the order of the libraries.",
      ...(args.relaxed
        ? []
        : [
            `nnet-wasm-relaxed: the same nnet-wasm child started with \`${RELAXED_FLAG}\` (Node 20 runs plain SIMD without it); extra.relaxedSimd says which build ran.`,
          ]),
      ...peakNotes,
      pinNote(),
    ],
  });
  printTables(report);
  publishReport(report, quick, args.json);
}

/** The classic side-by-side tables (medians), one per workload. */
function printTables(report: BenchReport): void {
  const get = (w: string, size: number, lib: LibName, threads = 1) =>
    report.figures.find((f) => f.id === figureId(w, size, lib, threads))?.median ?? null;
  const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(2));
  const sizes = (w: string) => [
    ...new Set(report.figures.filter((r) => r.workload === w).map((r) => r.size)),
  ];
  const headers: Record<Workload, string> = {
    matmul: 'matmul GFLOP/s (n x n x n, float32)',
    'mlp-train': 'MLP 784-128-ReLU-10 training, softmax cross-entropy, SGD (samples/s)',
    'cnn-train': 'CNN conv3x3x8-ReLU-pool-conv3x3x16-ReLU-pool-dense10 training (samples/s)',
    'mlp-infer': 'MLP inference latency (ms per batch, lower is better)',
  };
  for (const w of Object.keys(headers) as Workload[]) {
    const rows = sizes(w);
    if (!rows.length) continue;
    console.log(`\n${headers[w]} — medians of ${report.rounds} round(s)`);
    console.log(
      `| ${w === 'matmul' ? 'n' : 'batch'} | nnet-cpu | tfjs-cpu | nnet-wasm 1T | nnet-wasm 2T | tfjs-wasm |`,
    );
    console.log('|---|---|---|---|---|---|');
    for (const n of rows)
      console.log(
        `| ${n} | ${f(get(w, n, 'nnet-cpu'))} | ${f(get(w, n, 'tfjs-cpu'))} | ${f(get(w, n, 'nnet-wasm'))} | ${f(get(w, n, 'nnet-wasm', 2))} | ${f(get(w, n, 'tfjs-wasm'))} |`,
      );
    for (const g of report.figures.filter((x) => x.workload === w && x.error))
      console.log(`  ${g.lib} ${g.size}: ${g.error}`);
  }
}

main();
