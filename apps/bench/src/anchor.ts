/**
 * `pnpm --filter @nnet/bench run anchor`: the native-library anchors of issue 19, measured beside
 * nnet-wasm in the same run, the contenders alternating within each round:
 *
 * - numpy/OpenBLAS (`scripts/numpy_anchor.py`): the MLP 784-128-ReLU-10 training step (softmax
 *   cross-entropy, SGD) at batch 64 and 256 on Debian's OpenBLAS, checked at run time to run
 *   OpenBLAS with the requested thread count, and a square matrix product (512 by default): what
 *   OpenBLAS's own kernels reach on this CPU beside nnet-wasm's;
 * - PyTorch (`scripts/torch_train.py`, Debian's torch 1.13): the same MLP step and the MNIST-shaped
 *   CNN training step at batch 64, with `torch.set_num_threads(n)`;
 *
 * each at 1 and 2 threads in its own process. samples/s per round (GFLOP/s for the product), and the
 * ratios (anchor_ratios.ts): nnet-wasm / numpy (issue 19's 0.3× and 0.5× for the MLP), nnet-wasm /
 * torch, and numpy's and torch's own 2T / 1T — what a native library gains from a second thread on
 * this host. Where Python, numpy,
 * OpenBLAS or torch is missing (CI) that contender is skipped with the reason. Both Python scripts
 * share their timing protocol (`scripts/anchor_common.py`, the same as nnet's child).
 *
 *   pnpm --filter @nnet/bench run anchor [--rounds 3] [--quick] [--relaxed] [--batches 64,256] [--cnn-batches 64] [--matmul-sizes 512] [--json results/anchor.json]
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { anchorRatios, CPU_TIME, NUMPY, TORCH } from './anchor_ratios.js';
import { runJsonCommand } from './child.js';
import { alternate, parseCli, positiveInts } from './cli_args.js';
import { HostAnchor, hostRatios } from './host_capacity.js';
import { type JobResult, RELAXED_FLAG, runJob } from './jobs.js';
import { PROTOCOL, UNITS, type Workload } from './measure.js';
import { pinNote, pinned } from './pin.js';
import { nodeEnvironment, publishReport } from './report.js';
import { buildReport, type Figure, figureId, SampleSet } from './schema.js';

const usage =
  'usage: anchor [--rounds n] [--quick] [--relaxed] [--batches 64,256] [--cnn-batches 64] [--matmul-sizes 512] [--threads 1,2] [--python /usr/bin/python3] [--json file]';

/** What the Python anchors print (scripts/anchor_common.py's figures and the libraries they ran). */
interface PythonOut {
  samplesPerSec?: number;
  cpuSamplesPerSec?: number;
  /** numpy's matmul: GFLOP/s of the median product. */
  gflops?: number;
  blas?: string;
  blasVersion?: string;
  /** The kernel set OpenBLAS chose for this CPU (e.g. Haswell: 256-bit AVX2 with FMA). */
  blasCore?: string;
  blasThreads?: number;
  blasLibrary?: string;
  numpy?: string;
  torch?: string;
  torchThreads?: number;
  python?: string;
  error?: string;
}

type Native = typeof NUMPY | typeof TORCH;

/**
 * Each native contender: its script, the extra arguments of a workload, and the environment it
 * runs with besides the thread counts.
 */
const NATIVE: Record<
  Native,
  { script: string; label: string; args(workload: Workload): string[]; env: Record<string, string> }
