/**
 * `pnpm --filter @nnet/bench run anchor`: the numpy/OpenBLAS anchor of issue 19. The MLP
 * 784-128-ReLU-10 training step (softmax cross-entropy, SGD) in numpy on Debian's OpenBLAS
 * (`scripts/numpy_mlp.py`, the same math) beside nnet-wasm, at batch 64 and 256 with 1 and 2
 * threads, alternating the contenders within each round; samples/s per round, and the ratios the
 * issue sets (nnet-wasm ≥ 0.3× numpy with one thread, ≥ 0.5× with two), paired round by round.
 * The Python side checks at run time that numpy really runs OpenBLAS with the requested thread
 * count; where Python, numpy or OpenBLAS is missing (CI) the anchor is skipped with the reason.
 *
 *   pnpm --filter @nnet/bench run anchor [--rounds 3] [--quick] [--relaxed] [--json results/anchor.json]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { alternate, parseCli, positiveInts } from './cli_args.js';
import { type JobResult, RELAXED_FLAG, runJob } from './jobs.js';
import { nodeEnvironment, publishReport } from './report.js';
import { buildReport, type Figure, figureId, makeRatio, type Ratio, SampleSet } from './schema.js';

const usage =
  'usage: anchor [--rounds n] [--quick] [--relaxed] [--batches 64,256] [--threads 1,2] [--python /usr/bin/python3] [--json file]';

/** The workload name of the CPU-time figures (one thread). */
const CPU = 'mlp-train-cpu-time';

const script = fileURLToPath(new URL('../scripts/numpy_mlp.py', import.meta.url));

interface NumpyOut {
  samplesPerSec?: number;
  cpuSamplesPerSec?: number;
  blas?: string;
  blasVersion?: string;
  blasThreads?: number;
  blasLibrary?: string;
  numpy?: string;
  python?: string;
  error?: string;
}

/** Runs the numpy script; its JSON line (or the reason it could not run). */
function runNumpy(python: string, args: string[], threads: number): NumpyOut {
  const r = spawnSync(python, [script, ...args, '--threads', String(threads)], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) },
  });
  if (r.error) return { error: `${python} could not start: ${r.error.message}` };
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as NumpyOut;
  } catch {
    return { error: `${python} ${script} failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}` };
  }
}

