/**
 * `pnpm --filter @nnet/bench run transformer`: throughput of a small GPT (nnet's GPT2LMHeadModel,
 * the charlm example's size by default) on nnet-cpu and nnet-wasm, each backend in its own child
 * process:
 *   - training tokens/s: forward, cross-entropy, backward and an AdamW step on [batch, context];
 *   - generation tokens/s: greedy decoding of `--new` tokens after a 1-token prompt, with the
 *     key/value cache (one position per step) and without it (the whole prefix every step).
 *
 *   pnpm --filter @nnet/bench run transformer [--only cpu|wasm] [--steps 20] [--new 63] [--json transformer.json]
 *       [--context 64] [--embd 64] [--layers 2]   (the model's size; --new defaults to context - 1)
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

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
  return {
    backend,
    trainTokensPerSec,
    generateCachedTokensPerSec: await rate(true),
    generateUncachedTokensPerSec: await rate(false),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      only: { type: 'string' },
      steps: { type: 'string', default: '20' },
      new: { type: 'string', default: String(CONFIG.context - 1) },
      json: { type: 'string', default: 'transformer-bench.json' },
      context: { type: 'string', default: String(CONFIG.context) },
      embd: { type: 'string', default: String(CONFIG.embd) },
      layers: { type: 'string', default: String(CONFIG.layers) },
    },
    strict: true,
  });
  const steps = Number(values.steps);
  const c: Config = {
    ...CONFIG,
    context: Number(values.context),
    embd: Number(values.embd),
    layers: Number(values.layers),
  };
  const newTokens = values.new === String(CONFIG.context - 1) ? c.context - 1 : Number(values.new);
  const positive = [steps, newTokens, c.context, c.embd, c.layers].every((v) => Number.isInteger(v) && v > 0);
  if (!positive || c.embd % c.heads !== 0) {
    console.error(
      'usage: transformer [--only cpu|wasm] [--steps n] [--new n] [--context n] [--embd n (a multiple of 4)] [--layers n] [--json file]',
    );
    process.exit(2);
  }
  if (newTokens + 1 > c.context) {
    console.error(`--new must be at most ${c.context - 1} (the context is ${c.context})`);
    process.exit(2);
  }
  if (values.child) {
    console.log(JSON.stringify(await measure(values.child, steps, newTokens, c)));
    return;
  }
  const backends = values.only ? [values.only] : ['cpu', 'wasm'];
  const script = fileURLToPath(import.meta.url);
  const results: Outcome[] = [];
  console.log(
    `GPT ${c.layers} layers × ${c.embd}, ${c.heads} heads, vocabulary ${c.vocab}; training on [${c.batch}, ${c.context}] ` +
      `for ${steps} steps; greedy generation of ${newTokens} tokens`,
  );
  for (const backend of backends) {
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
      results.push(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Outcome);
    } catch (err) {
      results.push({
        backend,
        trainTokensPerSec: Number.NaN,
        generateCachedTokensPerSec: Number.NaN,
        generateUncachedTokensPerSec: Number.NaN,
        error: (err as Error).message.split('\n')[0],
      });
    }
  }
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(0).padStart(10) : '         –');
  console.log('backend   train tok/s  gen tok/s (cache)  gen tok/s (no cache)  cache speed-up');
  for (const r of results) {
    const speedup = r.generateCachedTokensPerSec / r.generateUncachedTokensPerSec;
    console.log(
      `${`nnet-${r.backend}`.padEnd(9)} ${f(r.trainTokensPerSec)}   ${f(r.generateCachedTokensPerSec)}         ` +
        `${f(r.generateUncachedTokensPerSec)}            ${Number.isFinite(speedup) ? `${speedup.toFixed(2)}×` : '–'}` +
        `${r.error ? `  (${r.error})` : ''}`,
    );
  }
  writeFileSync(
    values.json ?? 'transformer-bench.json',
    `${JSON.stringify({ config: c, steps, newTokens, results }, null, 2)}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exit(1);
});
