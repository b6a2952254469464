/**
 * `pnpm --filter @nnet/bench run webgpu`: nnet's WebGPU backend beside TensorFlow.js's
 * (`@tensorflow/tfjs-backend-webgpu`) in the same run, both on Dawn's Node binding (the npm package
 * `webgpu`), each library in its own child process: matmul (GFLOP/s), MLP and CNN training
 * (samples/s) and MLP inference at batch 1 and 256 (ms). Every figure ends in a read of the result
 * (one element of a product, a step's loss, a batch's outputs), as an application would.
 * Rounds alternate the two libraries (the order reversed every other round); each figure is the
 * median over rounds with min–max, each ratio paired round by round, written as an `nnet-bench/1`
 * report (`results/webgpu.json`) that BENCHMARKS.md is generated from.
 * Not part of the default `pnpm bench`. On a software adapter (lavapipe, SwiftShader) the speeds
 * mean nothing about GPUs: the report says so.
 *
 *   pnpm --filter @nnet/bench run webgpu [--quick] [--rounds 3] [--sizes 256,512,1024,2048,4096] [--json out.json]
 */
import { fileURLToPath } from 'node:url';
import { childMain, childPayload, runChild } from './child.js';
import { alternate, parseCli, positiveInt, positiveInts, runMain } from './cli_args.js';
import { timeAsync } from './harness.js';
import { nnetCnn } from './libs.js';
import { fmt } from './markdown.js';
import { nodeEnvironment, publishReport } from './report.js';
import type { BenchReport, Figure } from './schema.js';
import { buildReport, figureId, measuredRatio, SampleSet } from './schema.js';

type GpuLib = 'nnet-webgpu' | 'tfjs-webgpu';
const GPU_LIBS: readonly GpuLib[] = ['nnet-webgpu', 'tfjs-webgpu'];
type Workload = 'matmul' | 'mlp-train' | 'cnn-train' | 'mlp-infer';

interface Job {
  workload: Workload;
  size: number;
}

/** One job's value in a child (or why it has none). */
interface Row extends Job {
  value: number | null;
  error?: string;
}

/** What a child reports: its adapter and one row per job. */
interface ChildReport {
  adapter: string;
  software: boolean;
  rows: Row[];
}

/** A child's payload: the library it loads and the jobs it times, in order. */
interface ChildJob {
  lib: GpuLib;
  jobs: Job[];
  quick: boolean;
}

/** One repeated unit of work, awaited (a GPU backend only reads asynchronously). */
interface Bench {
  run(): Promise<void>;
  dispose(): void;
}

interface GpuLibImpl {
  adapter: string;
  software: boolean;
  make(job: Job): Bench;
}

/** Dawn for Node: `navigator.gpu` and the WebGPU constants as globals (tfjs-backend-webgpu needs both). */
async function installDawn(): Promise<GPU> {
  const dawn = (await import('webgpu')) as unknown as { create(flags: string[]): GPU; globals: object };
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  return gpu;
}

async function loadNnetWebGpu(): Promise<GpuLibImpl> {
  await installDawn();
  const nn = await import('@nnet/tensor');
  const { createWebGpuBackend } = await import('@nnet/backend-webgpu');
  const layers = await import('@nnet/layers');
  const { Linear, ReLU, Sequential } = layers;
  const { crossEntropy } = await import('@nnet/loss');
  const { SGD } = await import('@nnet/optim');
  type T = import('@nnet/tensor').Tensor;
  const backend = await createWebGpuBackend({ allowSoftware: true });
  nn.registerBackend('webgpu-bench', () => backend);
  await nn.setBackend('webgpu-bench');
  const mlp = () => new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
  const trainStep = (forward: (x: T) => T, params: T[], x: T, y: T): Bench => {
    const opt = new SGD(params, { lr: 0.01 });
    return {
      async run() {
        const loss = nn.tidy(() => {
          opt.zeroGrad();
          const l = crossEntropy(forward(x), y);
          l.backward();
          opt.step();
          return l;
        });
        await loss.data();
        loss.dispose();
      },
      dispose: () => undefined,
    };
  };
  return {
    adapter: backend.adapter.description,
    software: backend.adapter.software,
    make({ workload, size }) {
      nn.manualSeed(0);
      if (workload === 'matmul') {
        const a = nn.randn([size, size]);
        const b = nn.randn([size, size]);
        return {
          async run() {
            const c = nn.matmul(a, b);
            const corner = c.narrow(0, 0, 1).narrow(1, 0, 1);
            await corner.data();
            c.dispose();
          },
          dispose: () => {
            a.dispose();
            b.dispose();
          },
        };
      }
      if (workload === 'mlp-infer') {
        const model = mlp();
        const x = nn.randn([size, 784]);
        return {
          async run() {
            const out = nn.noGrad(() => model.forward(x));
            await out.data();
            out.dispose();
          },
          dispose: () => model.dispose(),
        };
      }
      const y = nn.randint(0, 10, [size], { dtype: 'int32' });
      if (workload === 'mlp-train') {
        const model = mlp();
        return trainStep((x) => model.forward(x), model.parameters(), nn.randn([size, 784]), y);
      }
      const cnn = nnetCnn(nn, layers);
      return trainStep((x) => cnn.forward(x), cnn.parameters(), nn.randn([size, 1, 28, 28]), y);
    },
  };
}