> = {
  [NUMPY]: {
    script: fileURLToPath(new URL('../scripts/numpy_anchor.py', import.meta.url)),
    label: 'numpy/OpenBLAS',
    args: (workload) => (workload === 'matmul' ? ['--workload', 'matmul'] : []),
    env: {},
  },
  [TORCH]: {
    script: fileURLToPath(new URL('../scripts/torch_train.py', import.meta.url)),
    label: 'PyTorch',
    args: (workload) => ['--workload', workload === 'cnn-train' ? 'cnn' : 'mlp'],
    // glibc's adaptive mmap threshold otherwise makes some torch processes map and fault in their
    // step's buffers afresh every step: measured here, one CNN process in four ran 5-7x slower on
    // one thread (1.9k against 14k samples/s, CPU time = wall time, +1,000 page faults a step).
    // Debian's torch runs its products on OpenBLAS's pthreads and its other kernels on OpenMP
    // threads; OpenBLAS's threads spin for 2^28 cycles after each product by default, fighting
    // torch's OpenMP threads for the two cores: measured here, 2-thread steps collapsed to 1.8k
    // (MLP b64) and 0.3-4k (CNN) samples/s against 136k and 16k with one thread. 2^4 cycles stops it
    // (104k and 21k, steady over repeats).
    env: {
      MALLOC_MMAP_THRESHOLD_: String(64 << 20),
      MALLOC_TRIM_THRESHOLD_: String(256 << 20),
      OPENBLAS_THREAD_TIMEOUT: '4',
    },
  },
};

/** The workloads of the anchor. */
type AnchorWorkload = 'mlp-train' | 'cnn-train' | 'matmul';

/** The contenders of each workload (numpy has no CNN; the product is numpy's, torch runs the same BLAS). */
const CONTENDERS: Record<AnchorWorkload, readonly (Native | 'nnet-wasm')[]> = {
  'mlp-train': [NUMPY, TORCH, 'nnet-wasm'],
  'cnn-train': [TORCH, 'nnet-wasm'],
  matmul: [NUMPY, 'nnet-wasm'],
};

/**
 * Runs a Python anchor with `threads` threads (OPENBLAS_NUM_THREADS and OMP_NUM_THREADS set before
 * it starts); its JSON line, or the reason it could not run.
 */
function runPython(python: string, lib: Native, args: string[], threads: number): PythonOut {
  const n = String(threads);
  const [command, argv] = pinned(threads, python, [NATIVE[lib].script, ...args, '--threads', n]);
  return runJsonCommand<PythonOut>(command, argv, {
    ...process.env,
    ...NATIVE[lib].env,
    OPENBLAS_NUM_THREADS: n,
    OMP_NUM_THREADS: n,
  });
}

