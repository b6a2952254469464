/**
 * `pnpm --filter @nnet/bench run wasm-builds`: nnet-wasm's two builds of the same kernels on one
 * thread — the plain module (its own memory; what runs where threads cannot: a page that is not
 * cross-origin isolated) and the shared-memory module (what `setBackend('wasm')` loads wherever
 * threads can run, here with `setThreads(1)`) — on the Node suite's workloads (`measure.ts`:
 * matmul, MLP and CNN training, batch-1 inference). Each figure runs in its own child process, the
 * two builds alternating (the order reversed every other round); the shared / plain ratio is
 * paired round by round (1 means the shared memory costs nothing on one thread).
 *
 *   pnpm --filter @nnet/bench run wasm-builds [--rounds 3] [--quick] [--relaxed] [--only matmul|mlp|cnn|infer] [--json file]
 */
import { fileURLToPath } from 'node:url';
import { childMain, childPayload, runChild } from './child.js';
import { alternate, parseCli, positiveInt, runMain, SUITE_FLAGS, suitePart } from './cli_args.js';
import { type JobResult, RELAXED_FLAG } from './jobs.js';
import { loadLib } from './libs.js';
import { measureWorkload, UNITS, type Workload } from './measure.js';
import { nodeEnvironment, processCpuMs, publishReport } from './report.js';
import { buildReport, figureId, measuredRatio, SampleSet } from './schema.js';

const usage =
  'usage: wasm-builds [--rounds n] [--quick] [--relaxed] [--only matmul|mlp|cnn|infer] [--json file]';

/** The two builds, as the figures' library names. */
const BUILDS = ['nnet-wasm-plain', 'nnet-wasm-shared'] as const;
type Build = (typeof BUILDS)[number];

interface BuildJob {
  build: Build;
  workload: Workload;
  size: number;
  quick: boolean;
}

/**
 * The child: registers the plain build as 'wasm' (the shared one is what the package registers),
 * then measures as `pnpm bench`'s child does, on one thread.
 */
async function measure(job: BuildJob): Promise<JobResult> {
  if (job.build === 'nnet-wasm-plain') {
    const nn = await import('@nnet/tensor');
    const wasm = await import('@nnet/backend-wasm');
    // The same SIMD flavour as the shared build picks: relaxed where the runtime validates it.
    const relaxed = wasm.relaxedSimdSupported();
    const file = relaxed ? '@nnet/backend-wasm/nnet-relaxed.wasm' : '@nnet/backend-wasm/nnet.wasm';
    const plain = await wasm.createWasmBackend({ wasm: new URL(import.meta.resolve(file)), relaxed });
    nn.registerBackend('wasm', () => plain, 2);
  }
  const lib = await loadLib('nnet-wasm', 1);
  const m = measureWorkload(lib, job.workload, job.size, job.quick, processCpuMs);
  return {
    ...m,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    ...(lib.relaxed === undefined ? {} : { relaxed: lib.relaxed }),
  };
}

/** The workloads and sizes: `pnpm bench`'s (quick: its smoke sizes). */
function plan(quick: boolean, only: string | undefined): { workload: Workload; size: number }[] {
  const want = (part: string) => !only || only === part;
  const sizes: [string, Workload, number[], number[]][] = [
    ['matmul', 'matmul', [256, 512], [64, 128]],
    ['mlp', 'mlp-train', [64], [16]],
    ['cnn', 'cnn-train', [64], [8]],
    ['infer', 'mlp-infer', [1], [1]],
  ];
  return sizes
    .filter(([part]) => want(part))
    .flatMap(([, workload, full, small]) => (quick ? small : full).map((size) => ({ workload, size })));
}

function main(): void {
  const args = parseCli(usage, { ...SUITE_FLAGS, relaxed: { type: 'boolean', default: false } });
  const quick = args.quick ?? false;
  const only = suitePart(args.only, usage);
  const jobs = plan(quick, only);
  const rounds = positiveInt('--rounds', args.rounds ?? (quick ? '1' : '3'), usage);
  const samples = new SampleSet();
  const relaxedRan = new Map<string, boolean>();
  const environment = nodeEnvironment();
  const script = fileURLToPath(import.meta.url);
  for (let round = 0; round < rounds; round++) {
    for (const { workload, size } of jobs) {
      for (const build of alternate(BUILDS, round)) {
        const id = figureId(workload, size, build, 1);
        const job: BuildJob = { build, workload, size, quick };
        const r = runChild<JobResult>(script, job, args.relaxed ? [RELAXED_FLAG] : []);
        const value = 'value' in r ? r.value : null;
        samples.add(id, value, r.error ?? 'no value');
        if ('relaxed' in r && r.relaxed !== undefined) relaxedRan.set(id, r.relaxed);
        const shown = value === null ? `n/a (${r.error})` : `${value.toFixed(2)} ${UNITS[workload].unit}`;
        console.error(`round ${round + 1}/${rounds} ${id}: ${shown}`);
      }
    }
  }
  const figures = jobs.flatMap(({ workload, size }) =>
    BUILDS.map((build) => {
      const relaxed = relaxedRan.get(figureId(workload, size, build, 1));
      const key = { workload, size, lib: build, threads: 1, ...UNITS[workload] };
      return samples.figure(key, relaxed === undefined ? undefined : { relaxedSimd: relaxed });
    }),
  );
  const ratios = jobs.flatMap(({ workload, size }) => {
    const [plain, shared] = BUILDS.map((b) => figureId(workload, size, b, 1));
    // Latency (inference ms) puts plain over shared, so above 1 always means the shared build is faster.
    const [num, den] = UNITS[workload].better === 'higher' ? [shared, plain] : [plain, shared];
    const label = `${workload} ${size}: shared-memory build / plain build (1T)`;
    return measuredRatio(figures, label, num, den);
  });
  const report = buildReport({
    bench: quick ? 'wasm-builds-quick' : 'wasm-builds',
    title: "nnet-wasm's shared-memory build beside its plain build, one thread",
    command: `pnpm --filter @nnet/bench run wasm-builds --rounds ${rounds}${quick ? ' --quick' : ''}${args.relaxed ? ' --relaxed' : ''}${only ? ` --only ${only}` : ''}`,
    rounds,
    environment,
    figures,
    ratios,
    notes: [
      "nnet-wasm-plain: the module with its own memory (nnet.wasm, or nnet-relaxed.wasm where relaxed SIMD validates); nnet-wasm-shared: the shared-memory module setBackend('wasm') loads in Node, run with setThreads(1). The workloads are pnpm bench's (see its notes); extra.relaxedSimd says which SIMD flavour ran.",
      'Each figure in its own child process, the two builds alternating, the order reversed every other round. A ratio above 1: the shared build is faster.',
    ],
  });
  publishReport(report, quick, args.json);
}

const payload = childPayload<BuildJob>();
if (payload) await childMain(() => measure(payload));
else runMain(main);