async function loadTfjsWebGpu(): Promise<GpuLibImpl> {
  await installDawn();
  const tf = (await import('@tensorflow/tfjs')) as unknown as typeof import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: the webgpu backend did not initialise');
  await tf.ready();
  type T = import('@tensorflow/tfjs-core').Tensor;
  type T4 = import('@tensorflow/tfjs-core').Tensor4D;
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } })
    .adapterInfo;
  const adapter = [info?.vendor, info?.architecture].filter(Boolean).join(' / ') || 'unknown adapter';
  const minimize = (opt: import('@tensorflow/tfjs-core').Optimizer, lossFn: () => T): Bench => ({
    async run() {
      const loss = opt.minimize(() => lossFn() as import('@tensorflow/tfjs-core').Scalar, true);
      await loss?.data();
      loss?.dispose();
    },
    dispose: () => undefined,
  });
  return {
    adapter,
    software: /software|swiftshader|llvmpipe|lavapipe/i.test(adapter),
    make({ workload, size }) {
      if (workload === 'matmul') {
        const a = tf.randomNormal([size, size]);
        const b = tf.randomNormal([size, size]);
        return {
          async run() {
            const c = tf.matMul(a, b);
            const corner = tf.slice(c, [0, 0], [1, 1]);
            await corner.data();
            tf.dispose([c, corner]);
          },
          dispose: () => tf.dispose([a, b]),
        };
      }
      const w1 = tf.variable(tf.randomNormal([784, 128], 0, 0.05));
      const b1 = tf.variable(tf.zeros([128]));
      const w2 = tf.variable(tf.randomNormal([128, 10], 0, 0.05));
      const b2 = tf.variable(tf.zeros([10]));
      const mlp = (x: T) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2);
      if (workload === 'mlp-infer') {
        const x = tf.randomNormal([size, 784]);
        return {
          async run() {
            const out = tf.tidy(() => mlp(x));
            await out.data();
            out.dispose();
          },
          dispose: () => tf.dispose([w1, b1, w2, b2, x]),
        };
      }
      const y = tf.oneHot(tf.randomUniform([size], 0, 10, 'int32'), 10);
      const opt = tf.train.sgd(0.01);
      if (workload === 'mlp-train') {
        const x = tf.randomNormal([size, 784]);
        return minimize(opt, () => tf.losses.softmaxCrossEntropy(y, mlp(x)));
      }
      const c1 = tf.variable(tf.randomNormal([3, 3, 1, 8], 0, 0.4)) as unknown as T4;
      const cb1 = tf.variable(tf.zeros([8]));
      const c2 = tf.variable(tf.randomNormal([3, 3, 8, 16], 0, 0.15)) as unknown as T4;
      const cb2 = tf.variable(tf.zeros([16]));
      const wd = tf.variable(tf.randomNormal([16 * 5 * 5, 10], 0, 0.05));
      const bd = tf.variable(tf.zeros([10]));
      const x = tf.randomNormal([size, 28, 28, 1]) as T4;
      const block = (h: T4, w: T4, b: T) =>
        tf.maxPool(tf.relu(tf.add(tf.conv2d(h, w, 1, 'valid'), b)) as T4, 2, 2, 'valid');
      const forward = () =>
        tf.add(tf.matMul(tf.reshape(block(block(x, c1, cb1), c2, cb2), [size, 16 * 5 * 5]), wd), bd);
      return minimize(opt, () => tf.losses.softmaxCrossEntropy(y, forward()));
    },
  };
}