function main(): void {
  const args = parseCli(usage, {
    rounds: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    relaxed: { type: 'boolean', default: false },
    batches: { type: 'string', default: '64,256' },
    threads: { type: 'string', default: '1,2' },
    python: { type: 'string', default: '/usr/bin/python3' },
    json: { type: 'string' },
  });
  const rounds = positiveInts('--rounds', args.rounds ?? '3', usage)[0];
  const batches = positiveInts('--batches', args.batches ?? '64,256', usage);
  const threadCounts = positiveInts('--threads', args.threads ?? '1,2', usage);
  const quick = args.quick ?? false;
  const python = args.python ?? '/usr/bin/python3';
  const flags = args.relaxed ? [RELAXED_FLAG] : [];
  const notes: string[] = [];
  const environment = nodeEnvironment();

  // Is the anchor available at all? One check per thread count: numpy must run OpenBLAS with exactly it.
  let skip: string | null = existsSync(python) ? null : `${python} is missing`;
  for (const t of threadCounts) {
    if (skip) break;
    const c = runNumpy(python, ['--batch', '1', '--check'], t);
    if (c.error) skip = c.error;
    else {
      environment.numpy = c.numpy ?? '';
      environment.python = c.python ?? '';
      environment.blas = `${c.blas} ${c.blasVersion}`;
      environment.blasLibrary = c.blasLibrary ?? '';
      console.log(
        `numpy ${c.numpy} uses ${c.blas} ${c.blasVersion} (${c.blasLibrary}) with ${c.blasThreads} thread(s)`,
      );
    }
  }
  if (skip) {
    notes.push(`numpy/OpenBLAS anchor skipped: ${skip}. Nothing was measured for it.`);
    console.log(`anchor skipped: ${skip}`);
  }
  environment.nnetWasmBuild = args.relaxed
    ? 'relaxed SIMD requested (node flag)'
    : 'default (plain SIMD on Node 20)';

  // The same timing as nnet-wasm's child (run-one.ts): 2 warm-up steps, then ≥ 800 ms and ≥ 5 steps.
  const timing = quick
    ? ['--warmup', '1', '--min-time-ms', '50', '--min-reps', '2']
    : ['--warmup', '2', '--min-time-ms', '800', '--min-reps', '5'];
  const samples = new SampleSet();
  const push = (id: string, v: number | null | undefined, err?: string) =>
    samples.add(id, v, err || undefined);
  for (let round = 0; round < rounds; round++) {
    for (const batch of batches) {
      for (const threads of threadCounts) {
        // Alternate which contender goes first from round to round.
        for (const lib of alternate(['numpy', 'nnet-wasm'], round)) {
          const id = figureId('mlp-train', batch, lib === 'numpy' ? 'numpy-openblas' : lib, threads);
          if (lib === 'numpy') {
            if (skip) continue;
            const r = runNumpy(python, ['--batch', String(batch), ...timing], threads);
            push(id, r.samplesPerSec, r.error);
            if (threads === 1) push(figureId(CPU, batch, 'numpy-openblas', 1), r.cpuSamplesPerSec, r.error);
            console.error(`round ${round + 1} ${id}: ${r.samplesPerSec?.toFixed(0) ?? r.error}`);
          } else {
            const r: JobResult = runJob(
              { lib: 'nnet-wasm', workload: 'mlp-train', size: batch, threads, quick },
              flags,
            );
            if (r.relaxed !== undefined) environment.nnetWasmRelaxed = r.relaxed;
            push(id, r.value, r.error);
            if (threads === 1) push(figureId(CPU, batch, 'nnet-wasm', 1), r.cpuValue, r.error);
            console.error(`round ${round + 1} ${id}: ${r.value?.toFixed(0) ?? r.error}`);
          }
        }
      }
    }
  }

  const figures: Figure[] = [];
  const ratios: Ratio[] = [];
  for (const workload of ['mlp-train', CPU]) {
    for (const batch of batches) {
      for (const threads of threadCounts) {
        if (workload === CPU && threads !== 1) continue;
        for (const lib of ['nnet-wasm', 'numpy-openblas']) {
          if (lib === 'numpy-openblas' && skip) continue;
          const unit = workload === CPU ? 'samples/CPU-s' : 'samples/s';
          figures.push(
            samples.figure(
              { workload, size: batch, lib, threads, unit, better: 'higher' },
              {},
              'not measured',
            ),
          );
        }
      }
    }
  }
  if (!skip) {
    for (const batch of batches) {
      for (const threads of threadCounts) {
        const target = threads === 1 ? 0.3 : threads === 2 ? 0.5 : undefined;
        ratios.push(
          makeRatio(
            figures,
            `MLP batch ${batch}: nnet-wasm ${threads}T / numpy ${threads}T`,
            figureId('mlp-train', batch, 'nnet-wasm', threads),
            figureId('mlp-train', batch, 'numpy-openblas', threads),
            target,
          ),
        );
      }
      if (threadCounts.includes(1))
        ratios.push(
          makeRatio(
            figures,
            `MLP batch ${batch}, CPU time per step: nnet-wasm 1T / numpy 1T`,
            figureId(CPU, batch, 'nnet-wasm', 1),
            figureId(CPU, batch, 'numpy-openblas', 1),
            0.3,
          ),
        );
      if (threadCounts.includes(1) && threadCounts.includes(2)) {
        ratios.push(
          makeRatio(
            figures,
            `MLP batch ${batch}: nnet-wasm 2T / 1T`,
            figureId('mlp-train', batch, 'nnet-wasm', 2),
            figureId('mlp-train', batch, 'nnet-wasm', 1),
            1.7,
          ),
        );
      }
    }
    notes.push(
      'numpy runs the same step (x·W1ᵀ+b1, ReLU, ·W2ᵀ+b2, mean softmax cross-entropy, backward, SGD lr 0.01, loss read as a float) in float32; OPENBLAS_NUM_THREADS sets its threads, checked with threadpoolctl before timing.',
      'The 2-thread target (0.5×) is read at equal thread counts: nnet-wasm with 2 threads against numpy with 2.',
      `${CPU}: samples per CPU-second of the process (median CPU time per step, one thread only). On a host shared with other busy processes, wall time also counts the waits for a core, which hit nnet's longer steps more often than numpy's shorter ones; CPU time is the fairer one-thread comparison there.`,
    );
  }
  const bench = quick ? 'anchor-quick' : 'anchor';
  const title = 'MLP 784-128-10 training beside numpy/OpenBLAS';
  const command = `pnpm --filter @nnet/bench run anchor --rounds ${rounds}${quick ? ' --quick' : ''}${args.relaxed ? ' --relaxed' : ''}`;
  const report = buildReport({ bench, title, command, rounds, environment, figures, ratios, notes });
  publishReport(report, quick, args.json);
}

main();
