/**
 * `pnpm --filter @nnet/bench run final`: the whole benchmark set in one command, for a quiet
 * machine and a budget of about 10–12 minutes on 2 cores. Runs, each in its own process and one
 * after the other, every part with the same number of rounds (each part alternates its contenders
 * round by round):
 *
 * - `node`: `pnpm bench` (matmul 128–1024 on every library, nnet-wasm 1 and 2 threads, beside the
 *   native 128-bit SIMD peak at 1 and 2 threads; MLP b64/b256 and CNN b64 training; batch-1
 *   inference; nnet-wasm relaxed SIMD beside plain for matmul 512 and MLP b64 1 thread);
 * - `anchor`: the native-library anchors, 1 and 2 threads: numpy/OpenBLAS on the MLP (batch 64 and
 *   256), PyTorch on the MLP and the CNN (batch 64);
 * - `kernels`: fused kernels against the reference decompositions on wasm (1 thread);
 * - `browser`: the Chromium page, nnet-wasm beside tfjs-wasm at 1 and 2 threads (and the native
 *   128-bit SIMD peak beside the page loads);
 * - `kernels` again on the cpu backend.
 *
 * The browser page and the cpu kernels start only if the time left in the budget covers them
 * (otherwise they are skipped, and the summary says so).
 *
 * Then regenerates the BENCHMARKS.md sections from `results/*.json`. With `--quick` every part runs
 * its smoke sizes once, writes `results/quick/`, and the sections are rendered into
 * `results/quick/BENCHMARKS.md` (a copy), leaving the real document alone.
 *
 *   pnpm --filter @nnet/bench run final [--only node,anchor,kernels,browser] [--rounds 3] [--quick] [--budget-min 12]
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli, positiveInt, usageError } from './cli_args.js';
import { loadAverages } from './report.js';

const PARTS = ['node', 'anchor', 'kernels', 'browser'] as const;
type Part = (typeof PARTS)[number];

const usage =
  'usage: final [--only node,anchor,kernels,browser] [--rounds n] [--quick] [--budget-min 12] [--no-generate]';

/** Minutes the browser part needs at 3 full rounds on a quiet 2-core machine (two page loads a round). */
const BROWSER_MINUTES = 2.5;
/** Minutes the cpu kernel benches need at 3 full rounds. */
const KERNELS_CPU_MINUTES = 1.5;

const here = fileURLToPath(new URL('.', import.meta.url));
const appDir = join(here, '..');

interface Step {
  part: Part;
  label: string;
  script: string;
  args: string[];
  /** Run only if this many minutes are left in the budget (the optional steps). */
  needsMinutes?: number;
}

function main(): void {
  const args = parseCli(usage, {
    only: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    'budget-min': { type: 'string', default: '12' },
    'no-generate': { type: 'boolean', default: false },
  });
  const only = (args.only ?? PARTS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length || !only.length)
    usageError(`unknown --only part(s) '${unknown.join(',')}'; parts: ${PARTS.join(', ')}`, usage);
  const quick = args.quick ?? false;
  const rounds = positiveInt('--rounds', args.rounds, usage);
  const budgetMin = Number(args['budget-min']);
  if (!(budgetMin > 0))
    usageError(`--budget-min must be a positive number, got '${args['budget-min']}'`, usage);
  const common = ['--rounds', String(quick ? 1 : rounds), ...(quick ? ['--quick'] : [])];
  const steps: Step[] = [
    { part: 'node', label: 'node suite', script: 'cli.js', args: common },
    { part: 'anchor', label: 'native anchors (numpy/OpenBLAS, PyTorch)', script: 'anchor.js', args: common },
    {
      part: 'kernels',
      label: 'kernels (wasm, 1 thread)',
      script: 'kernels.js',
      args: [...common, '--backend', 'wasm', '--threads', '1'],
    },
    {
      part: 'browser',
      label: 'browser page',
      script: 'browser.js',
      args: [...common, '--threads', '1,2'],
      needsMinutes: quick ? 0 : BROWSER_MINUTES,
    },
    {
      part: 'kernels',
      label: 'kernels (cpu)',
      script: 'kernels.js',
      args: [...common, '--backend', 'cpu'],
      needsMinutes: quick ? 0 : KERNELS_CPU_MINUTES,
    },
  ].filter((s) => only.includes(s.part)) as Step[];

  const t0 = performance.now();
  const minutes = () => (performance.now() - t0) / 60000;
  console.log(`final: ${steps.map((s) => s.label).join(', ')}; load average at start ${loadAverages()}`);
  const log: string[] = [];
  let failed = false;
  for (const step of steps) {
    const left = budgetMin - minutes();
    if (step.needsMinutes !== undefined && left < step.needsMinutes) {
      const line = `${step.label}: skipped, ${left.toFixed(1)} min left of the ${budgetMin} min budget and it needs ~${step.needsMinutes} (run it alone: --only ${step.part})`;
      console.log(`\n== ${line}`);
      log.push(line);
      continue;
    }
    console.log(`\n== ${step.label}: node dist/${step.script} ${step.args.join(' ')}`);
    const s0 = performance.now();
    const r = spawnSync(process.execPath, [join(here, step.script), ...step.args], {
      cwd: appDir,
      stdio: 'inherit',
    });
    const took = ((performance.now() - s0) / 1000).toFixed(0);
    const ok = r.status === 0;
    failed ||= !ok;
    log.push(`${step.label}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${took} s`);
  }
  if (!args['no-generate']) {
    const resultsDir = join(appDir, 'results', ...(quick ? ['quick'] : []));
    const genArgs: string[] = [];
    if (quick) {
      // Render the quick reports into a copy, so the smoke run checks the generator end to end.
      mkdirSync(resultsDir, { recursive: true });
      const copy = join(resultsDir, 'BENCHMARKS.md');
      copyFileSync(join(appDir, '..', '..', 'BENCHMARKS.md'), copy);
      const files = readdirSync(resultsDir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => join(resultsDir, f));
      genArgs.push(...files, '--out', copy);
    }
    console.log(`\n== BENCHMARKS.md sections: node dist/generate.js ${genArgs.join(' ')}`);
    const r = spawnSync(process.execPath, [join(here, 'generate.js'), ...genArgs], {
      cwd: appDir,
      stdio: 'inherit',
    });
    failed ||= r.status !== 0;
    log.push(`generate: ${r.status === 0 ? 'ok' : 'FAILED'}`);
  }
  console.log(`\nfinal: ${minutes().toFixed(1)} min in all; load average at end ${loadAverages()}`);
  for (const l of log) console.log(`  ${l}`);
  if (failed) process.exit(1);
}

main();
