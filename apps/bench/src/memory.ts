/**
 * `pnpm --filter @nnet/bench run memory`: training loops written with no tidy, dispose or keep —
 * the way PyTorch users write them — run for 10,000 steps on nnet-cpu and nnet-wasm, and the same
 * loop shape on TensorFlow.js's CPU and WASM backends. Prints live tensors, backend bytes and the
 * process's RSS at steps 1,000 and 10,000 (each run in its own child process). A memory benchmark,
 * not a timed one.
 *
 *   pnpm --filter @nnet/bench run memory [--steps 10000] [--only plain] [--json memory.json]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCli, positiveInt, usageError } from './cli_args.js';
import { type LibName, useNnetBackend, useTfjs } from './libs.js';

const usage =
  'usage: memory [--steps 10000] [--only loop] [--libs nnet-cpu,nnet-wasm,tfjs-wasm] [--json file]';
const LOOPS = ['plain', 'await', 'eval', 'items', 'running-sum', 'gan'] as const;
type LoopName = (typeof LOOPS)[number];

interface Job {
  lib: LibName;
  loop: LoopName;
  steps: number;
}

interface Sample {
  step: number;
  tensors: number;
  backendBytes: number;
  rssMB: number;
}

interface Outcome extends Job {
  samples: Sample[];
  error?: string;
  seconds: number;
}

const N = 2048;
const BATCH = 64;

/** One loop's step, written as a PyTorch user would (no memory management at all). */
type Step = (step: number) => void | Promise<void>;

interface Harness {
  step: Step;
  live(): { tensors: number; backendBytes: number };
}

async function nnetHarness(lib: LibName, loop: LoopName): Promise<Harness> {
  const nn = await import('@nnet/tensor');
  const { Linear, ReLU, Sequential } = await import('@nnet/layers');
  const { crossEntropy, bceWithLogits } = await import('@nnet/loss');
  const { Adam } = await import('@nnet/optim');
  await useNnetBackend(lib);
  nn.manualSeed(0);
  const X = nn.randn([N, 784]);
  const Y = nn.randint(0, 10, [N], { dtype: 'int32' });
  const model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const live = () => ({ tensors: nn.memory().tensors, backendBytes: nn.getBackend().memory().bytes });
  const trainStep = () => {
    const idx = nn.randint(0, N, [BATCH], { dtype: 'int32' });
    opt.zeroGrad();
    const loss = crossEntropy(model.forward(X.indexSelect(0, idx)), Y.indexSelect(0, idx));
    loss.backward();
    opt.step();
    return loss;
  };
  const losses: number[] = [];
  let running = nn.zeros([]);
  switch (loop) {
    case 'plain':
      return {
        live,
        step: (s) => {
          const loss = trainStep();
          if (s % 100 === 0) losses.push(loss.item());
        },
      };
    case 'await':
      return {
        live,
        step: async () => {
          const loss = trainStep();
          await loss.data();
        },
      };
    case 'items':
      return { live, step: () => void losses.push(trainStep().item()) };
    case 'running-sum':
      return {
        live,
        step: () => {
          running = running.add(trainStep().detach());
        },
      };
    case 'eval': {
      model.eval();
      return {
        live,
        step: (s) =>
          nn.noGrad(() => {
            const start = (s * BATCH) % N;
            const out = model.forward(X.narrow(0, start, BATCH));
            // The number of correct predictions (kept, so the work cannot be skipped).
            losses.push(
              out
                .argmax(1)
                .eq(Y.narrow(0, start, BATCH))
                .sum()
                .item(),
            );
          }),
      };
    }
    case 'gan': {
      const G = new Sequential(new Linear(32, 128), new ReLU(), new Linear(128, 784));
      const D = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 1));
      const optG = new Adam(G.parameters(), { lr: 1e-4 });
      const optD = new Adam(D.parameters(), { lr: 1e-4 });
      const ones = nn.ones([BATCH, 1]);
      const zeros = nn.zeros([BATCH, 1]);
      return {
        live,
        step: () => {
          const idx = nn.randint(0, N, [BATCH], { dtype: 'int32' });
          const fake = G.forward(nn.randn([BATCH, 32]));
          optD.zeroGrad();
          const lossD = bceWithLogits(D.forward(X.indexSelect(0, idx)), ones).add(
            bceWithLogits(D.forward(fake.detach()), zeros),
          );
          lossD.backward();
          optD.step();
          optG.zeroGrad();
          const lossG = bceWithLogits(D.forward(fake), ones);
          lossG.backward();
          optG.step();
          losses.push(lossD.item() + lossG.item());
        },
      };
    }
  }
}

