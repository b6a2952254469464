/**
 * `pnpm --filter @nnet/bench run transformer`: throughput of a small GPT (nnet's GPT2LMHeadModel,
 * the charlm example's size by default) on nnet-cpu and nnet-wasm, each backend in its own child
 * process:
 *   - training tokens/s: forward, cross-entropy, backward and an AdamW step on [batch, context];
 *   - generation tokens/s: greedy decoding of `--new` tokens after a 1-token prompt, with the
 *     key/value cache (one position per step) and without it (the whole prefix every step).
 *
 *   pnpm --filter @nnet/bench run transformer [--only cpu|wasm] [--rounds 3] [--steps 20] [--new 63] [--json results/transformer.json]
 *       [--context 64] [--embd 64] [--layers 2]   (the model's size; --new defaults to context - 1)
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { alternate, parseCli, runMain, usageError } from './cli_args.js';
import { nodeEnvironment, publishReport } from './report.js';
import { buildReport, type Figure, figureId, makeFigure, measuredRatio } from './schema.js';

const usage =
  'usage: transformer [--only cpu|wasm] [--rounds n] [--steps n] [--new n] [--context n] [--embd n (a multiple of 4)] [--layers n] [--json file]';

interface Config {
  vocab: number;
  context: number;
  embd: number;
  layers: number;
  heads: number;
  batch: number;
}
const CONFIG: Config = { vocab: 83, context: 64, embd: 64, layers: 2, heads: 4, batch: 16 };

interface Outcome {
  backend: string;
  /** Threads the backend ran (wasm: its worker pool; cpu: 1). */
  threads?: number;
  trainTokensPerSec: number;
  generateCachedTokensPerSec: number;
  generateUncachedTokensPerSec: number;
  error?: string;
}

/** One backend's measurements (runs in the child process). */
async function measure(backend: string, steps: number, newTokens: number, c: Config): Promise<Outcome> {
  await import('@nnet/backend-cpu');
  if (backend === 'wasm') await import('@nnet/backend-wasm');
  const { setBackend, manualSeed, randint, logSoftmax } = await import('@nnet/tensor');
  const { GPT2LMHeadModel } = await import('@nnet/layers');
  const { AdamW } = await import('@nnet/optim');
  await setBackend(backend);
  manualSeed(0);
  const model = new GPT2LMHeadModel({
    vocabSize: c.vocab,
    nPositions: c.context,
    nEmbd: c.embd,
    nLayer: c.layers,
    nHead: c.heads,
    embdPdrop: 0,
    attnPdrop: 0,
    residPdrop: 0,
  });
  const opt = new AdamW(model.parameters(), { lr: 1e-3 });
  const trainStep = () => {
    const x = randint(0, c.vocab, [c.batch, c.context]);
    const y = randint(0, c.vocab, [c.batch * c.context, 1]);
    opt.zeroGrad();
    const logits = model.forward(x).reshape([-1, c.vocab]);
    const loss = logSoftmax(logits, 1).gather(1, y).mean().neg();
    loss.backward();
    opt.step();
    return loss.item();
  };
  for (let i = 0; i < 3; i++) trainStep();
  let t = performance.now();
  for (let i = 0; i < steps; i++) trainStep();
  const trainTokensPerSec = (steps * c.batch * c.context) / ((performance.now() - t) / 1000);
  const prompt = randint(0, c.vocab, [1, 1]);
  const rate = async (useCache: boolean) => {
    await model.generate(prompt, { maxNewTokens: 4, useCache });
    t = performance.now();
    await model.generate(prompt, { maxNewTokens: newTokens, useCache });
    return newTokens / ((performance.now() - t) / 1000);
  };
  let threads = 1;
  if (backend === 'wasm') threads = (await import('@nnet/backend-wasm')).getThreads();
  return {
    backend,
    threads,
    trainTokensPerSec,
    generateCachedTokensPerSec: await rate(true),
    generateUncachedTokensPerSec: await rate(false),
  };
}