function main(): void {
  const args = parseCli(usage, {
    rounds: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    relaxed: { type: 'boolean', default: false },
    batches: { type: 'string', default: '64,256' },
    'cnn-batches': { type: 'string' },
    'matmul-sizes': { type: 'string' },
    threads: { type: 'string', default: '1,2' },
    python: { type: 'string', default: '/usr/bin/python3' },
    json: { type: 'string' },
  });
  const quick = args.quick ?? false;
  const rounds = positiveInts('--rounds', args.rounds ?? '3', usage)[0];
  const batches = positiveInts('--batches', args.batches ?? '64,256', usage);
  const cnnBatches = positiveInts('--cnn-batches', args['cnn-batches'] ?? (quick ? '8' : '64'), usage);
  const matmulSizes = positiveInts('--matmul-sizes', args['matmul-sizes'] ?? (quick ? '64' : '512'), usage);
  const threadCounts = positiveInts('--threads', args.threads ?? '1,2', usage);
  const python = args.python ?? '/usr/bin/python3';
  const flags = args.relaxed ? [RELAXED_FLAG] : [];
  const notes: string[] = [];
  const environment = nodeEnvironment();

  // Is each native contender available? One check per thread count: it must run exactly them.
  const skip = new Map<Native, string>();
  for (const lib of [NUMPY, TORCH] as const) {
    if (!existsSync(python)) skip.set(lib, `${python} is missing`);
    for (const t of threadCounts) {
      if (skip.has(lib)) break;
      const c = runPython(python, lib, [...NATIVE[lib].args('mlp-train'), '--batch', '1', '--check'], t);
      if (c.error) skip.set(lib, c.error);
      else if (lib === NUMPY) {
        environment.numpy = c.numpy ?? '';
        environment.python = c.python ?? '';
        environment.blas = `${c.blas} ${c.blasVersion}${c.blasCore ? ` (${c.blasCore} kernels)` : ''}`;
        environment.blasLibrary = c.blasLibrary ?? '';
        console.log(
          `numpy ${c.numpy} uses ${c.blas} ${c.blasVersion} (${c.blasLibrary}, ${c.blasCore ?? 'unknown'} kernels) with ${c.blasThreads} thread(s)`,
        );
      } else {
        environment.torch = c.torch ?? '';
        environment.python = c.python ?? '';
        environment.torchBlas = `${c.blas} ${c.blasVersion}`;
        console.log(
          `torch ${c.torch} runs ${c.torchThreads} thread(s); its BLAS: ${c.blas} ${c.blasVersion} with ${c.blasThreads} thread(s)`,
        );
      }
    }
    const why = skip.get(lib);
    if (why) {
      notes.push(`${NATIVE[lib].label} anchor skipped: ${why}. Nothing was measured for it.`);
      console.log(`${NATIVE[lib].label} anchor skipped: ${why}`);
    }
  }
  environment.nnetWasmBuild = args.relaxed
    ? 'relaxed SIMD requested (node flag)'
    : 'default (plain SIMD on Node 20)';

  // The same timing as nnet-wasm's child (measure.ts's PROTOCOL).
  const timing = (workload: AnchorWorkload) => {
    const at = quick ? 0 : 1;
    const { warmup, minTimeMs, minReps } = PROTOCOL[workload];
    return ['--warmup', warmup[at], '--min-time-ms', minTimeMs[at], '--min-reps', minReps[at]].map(String);
  };
  const plan: { workload: AnchorWorkload; batch: number }[] = [
    ...batches.map((batch) => ({ workload: 'mlp-train' as const, batch })),
    ...cnnBatches.map((batch) => ({ workload: 'cnn-train' as const, batch })),
    ...matmulSizes.map((batch) => ({ workload: 'matmul' as const, batch })),
  ];
  const samples = new SampleSet();
  const push = (id: string, v: number | null | undefined, err?: string) =>
    samples.add(id, v, err || undefined);
  // What the host gives this run, once per round before the contenders.
  const host = new HostAnchor(quick);
  for (let round = 0; round < rounds; round++) {
    host.measure(samples, round);
    for (const { workload, batch } of plan) {
      for (const threads of threadCounts) {
        // Alternate the order of the contenders from round to round.
        for (const lib of alternate(CONTENDERS[workload], round)) {
          const id = figureId(workload, batch, lib, threads);
          if (lib === 'nnet-wasm') {
            const r: JobResult = runJob({ lib, workload, size: batch, threads, quick }, flags);
            if (r.relaxed !== undefined) environment.nnetWasmRelaxed = r.relaxed;
            push(id, r.value, r.error);
            if (workload === 'mlp-train' && threads === 1)
              push(figureId(CPU_TIME, batch, lib, 1), r.cpuValue, r.error);
            console.error(`round ${round + 1} ${id}: ${r.value?.toFixed(0) ?? r.error}`);
          } else {
            if (skip.has(lib)) continue;
            const r = runPython(
              python,
              lib,
              [...NATIVE[lib].args(workload), '--batch', String(batch), ...timing(workload)],
              threads,
            );
            const value = workload === 'matmul' ? r.gflops : r.samplesPerSec;
            push(id, value, r.error);
            if (lib === NUMPY && threads === 1 && workload === 'mlp-train')
              push(figureId(CPU_TIME, batch, lib, 1), r.cpuSamplesPerSec, r.error);
            console.error(`round ${round + 1} ${id}: ${value?.toFixed(0) ?? r.error}`);
          }
        }
      }
    }
  }

  const figures: Figure[] = [];
  const figure = (workload: string, batch: number, lib: string, threads: number, unit: string) =>
    figures.push(
      samples.figure({ workload, size: batch, lib, threads, unit, better: 'higher' }, {}, 'not measured'),
    );
  for (const { workload, batch } of plan)
    for (const threads of threadCounts)
      for (const lib of [...CONTENDERS[workload]].reverse())
        if (lib === 'nnet-wasm' || !skip.has(lib))
          figure(workload, batch, lib, threads, UNITS[workload].unit);
  for (const batch of batches)
    if (threadCounts.includes(1))
      for (const lib of ['nnet-wasm', NUMPY] as const)
        if (lib === 'nnet-wasm' || !skip.has(lib)) figure(CPU_TIME, batch, lib, 1, 'samples/CPU-s');
  if (!skip.has(NUMPY))
    notes.push(
      'numpy runs the same MLP step (x·W1ᵀ+b1, ReLU, ·W2ᵀ+b2, mean softmax cross-entropy, backward, SGD lr 0.01, loss read as a float) in float32; OPENBLAS_NUM_THREADS sets its threads, checked with threadpoolctl before timing.',
      'The 2-thread target (0.5×) is read at equal thread counts: nnet-wasm with 2 threads against numpy with 2.',
      `${CPU_TIME}: samples per CPU-second of the process (median CPU time per step, one thread only). On a host shared with other busy processes, wall time also counts the waits for a core, which hit nnet's longer steps more often than numpy's shorter ones; CPU time is the fairer one-thread comparison there.`,
      `matmul: C = A·B for square float32 matrices (side = size), numpy's np.matmul into a preallocated C against nnet-wasm's matmul child (the node suite's workload), GFLOP/s of the median product. OpenBLAS runs the kernels it chose for this CPU (environment.blas: Haswell = 256-bit AVX2 with FMA); WebAssembly SIMD is 128 bits wide, so on a CPU whose 128-bit FMA does no more than a multiply and an add (the node suite's native peaks say whether), nnet-wasm can reach at most about half of a 256-bit kernel's rate, and so a workload made mostly of products at most about half of numpy's.`,
    );
  if (!skip.has(TORCH))
    notes.push(
      'PyTorch runs the same MLP step and the same CNN step (conv 3x3 1→8, ReLU, max-pool 2, conv 3x3 8→16, ReLU, max-pool 2, Linear(400, 10); He-initialised convolutions; mean cross-entropy, SGD lr 0.01, loss read with .item()) on inputs of the same shapes, float32; torch.set_num_threads(n) with OMP_NUM_THREADS and OPENBLAS_NUM_THREADS = n, checked before timing.',
      "Two settings keep torch's figures from measuring artefacts of this host rather than torch: glibc's mmap and trim thresholds fixed at 64 and 256 MiB (without them some processes fault their buffers in afresh every step and run 5-7x slower, one thread included), and OPENBLAS_THREAD_TIMEOUT=4 (Debian's torch runs its products on OpenBLAS's pthreads and its other kernels, convolutions included, on OpenMP threads; OpenBLAS's threads otherwise spin ~2^28 cycles after each product and fight torch's OpenMP threads for the two cores, and 2-thread steps collapse to 1-10 % of one thread's rate).",
    );
  notes.push(
    'numpy 2T / 1T and torch 2T / 1T are what a native library gains from a second thread on this host: the yardstick for nnet-wasm 2T / 1T (issue 19 asks 1.7×).',
  );
  figures.push(...host.figures(samples));
  host.describe(notes);
  notes.push(pinNote());
  const bench = quick ? 'anchor-quick' : 'anchor';
  const title = 'Training and products beside native libraries: numpy/OpenBLAS and PyTorch';
  const command = `pnpm --filter @nnet/bench run anchor --rounds ${rounds}${quick ? ' --quick' : ''}${args.relaxed ? ' --relaxed' : ''}`;
  const ratios = [...anchorRatios(figures), ...hostRatios(figures)];
  const report = buildReport({ bench, title, command, rounds, environment, figures, ratios, notes });
  publishReport(report, quick, args.json);
}

main();
