/**
 * `pnpm bench`: measures nnet against TensorFlow.js (CPU and WASM backends) in the same run, each
 * figure in its own child process, in rounds that alternate the contenders (the order reverses
 * every other round). Prints tables of medians with their spread (min–max over rounds) and the
 * ratios the issues target, paired round by round, and writes the `nnet-bench/1` JSON.
 *
 *   pnpm bench [--quick] [--rounds 3] [--relaxed] [--json results/node.json] [--only matmul]
 */
import { parseArgs } from 'node:util';
import { type Job, jobLib, RELAXED_FLAG, runJob, UNITS, type Workload } from './jobs.js';
import { LIBS, type LibName } from './libs.js';
import { nodeEnvironment, publishReport } from './report.js';
import {
  type BenchReport,
  type Figure,
  figureId,
  makeFigure,
  makeRatio,
  type Ratio,
  SCHEMA,
} from './schema.js';

const usage =
  'usage: pnpm bench [--quick] [--rounds n] [--relaxed] [--json <file>] [--only matmul|mlp|cnn|infer]';

/** The relaxed-SIMD rows measured beside plain SIMD (Node 20 runs plain SIMD unless flagged). */
const RELAXED_ROWS: Partial<Record<Workload, { full: number; quick: number }>> = {
  matmul: { full: 512, quick: 128 },
  'mlp-train': { full: 64, quick: 16 },
};

function parse() {
  try {
    return parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        rounds: { type: 'string' },
        relaxed: { type: 'boolean', default: false },
        json: { type: 'string' },
        only: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    process.exit(2);
  }
}

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

/** The ratios the issues set, for the figures present. */
function plannedRatios(figures: Figure[]): Ratio[] {
  const has = (id: string) => figures.some((f) => f.id === id && f.samples.length);
  const out: Ratio[] = [];
  const add = (label: string, num: string, den: string, target?: number) => {
    if (has(num) && has(den)) out.push(makeRatio(figures, label, num, den, target));
  };
  const id = (w: Workload, size: number, lib: LibName, t = 1) => figureId(w, size, lib, t);
  const sizes = (w: Workload) => [...new Set(figures.filter((f) => f.workload === w).map((f) => f.size))];
  for (const n of sizes('matmul')) {
    add(`matmul ${n}: nnet-cpu / tfjs-cpu`, id('matmul', n, 'nnet-cpu'), id('matmul', n, 'tfjs-cpu'), 5);
    add(
      `matmul ${n}: nnet-wasm 1T / tfjs-wasm`,
      id('matmul', n, 'nnet-wasm'),
      id('matmul', n, 'tfjs-wasm'),
      1.35,
    );
    add(
      `matmul ${n}: nnet-wasm 2T / tfjs-wasm`,
      id('matmul', n, 'nnet-wasm', 2),
      id('matmul', n, 'tfjs-wasm'),
      2.4,
    );
    add(`matmul ${n}: nnet-wasm 2T / 1T`, id('matmul', n, 'nnet-wasm', 2), id('matmul', n, 'nnet-wasm'), 1.7);
    add(
      `matmul ${n}: nnet-wasm relaxed SIMD / plain SIMD (1T)`,
      figureId('matmul', n, 'nnet-wasm-relaxed', 1),
      id('matmul', n, 'nnet-wasm'),
    );
  }
  for (const b of sizes('mlp-train')) {
    add(
      `MLP training ${b}: nnet-wasm 1T / tfjs-wasm`,
      id('mlp-train', b, 'nnet-wasm'),
      id('mlp-train', b, 'tfjs-wasm'),
      8,
    );
    add(
      `MLP training ${b}: nnet-wasm 2T / 1T`,
      id('mlp-train', b, 'nnet-wasm', 2),
      id('mlp-train', b, 'nnet-wasm'),
      1.7,
    );
    add(
      `MLP training ${b}: nnet-wasm relaxed SIMD / plain SIMD (1T)`,
      figureId('mlp-train', b, 'nnet-wasm-relaxed', 1),
      id('mlp-train', b, 'nnet-wasm'),
    );
    add(
      `MLP training ${b}: nnet-cpu / tfjs-cpu`,
      id('mlp-train', b, 'nnet-cpu'),
      id('mlp-train', b, 'tfjs-cpu'),
    );
  }
  for (const b of sizes('cnn-train')) {
    add(
      `CNN training ${b}: nnet-wasm 1T / tfjs-cpu`,
      id('cnn-train', b, 'nnet-wasm'),
      id('cnn-train', b, 'tfjs-cpu'),
      100,
    );
    add(
      `CNN training ${b}: nnet-wasm 2T / 1T`,
      id('cnn-train', b, 'nnet-wasm', 2),
      id('cnn-train', b, 'nnet-wasm'),
      1.7,
    );
    add(
      `CNN training ${b}: nnet-cpu / tfjs-cpu`,
      id('cnn-train', b, 'nnet-cpu'),
      id('cnn-train', b, 'tfjs-cpu'),
    );
  }
  // Latency: the ratio is the other library's time over nnet's (≥ 1: nnet is at least as fast).
  for (const b of sizes('mlp-infer')) {
    add(
      `MLP inference ${b}: tfjs-wasm ms / nnet-wasm ms`,
      id('mlp-infer', b, 'tfjs-wasm'),
      id('mlp-infer', b, 'nnet-wasm'),
      1,
    );
    add(
      `MLP inference ${b}: tfjs-cpu ms / nnet-cpu ms`,
      id('mlp-infer', b, 'tfjs-cpu'),
      id('mlp-infer', b, 'nnet-cpu'),
      1,
    );
  }
  return out;
}