async function tfjsHarness(lib: LibName, loop: LoopName): Promise<Harness> {
  const tf = await useTfjs(lib);
  const X = tf.randomNormal([N, 784]);
  const Y = tf.oneHot(tf.randomUniform([N], 0, 10, 'int32'), 10);
  const dense = (i: number, o: number) => ({
    w: tf.variable(tf.mul(tf.randomNormal([i, o]), Math.sqrt(1 / i))),
    b: tf.variable(tf.zeros([o])),
  });
  const l1 = dense(784, 128);
  const l2 = dense(128, 10);
  const forward = (x: import('@tensorflow/tfjs-core').Tensor) =>
    tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, l1.w), l1.b)), l2.w), l2.b);
  const opt = tf.train.adam(1e-3);
  const live = () => ({ tensors: tf.memory().numTensors, backendBytes: tf.memory().numBytes });
  // The same loop shape: the user's code has no tidy (minimize tidies its own closure).
  const trainStep = () => {
    const idx = tf.randomUniform([BATCH], 0, N, 'int32');
    const xb = tf.gather(X, idx);
    const yb = tf.gather(Y, idx);
    return opt.minimize(
      () => tf.losses.softmaxCrossEntropy(yb, forward(xb)),
      true,
    ) as import('@tensorflow/tfjs-core').Scalar;
  };
  const losses: number[] = [];
  let running = tf.scalar(0);
  switch (loop) {
    case 'plain':
      return {
        live,
        step: (s) => {
          const loss = trainStep();
          if (s % 100 === 0) losses.push(loss.dataSync()[0]);
        },
      };
    case 'await':
      return { live, step: async () => void (await trainStep().data()) };
    case 'items':
      return { live, step: () => void losses.push(trainStep().dataSync()[0]) };
    case 'running-sum':
      return {
        live,
        step: () => {
          running = tf.add(running, trainStep());
        },
      };
    case 'eval': {
      return {
        live,
        step: (s) => {
          const start = (s * BATCH) % N;
          const out = forward(tf.slice(X, [start, 0], [BATCH, 784]));
          const y = tf.argMax(tf.slice(Y, [start, 0], [BATCH, 10]), 1);
          losses.push(tf.sum(tf.equal(tf.argMax(out, 1), y)).dataSync()[0]);
        },
      };
    }
    case 'gan':
      // Same shape as nnet's: two optimizers, two minimize calls per step.
      return {
        live,
        step: () => {
          const a = trainStep();
          const b = trainStep();
          losses.push(a.dataSync()[0] + b.dataSync()[0]);
        },
      };
  }
}

async function child(job: Job): Promise<void> {
  const started = performance.now();
  const samples: Sample[] = [];
  let error: string | undefined;
  try {
    const h = job.lib.startsWith('nnet')
      ? await nnetHarness(job.lib, job.loop)
      : await tfjsHarness(job.lib, job.loop);
    for (let s = 1; s <= job.steps; s++) {
      await h.step(s);
      if (s === Math.min(1000, job.steps) || s === job.steps) {
        samples.push({ step: s, ...h.live(), rssMB: Math.round(process.memoryUsage().rss / 2 ** 20) });
      }
    }
  } catch (err) {
    error = err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]}` : String(err);
  }
  const out: Outcome = { ...job, samples, error, seconds: (performance.now() - started) / 1000 };
  console.log(JSON.stringify(out));
}

function parse() {
  return parseCli(usage, {
    steps: { type: 'string', default: '10000' },
    only: { type: 'string' },
    // tfjs-cpu takes ~0.2 s a step here (10,000 steps × 6 loops ≈ 3 h): opt in with --libs.
    libs: { type: 'string', default: 'nnet-cpu,nnet-wasm,tfjs-wasm' },
    json: { type: 'string', default: 'memory-results.json' },
    child: { type: 'string' },
  });
}

function fmtBytes(b: number): string {
  return b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MB` : `${(b / 1024).toFixed(1)} KB`;
}

function main(): void {
  const args = parse();
  if (args.child) {
    void child(JSON.parse(args.child) as Job);
    return;
  }
  const steps = positiveInt('--steps', args.steps, usage);
  const loops = args.only ? [args.only as LoopName] : [...LOOPS];
  for (const l of loops)
    if (!LOOPS.includes(l)) usageError(`unknown loop '${l}'; loops: ${LOOPS.join(', ')}`, usage);
  const libs = (args.libs ?? '').split(',') as LibName[];
  const script = fileURLToPath(import.meta.url);
  const results: Outcome[] = [];
  console.log(
    `loops of ${steps} steps, MLP 784-128-10, batch ${BATCH}, Adam; no tidy/dispose/keep in the loop\n`,
  );
  console.log(
    '| loop | library | tensors @1k | tensors @end | backend bytes @1k | @end | RSS @1k | @end | drift | time |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const loop of loops) {
    for (const lib of libs) {
      const job: Job = { lib, loop, steps };
      let r: Outcome;
      try {
        const out = execFileSync(process.execPath, [script, '--child', JSON.stringify(job)], {
          encoding: 'utf8',
          maxBuffer: 1 << 22,
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Outcome;
      } catch (err) {
        r = {
          ...job,
          samples: [],
          error: `child died: ${(err as Error).message.split('\n')[0]}`,
          seconds: 0,
        };
      }
      results.push(r);
      const [a, b] = [r.samples[0], r.samples[r.samples.length - 1]];
      const drift =
        a && b && r.samples.length > 1 && !r.error
          ? `${(((b.backendBytes - a.backendBytes) / Math.max(1, a.backendBytes)) * 100).toFixed(2)} %`
          : '–';
      const cells = a
        ? [
            a.tensors,
            b.tensors,
            fmtBytes(a.backendBytes),
            fmtBytes(b.backendBytes),
            `${a.rssMB} MB`,
            `${b.rssMB} MB`,
          ]
        : ['–', '–', '–', '–', '–', '–'];
      const end = r.error ? `${drift} (${r.error})` : drift;
      console.log(`| ${loop} | ${lib} | ${cells.join(' | ')} | ${end} | ${r.seconds.toFixed(1)} s |`);
    }
  }
  if (args.json) writeFileSync(args.json, `${JSON.stringify(results, null, 2)}\n`);
}

main();