async function main(): Promise<void> {
  const values = parseCli(usage, {
    child: { type: 'string' },
    only: { type: 'string' },
    steps: { type: 'string', default: '20' },
    new: { type: 'string', default: String(CONFIG.context - 1) },
    json: { type: 'string', default: 'results/transformer.json' },
    rounds: { type: 'string', default: '3' },
    context: { type: 'string', default: String(CONFIG.context) },
    embd: { type: 'string', default: String(CONFIG.embd) },
    layers: { type: 'string', default: String(CONFIG.layers) },
  });
  const steps = Number(values.steps);
  const rounds = Number(values.rounds);
  const c: Config = {
    ...CONFIG,
    context: Number(values.context),
    embd: Number(values.embd),
    layers: Number(values.layers),
  };
  const newTokens = values.new === String(CONFIG.context - 1) ? c.context - 1 : Number(values.new);
  const positive = [steps, rounds, newTokens, c.context, c.embd, c.layers].every(
    (v) => Number.isInteger(v) && v > 0,
  );
  if (!positive || c.embd % c.heads !== 0)
    usageError(
      '--steps, --rounds, --new, --context, --embd and --layers must be positive integers, --embd a multiple of 4',
      usage,
    );
  if (newTokens + 1 > c.context)
    usageError(`--new must be at most ${c.context - 1} (the context is ${c.context})`, usage);
  if (values.child) {
    console.log(JSON.stringify(await measure(values.child, steps, newTokens, c)));
    return;
  }
  const backends = values.only ? [values.only] : ['cpu', 'wasm'];
  const script = fileURLToPath(import.meta.url);
  const results: Outcome[] = [];
  console.log(
    `GPT ${c.layers} layers × ${c.embd}, ${c.heads} heads, vocabulary ${c.vocab}; training on [${c.batch}, ${c.context}] ` +
      `for ${steps} steps; greedy generation of ${newTokens} tokens; ${rounds} rounds alternating the backends`,
  );
  for (let round = 0; round < rounds; round++) {
    for (const backend of alternate(backends, round)) {
      let r: Outcome;
      try {
        const out = execFileSync(
          process.execPath,
          [
            script,
            '--child',
            backend,
            '--steps',
            String(steps),
            '--new',
            String(newTokens),
            '--context',
            String(c.context),
            '--embd',
            String(c.embd),
            '--layers',
            String(c.layers),
          ],
          { encoding: 'utf8', maxBuffer: 1 << 20 },
        );
        r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Outcome;
      } catch (err) {
        r = {
          backend,
          trainTokensPerSec: Number.NaN,
          generateCachedTokensPerSec: Number.NaN,
          generateUncachedTokensPerSec: Number.NaN,
          error: (err as Error).message.split('\n')[0],
        };
      }
      results.push(r);
      console.error(
        `round ${round + 1}/${rounds} nnet-${backend}: train ${r.trainTokensPerSec.toFixed(0)} tok/s, generate ${r.generateCachedTokensPerSec.toFixed(0)} (cache) / ${r.generateUncachedTokensPerSec.toFixed(0)} (no cache)${r.error ? ` (${r.error})` : ''}`,
      );
    }
  }
  const metrics: [keyof Outcome, string][] = [
    ['trainTokensPerSec', 'gpt-train'],
    ['generateCachedTokensPerSec', 'gpt-generate-kv-cache'],
    ['generateUncachedTokensPerSec', 'gpt-generate-no-cache'],
  ];
  const figures: Figure[] = [];
  for (const backend of backends) {
    const mine = results.filter((r) => r.backend === backend);
    const threads = mine.find((r) => r.threads !== undefined)?.threads ?? 1;
    for (const [key, workload] of metrics) {
      const vals = mine
        .map((r) => r[key])
        .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      figures.push(
        makeFigure(
          { workload, size: c.context, lib: `nnet-${backend}`, threads, unit: 'tokens/s', better: 'higher' },
          vals,
          mine.find((r) => r.error)?.error,
        ),
      );
    }
  }
  const ratios = backends.flatMap((b) => {
    const threads = figures.find((f) => f.lib === `nnet-${b}`)?.threads ?? 1;
    const cached = figureId('gpt-generate-kv-cache', c.context, `nnet-${b}`, threads);
    const plain = figureId('gpt-generate-no-cache', c.context, `nnet-${b}`, threads);
    return measuredRatio(figures, `nnet-${b}: generation with / without the KV cache`, cached, plain);
  });
  const report = buildReport({
    bench: 'transformer',
    title: `GPT training and generation throughput (${c.layers} × ${c.embd}, context ${c.context})`,
    command: `pnpm --filter @nnet/bench run transformer --rounds ${rounds} --steps ${steps} --layers ${c.layers} --embd ${c.embd} --context ${c.context}${values.only ? ` --only ${values.only}` : ''}`,
    rounds,
    environment: {
      ...nodeEnvironment(),
      model: `GPT2LMHeadModel ${c.layers} layers × ${c.embd}, ${c.heads} heads, vocabulary ${c.vocab}`,
      trainBatch: `[${c.batch}, ${c.context}]`,
      newTokens,
    },
    figures,
    ratios,
    notes: [
      'Training: forward, cross-entropy, backward and an AdamW step on random tokens; generation: greedy decoding after a 1-token prompt, with the key/value cache and without it. Each round runs each backend in its own process.',
    ],
  });
  publishReport(report, false, values.json);
}

runMain(main);