const UNITS: Record<Workload, { unit: string; better: 'higher' | 'lower' }> = {
  matmul: { unit: 'GFLOP/s', better: 'higher' },
  'mlp-train': { unit: 'samples/s', better: 'higher' },
  'cnn-train': { unit: 'samples/s', better: 'higher' },
  'mlp-infer': { unit: 'ms', better: 'lower' },
};

/** Child: loads one library and measures every job in order (a job that throws records why). */
async function child({ lib, jobs, quick }: ChildJob): Promise<ChildReport> {
  const impl = lib === 'nnet-webgpu' ? await loadNnetWebGpu() : await loadTfjsWebGpu();
  const rows: Row[] = [];
  for (const job of jobs) {
    try {
      const bench = impl.make(job);
      const ms = (
        await timeAsync(bench.run, { warmup: 1, minTimeMs: quick ? 50 : 1000, minReps: quick ? 2 : 3 })
      ).medianMs;
      bench.dispose();
      const value =
        job.workload === 'matmul'
          ? (2 * job.size ** 3) / (ms * 1e6)
          : job.workload === 'mlp-infer'
            ? ms
            : job.size / (ms / 1000);
      rows.push({ ...job, value });
    } catch (e) {
      rows.push({ ...job, value: null, error: String(e) });
    }
  }
  return { adapter: impl.adapter, software: impl.software, rows };
}

const usage =
  'usage: pnpm --filter @nnet/bench run webgpu [--quick] [--rounds n] [--sizes 256,512,...] [--json <file>]';

/** Where the report's environment names each library's adapter. */
const ADAPTER_KEY: Record<GpuLib, string> = {
  'nnet-webgpu': 'nnetWebgpuAdapter',
  'tfjs-webgpu': 'tfjsWebgpuAdapter',
};

/** The figure id of `job` on `lib` (a GPU backend has no thread count: 1). */
const jobId = (job: Job, lib: GpuLib) => figureId(job.workload, job.size, lib, 1);

/**
 * The ratio of `job`'s nnet figure to tfjs's (none when either is missing); latency (ms, lower is
 * better) is tfjs / nnet, so above 1 always means nnet is faster.
 */
function jobRatio(figures: Figure[], job: Job) {
  const latency = UNITS[job.workload].better === 'lower';
  const [num, den]: GpuLib[] = latency ? ['tfjs-webgpu', 'nnet-webgpu'] : ['nnet-webgpu', 'tfjs-webgpu'];
  const label = `${job.workload} ${job.size}: ${latency ? `${num} ms / ${den} ms` : `${num} / ${den}`}`;
  return measuredRatio(figures, label, jobId(job, num), jobId(job, den));
}

