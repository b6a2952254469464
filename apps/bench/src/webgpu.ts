/**
 * `pnpm --filter @nnet/bench run webgpu`: nnet's WebGPU backend beside TensorFlow.js's
 * (`@tensorflow/tfjs-backend-webgpu`) in the same run, both on Dawn's Node binding (the npm package
 * `webgpu`), each library in its own child process: matmul (GFLOP/s), MLP and CNN training
 * (samples/s) and MLP inference at batch 1 and 256 (ms). Every figure ends in a read of the result
 * (one element of a product, a step's loss, a batch's outputs), as an application would.
 * Not part of the default `pnpm bench`. On a software adapter (lavapipe, SwiftShader) the speeds
 * mean nothing about GPUs: the report says so.
 *
 *   pnpm --filter @nnet/bench run webgpu [--quick] [--sizes 256,512,1024,2048,4096] [--json out.json]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCli, positiveInts } from './cli_args.js';
import { timeAsync } from './harness.js';
import { nnetCnn } from './libs.js';

type GpuLib = 'nnet-webgpu' | 'tfjs-webgpu';
type Workload = 'matmul' | 'mlp-train' | 'cnn-train' | 'mlp-infer';

interface Job {
  workload: Workload;
  size: number;
}

interface Row extends Job {
  lib: GpuLib;
  value: number | null;
  unit: string;
  error?: string;
}

/** What a child reports: its adapter and one row per job. */
interface ChildReport {
  adapter: string;
  software: boolean;
  rows: Row[];
  error?: string;
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

const UNITS: Record<Workload, string> = {
  matmul: 'GFLOP/s',
  'mlp-train': 'samples/s',
  'cnn-train': 'samples/s',
  'mlp-infer': 'ms',
};

/** Child: loads one library and measures every job in order. */
async function child(lib: GpuLib, jobs: Job[], quick: boolean): Promise<ChildReport> {
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
      rows.push({ ...job, lib, value, unit: UNITS[job.workload] });
    } catch (e) {
      rows.push({ ...job, lib, value: null, unit: UNITS[job.workload], error: String(e) });
    }
  }
  return { adapter: impl.adapter, software: impl.software, rows };
}

const usage = 'usage: pnpm --filter @nnet/bench run webgpu [--quick] [--sizes 256,512,...] [--json <file>]';

function runChild(lib: GpuLib, jobs: Job[], quick: boolean): ChildReport {
  const script = fileURLToPath(import.meta.url);
  try {
    const out = execFileSync(process.execPath, [script, '--child', lib, JSON.stringify({ jobs, quick })], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
      env: { XDG_RUNTIME_DIR: '/tmp', ...process.env },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return JSON.parse(out.trim().split('\n').pop() ?? '{}') as ChildReport;
  } catch (e) {
    return { adapter: 'none', software: false, rows: [], error: String(e) };
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    const { jobs, quick } = JSON.parse(process.argv[4]) as { jobs: Job[]; quick: boolean };
    const report = await child(process.argv[3] as GpuLib, jobs, quick).catch(
      (e: unknown): ChildReport => ({ adapter: 'none', software: false, rows: [], error: String(e) }),
    );
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.exit(0); // Dawn's threads would otherwise keep the process alive
  }
  const args = parseCli(usage, {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    json: { type: 'string' },
  });
  const quick = args.quick === true;
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
  const reports: Record<GpuLib, ChildReport> = {
    'nnet-webgpu': runChild('nnet-webgpu', jobs, quick),
    'tfjs-webgpu': runChild('tfjs-webgpu', jobs, quick),
  };
  for (const [lib, r] of Object.entries(reports)) {
    console.log(
      `${lib}: adapter ${r.adapter}${r.software ? ' (SOFTWARE)' : ''}${r.error ? ` — ${r.error}` : ''}`,
    );
  }
  if (Object.values(reports).some((r) => r.software)) {
    console.log(
      'NOTE: a software adapter (a CPU emulating a GPU) ran these: the speeds below say nothing about WebGPU on a GPU;\n' +
        'they only show the benchmarks run. Measure on a machine with a GPU.',
    );
  }
  const cell = (lib: GpuLib, job: Job) => {
    const row = reports[lib].rows.find((r) => r.workload === job.workload && r.size === job.size);
    return row?.value == null ? `n/a${row?.error ? ` (${row.error})` : ''}` : row.value.toFixed(2);
  };
  console.log('\n| workload | size | unit | nnet-webgpu | tfjs-webgpu | nnet / tfjs |');
  console.log('|---|---|---|---|---|---|');
  for (const job of jobs) {
    const n = reports['nnet-webgpu'].rows.find(
      (r) => r.workload === job.workload && r.size === job.size,
    )?.value;
    const t = reports['tfjs-webgpu'].rows.find(
      (r) => r.workload === job.workload && r.size === job.size,
    )?.value;
    // Latency (ms) is lower-is-better: the ratio is tfjs / nnet there, so > 1 always means nnet is faster.
    const ratio =
      n == null || t == null ? 'n/a' : `${(job.workload === 'mlp-infer' ? t / n : n / t).toFixed(2)}x`;
    console.log(
      `| ${job.workload} | ${job.size} | ${UNITS[job.workload]} | ${cell('nnet-webgpu', job)} | ${cell('tfjs-webgpu', job)} | ${ratio} |`,
    );
  }
  if (args.json) {
    const report = { date: new Date().toISOString(), node: process.version, quick, reports };
    writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwrote ${args.json}`);
  }
}

await main();