function main(): void {
  const args = parse();
  if (args.help) {
    console.log(usage);
    return;
  }
  if (args.only && !['matmul', 'mlp', 'cnn', 'infer'].includes(args.only)) {
    console.error(`unknown --only '${args.only}'\n${usage}`);
    process.exit(2);
  }
  const quick = args.quick ?? false;
  const rounds = Number(args.rounds ?? (quick ? 1 : 3));
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error(`--rounds must be a positive integer, got '${args.rounds}'\n${usage}`);
    process.exit(2);
  }
  const flags = args.relaxed ? [RELAXED_FLAG] : [];
  const jobs = planJobs(quick, args.only, args.relaxed ?? false);
  const key = (j: Job) => figureId(j.workload, j.size, jobLib(j), j.threads);
  const samples = new Map<string, number[]>();
  const errors = new Map<string, string>();
  const rss = new Map<string, number>();
  const ranRelaxed = new Map<string, boolean>();
  const environment = nodeEnvironment();
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? jobs : [...jobs].reverse();
    for (const job of order) {
      const r = runJob(job, flags);
      const k = key(job);
      if (r.value !== null && Number.isFinite(r.value)) samples.set(k, [...(samples.get(k) ?? []), r.value]);
      else errors.set(k, r.error ?? 'no value');
      if (r.maxRssMB !== null) rss.set(k, Math.max(rss.get(k) ?? 0, Math.round(r.maxRssMB)));
      if (r.relaxed !== undefined) {
        ranRelaxed.set(k, r.relaxed);
        if (!job.relaxed) environment.nnetWasmRelaxed = r.relaxed;
      }
      const fig = r.value === null ? `n/a (${r.error})` : `${r.value.toFixed(2)} ${r.unit}`;
      console.error(`round ${round + 1}/${rounds} ${k}: ${fig}`);
    }
  }
  const figures = jobs.map((j) => {
    const k = key(j);
    const maxRss = rss.get(k);
    const relaxed = ranRelaxed.get(k);
    return makeFigure(
      { workload: j.workload, size: j.size, lib: jobLib(j), threads: j.threads, ...UNITS[j.workload] },
      samples.get(k) ?? [],
      errors.get(k),
      {
        ...(maxRss === undefined ? {} : { peakRssMB: maxRss }),
        ...(relaxed === undefined ? {} : { relaxedSimd: relaxed }),
      },
    );
  });
  const report: BenchReport = {
    schema: SCHEMA,
    bench: quick ? 'node-quick' : 'node',
    title: 'nnet beside TensorFlow.js 4.22 in Node (each figure in its own process)',
    date: new Date().toISOString(),
    command: `pnpm bench --rounds ${rounds}${quick ? ' --quick' : ''}${args.relaxed ? ' --relaxed' : ''}${args.only ? ` --only ${args.only}` : ''}`,
    rounds,
    environment,
    figures,
    ratios: plannedRatios(figures),
    notes: [
      'matmul: n×n×n float32 products; MLP 784-128-ReLU-10 and the CNN (conv3x3x8-ReLU-pool-conv3x3x16-ReLU-pool-dense10): one SGD step with softmax cross-entropy, loss read back; inference: one forward pass of the MLP read back (ms, lower is better).',
      "Each round's value is the median of that process's repeated calls (a call slower than 300 ms: the median of 3 after one warm-up call); rounds alternate the order of the libraries.",
      ...(args.relaxed
        ? []
        : [
            `nnet-wasm-relaxed: the same nnet-wasm child started with \`${RELAXED_FLAG}\` (Node 20 runs plain SIMD without it); extra.relaxedSimd says which build ran.`,
          ]),
    ],
  };
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