function main(): void {
  const args = parseCli(usage, {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    sizes: { type: 'string' },
    json: { type: 'string' },
  });
  const quick = args.quick === true;
  const rounds = positiveInt('--rounds', args.rounds ?? (quick ? '1' : '3'), usage);
  const sizes = args.sizes
    ? positiveInts('--sizes', args.sizes, usage)
    : quick
      ? [256]
      : [256, 512, 1024, 2048, 4096];
  const jobs: Job[] = [
    ...sizes.map((size) => ({ workload: 'matmul' as const, size })),
    ...(quick ? [16] : [64, 256]).map((size) => ({ workload: 'mlp-train' as const, size })),
    ...(quick ? [8] : [64]).map((size) => ({ workload: 'cnn-train' as const, size })),
    ...[1, 256].map((size) => ({ workload: 'mlp-infer' as const, size })),
  ];
  const script = fileURLToPath(import.meta.url);
  const environment = nodeEnvironment();
  const samples = new SampleSet();
  let software = false;
  for (let round = 0; round < rounds; round++) {
    for (const lib of alternate(GPU_LIBS, round)) {
      const payload: ChildJob = { lib, jobs, quick };
      const r = runChild<ChildReport>(script, payload, [], { XDG_RUNTIME_DIR: '/tmp', ...process.env });
      if ('error' in r) for (const job of jobs) samples.add(jobId(job, lib), null, r.error);
      else {
        environment[ADAPTER_KEY[lib]] = r.adapter;
        software ||= r.software;
        for (const job of jobs) {
          const row = r.rows.find((x) => x.workload === job.workload && x.size === job.size);
          samples.add(jobId(job, lib), row?.value, row?.error ?? 'no value');
        }
      }
      console.error(
        `round ${round + 1}/${rounds} ${lib}: ${'error' in r ? r.error : `adapter ${r.adapter}${r.software ? ' (SOFTWARE)' : ''}`}`,
      );
    }
  }
  environment.softwareAdapter = software;
  const figures = jobs.flatMap((job) =>
    GPU_LIBS.map((lib) =>
      samples.figure({ workload: job.workload, size: job.size, lib, threads: 1, ...UNITS[job.workload] }),
    ),
  );
  const ratios = jobs.flatMap((job) => jobRatio(figures, job));
  const report = buildReport({
    bench: quick ? 'webgpu-quick' : 'webgpu',
    title: "nnet's WebGPU backend beside tfjs-backend-webgpu 4.22 on Dawn's Node binding",
    command: `pnpm --filter @nnet/bench run webgpu --rounds ${rounds} --sizes ${sizes.join(',')}${quick ? ' --quick' : ''}`,
    rounds,
    environment,
    figures,
    ratios,
    notes: [
      'matmul: n×n×n float32, one element of the product read back; MLP 784-128-ReLU-10 and CNN training: one SGD step with softmax cross-entropy, loss read back; mlp-infer: one forward pass, outputs read back (ms, lower is better). A GPU backend has no thread count: figures say 1T.',
      "Each round runs one child process per library, the order alternating; a round's value is the median of that child's repeats (1 warm-up call, then ≥ 1 s and ≥ 3 calls; --quick: 50 ms, 2 calls). Ratios: nnet / tfjs (latency: tfjs ms / nnet ms), so above 1 nnet is faster.",
      ...(software
        ? [
            'A software adapter (a CPU emulating a GPU) ran these: the speeds say nothing about WebGPU on a GPU; they only show the benchmarks run. Measure on a machine with a GPU.',
          ]
        : []),
    ],
  });
  publishReport(report, quick, args.json, printWebGpu);
}

/** The adapters, the software-adapter warning and one table row per job: both libraries and the ratio. */
function printWebGpu(report: BenchReport): void {
  for (const lib of GPU_LIBS)
    console.log(`${lib}: adapter ${report.environment[ADAPTER_KEY[lib]] ?? 'none'}`);
  if (report.environment.softwareAdapter === true)
    console.log(
      'NOTE: a software adapter (a CPU emulating a GPU) ran these: the speeds below say nothing about WebGPU on a GPU;\n' +
        'they only show the benchmarks run. Measure on a machine with a GPU.',
    );
  const spread = (v: { median: number | null; min: number | null; max: number | null } | undefined) =>
    v?.median == null ? 'n/a' : `${fmt(v.median)} [${fmt(v.min)}–${fmt(v.max)}]`;
  const cell = (f: Figure | undefined) =>
    f?.median == null ? `n/a${f?.error ? ` (${f.error})` : ''}` : spread(f);
  console.log(`\nmedian [min–max] over ${report.rounds} round(s)`);
  console.log('| workload | size | unit | nnet-webgpu | tfjs-webgpu | nnet / tfjs |');
  console.log('|---|---|---|---|---|---|');
  const jobs = report.figures.filter((f) => f.lib === 'nnet-webgpu');
  for (const f of jobs) {
    const get = (lib: GpuLib) => report.figures.find((g) => g.id === figureId(f.workload, f.size, lib, 1));
    const ratio = report.ratios.find((r) => r.numerator === f.id || r.denominator === f.id);
    console.log(
      `| ${f.workload} | ${f.size} | ${f.unit} | ${cell(get('nnet-webgpu'))} | ${cell(get('tfjs-webgpu'))} | ${ratio ? `${spread(ratio)}×` : 'n/a'} |`,
    );
  }
  for (const n of report.notes) console.log(`  note: ${n}`);
}

const payload = childPayload<ChildJob>();
if (payload) await childMain(() => child(payload));
else runMain(main);
