/**
 * `pnpm --filter @nnet/bench run kernels`: each op that has (or is getting) a fused optional
 * kernel on the WebAssembly backend, timed twice in one process, alternating round by round: with
 * the backend as it is (its kernel, where it has one) and with its optional kernels hidden
 * (`requiredOnly` from @nnet/backend-testkit, the view the conformance suite uses, with the other
 * optional kernels put back), so the front end's reference decomposition runs on the same backend. Where the backend
 * lacks the kernel, both paths are the reference: the report says so, and the ratio is ~1 (noise).
 *
 *   pnpm --filter @nnet/bench run kernels [--rounds 3] [--quick] [--backend wasm|cpu] [--threads 1] [--json results/kernels.json]
 */

import { requiredOnly } from '@nnet/backend-testkit';
import type { Tensor } from '@nnet/tensor';
import * as nn from '@nnet/tensor';
import { alternate, parseCli, positiveInt, runMain, usageError } from './cli_args.js';
import { time } from './harness.js';
import { nodeEnvironment, publishReport } from './report.js';
import { buildReport, type Figure, figureId, makeRatio, type Ratio, SampleSet } from './schema.js';

const usage =
  'usage: kernels [--rounds n] [--quick] [--backend wasm|cpu] [--threads n] [--only name] [--json file]';

/** One op case: the kernels it would use, its inputs, and the op (forward, or forward + backward). */
interface OpCase {
  name: string;
  /** The optional kernel methods that make this op fast (hidden together; any one present counts). */
  kernels: string[];
  /** A size label for the table (the input's shape). */
  shape: string;
  /** Work per call, for the figure's size column (elements of the main input). */
  size: number;
  /** Builds inputs on the current backend and returns one call (read back) and a clean-up. */
  make(): { run(): void; dispose(): void };
}

/** The op with a gradient: forward, sum, backward, then free the gradients of `inputs`. */
function withBackward(inputs: Tensor[], op: () => Tensor): () => void {
  for (const t of inputs) t.requiresGrad = true;
  return () => {
    nn.tidy(() => {
      const y = op();
      const loss = y.sum();
      loss.backward();
      loss.dataSync();
    });
    for (const t of inputs) {
      t.grad?.dispose();
      t.grad = null;
    }
  };
}

function forwardOnly(op: () => Tensor | Tensor[]): () => void {
  return () =>
    nn.tidy(() => {
      const y = op();
      (Array.isArray(y) ? y[0] : y).dataSync();
    });
}

function cases(quick: boolean): OpCase[] {
  const s = (full: number, small: number) => (quick ? small : full);
  const free = (ts: Tensor[]) => () => {
    for (const t of ts) t.dispose();
  };
  const B = s(2, 1);
  const H = s(4, 2);
  const L = s(128, 16);
  const E = s(32, 8);
  const rows = s(256, 8);
  // The reference sort ranks by comparing every pair of a row (O(n²) per row): keep rows short.
  const sortRows = s(64, 8);
  const cols = s(256, 64);
  const scanCols = s(4096, 64);
  const img = s(64, 8);
  const classes = s(1000, 10);
  const ceRows = s(512, 8);
  const len = s(512, 32);
  return [
    {
      name: 'attention-fwd-bwd',
      kernels: ['attention'],
      shape: `q,k,v [${B}, ${H}, ${L}, ${E}], causal`,
      size: B * H * L * E,
      make() {
        const [q, k, v] = [0, 1, 2].map(() => nn.randn([B, H, L, E]));
        return {
          run: withBackward([q, k, v], () => nn.scaledDotProductAttention(q, k, v, { isCausal: true })),
          dispose: free([q, k, v]),
        };
      },
    },
    {
      name: 'sort',
      kernels: ['sortRows'],
      shape: `[${sortRows}, ${cols}], dim -1`,
      size: sortRows * cols,
      make() {
        const x = nn.randn([sortRows, cols]);
        return { run: forwardOnly(() => nn.sort(x, -1)), dispose: free([x]) };
      },
    },
    {
      name: 'topk',
      kernels: ['sortRows'],
      shape: `[${sortRows}, ${cols}], k 10`,
      size: sortRows * cols,
      make() {
        const x = nn.randn([sortRows, cols]);
        return { run: forwardOnly(() => nn.topk(x, Math.min(10, cols), -1)), dispose: free([x]) };
      },
    },
    {
      name: 'cumsum-fwd-bwd',
      kernels: ['cumsum'],
      shape: `[${rows}, ${scanCols}], dim 1`,
      size: rows * scanCols,
      make() {
        const x = nn.randn([rows, scanCols]);
        return { run: withBackward([x], () => nn.cumsum(x, 1)), dispose: free([x]) };
      },
    },
    {
      name: 'interpolate-bilinear-fwd-bwd',
      kernels: ['resizeAxis', 'resizeAxisBackward'],
      shape: `[8, 16, ${img}, ${img}] ×2`,
      size: 8 * 16 * img * img,
      make() {
        const x = nn.randn([8, 16, img, img]);
        return {
          run: withBackward([x], () => nn.interpolate(x, { scaleFactor: 2, mode: 'bilinear' })),
          dispose: free([x]),
        };
      },
    },
    {
      name: 'cross-entropy-fwd-bwd',
      kernels: ['crossEntropy', 'crossEntropyBackward'],
      shape: `logits [${ceRows}, ${classes}]`,
      size: ceRows * classes,
      make() {
        const x = nn.randn([ceRows, classes]);
        const y = nn.randint(0, classes, [ceRows]);
        return { run: withBackward([x], () => crossEntropyFn(x, y)), dispose: free([x, y]) };
      },
    },
    {
      name: 'conv1d-fwd-bwd',
      kernels: ['conv2d', 'conv2dBackwardInput', 'conv2dBackwardFilter'],
      shape: `x [16, 32, ${len}], w [64, 32, 5], padding 2`,
      size: 16 * 32 * len,
      make() {
        const x = nn.randn([16, 32, len]);
        const w = nn.randn([64, 32, 5]);
        const b = nn.randn([64]);
        return {
          run: withBackward([x, w, b], () => nn.conv1d(x, w, b, { padding: 2 })),
          dispose: free([x, w, b]),
        };
      },
    },
  ];
}

/**
 * `backend` with only the kernels `hide` removed: `requiredOnly` (the testkit's view, storage and
 * required kernels) plus every other optional kernel the backend has, so the op under test falls
 * back to its reference decomposition while the ops that decomposition uses keep their own kernels.
 */
function hideKernels(backend: nn.Backend, hide: readonly string[]): nn.Backend {
  const view = requiredOnly(backend) as unknown as Record<string, unknown>;
  const src = backend as unknown as Record<string, unknown>;
  for (const k of nn.OPTIONAL_KERNELS) {
    const f = src[k];
    if (!hide.includes(k) && typeof f === 'function')
      view[k] = (f as (...a: unknown[]) => unknown).bind(backend);
  }
  view.name = `${backend.name} (without ${hide.join(', ')})`;
  return view as unknown as nn.Backend;
}

/** `backend` (all its kernels) with the kernels `watch` counting their calls into `calls`. */
function spyKernels(backend: nn.Backend, watch: readonly string[], calls: Map<string, number>): nn.Backend {
  const view = hideKernels(backend, watch) as unknown as Record<string, unknown>;
  const src = backend as unknown as Record<string, unknown>;
  for (const k of watch) {
    const f = src[k];
    if (typeof f !== 'function') continue;
    view[k] = (...a: unknown[]) => {
      calls.set(k, (calls.get(k) ?? 0) + 1);
      return (f as (...b: unknown[]) => unknown).apply(backend, a);
    };
  }
  view.name = `${backend.name} (watching ${watch.join(', ')})`;
  return view as unknown as nn.Backend;
}

let crossEntropyFn: (logits: Tensor, target: Tensor) => Tensor;

async function main(): Promise<void> {
  const args = parseCli(usage, {
    rounds: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string', default: '1' },
    only: { type: 'string' },
    json: { type: 'string' },
  });
  const rounds = positiveInt('--rounds', args.rounds, usage);
  const threads = positiveInt('--threads', args.threads, usage);
  const backendName = args.backend;
  if (backendName !== 'wasm' && backendName !== 'cpu')
    usageError(`--backend must be wasm or cpu, got '${backendName}'`, usage);
  const quick = args.quick ?? false;
  crossEntropyFn = (await import('@nnet/loss')).crossEntropy;
  const environment = nodeEnvironment();
  if (backendName === 'wasm') {
    const wasm = await import('@nnet/backend-wasm');
    await nn.setBackend('wasm');
    await wasm.setThreads(threads);
    const b = nn.findBackend('wasm');
    if (b instanceof wasm.WasmBackend) environment.nnetWasmRelaxed = b.relaxed;
  } else {
    await import('@nnet/backend-cpu');
    await nn.setBackend('cpu');
  }
  const backend = nn.getBackend();
  const hiddenName = (c: OpCase) => `${backendName}:without-${c.kernels.join('-')}`;
  environment.backend = backendName;
  environment.threads = threads;
  const libFull = `nnet-${backendName}`;
  const libRef = `nnet-${backendName} (kernel hidden)`;
  const all = cases(quick).filter((c) => !args.only || c.name === args.only);
  if (!all.length)
    usageError(
      `unknown --only '${args.only}'; cases: ${cases(true)
        .map((c) => c.name)
        .join(', ')}`,
      usage,
    );
  const notes: string[] = [];
  const present = new Map<string, boolean>();
  for (const c of all) {
    if (!nn.listBackends().includes(hiddenName(c)))
      nn.registerBackend(hiddenName(c), () => hideKernels(backend, c.kernels), -1000);
    const has = c.kernels.filter(
      (k) => typeof (backend as unknown as Record<string, unknown>)[k] === 'function',
    );
    // Does the op call the kernel at all? (A backend may have it before the front end dispatches to it.)
    const calls = new Map<string, number>();
    if (has.length) {
      const spy = `${backendName}:watching-${c.kernels.join('-')}`;
      nn.registerBackend(spy, () => spyKernels(backend, c.kernels, calls), -1000);
      await nn.setBackend(spy);
      const w = c.make();
      w.run();
      w.dispose();
      await nn.setBackend(backendName);
      nn.removeBackend(spy);
    }
    const called = [...calls.keys()];
    present.set(c.name, called.length > 0);
    const line = !has.length
      ? `${c.name}: ${backendName} has no ${c.kernels.join('/')} kernel: both paths are the reference decomposition (the ratio is noise around 1)`
      : called.length
        ? `${c.name}: ${backendName} has ${has.join(', ')} and the op calls ${called.join(', ')}: timing the kernel against the reference decomposition`
        : `${c.name}: ${backendName} has ${has.join(', ')} but the op never calls it (the front end does not dispatch to it yet): both paths are the reference decomposition (the ratio is noise around 1)`;
    console.log(line);
    notes.push(line);
  }
  const samples = new SampleSet();
  // A reference path slower than 300 ms per call (the O(n²) sort) is the median of 3 after one warm-up.
  const timing = quick
    ? { warmup: 1, minTimeMs: 30, minReps: 2 }
    : { warmup: 2, minTimeMs: 500, minReps: 5, slowCallMs: 300 };
  for (let round = 0; round < rounds; round++) {
    for (const c of all) {
      for (const lib of alternate([libFull, libRef], round)) {
        const id = figureId(c.name, c.size, lib, threads);
        try {
          await nn.setBackend(lib === libFull ? backendName : hiddenName(c));
          nn.manualSeed(round);
          const w = c.make();
          const ms = time(w.run, timing).medianMs;
          w.dispose();
          samples.add(id, ms);
          console.error(`round ${round + 1}/${rounds} ${c.name} ${lib}: ${ms.toFixed(3)} ms`);
        } catch (err) {
          samples.add(
            id,
            null,
            err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]}` : String(err),
          );
          console.error(`round ${round + 1}/${rounds} ${c.name} ${lib}: ${samples.error(id)}`);
        }
      }
    }
  }
  await nn.setBackend(backendName);
  const figures: Figure[] = [];
  const ratios: Ratio[] = [];
  for (const c of all) {
    for (const lib of [libFull, libRef]) {
      figures.push(
        samples.figure(
          { workload: c.name, size: c.size, lib, threads, unit: 'ms', better: 'lower' },
          { shape: c.shape, kernel: c.kernels.join('/'), kernelPresent: present.get(c.name) ?? false },
        ),
      );
    }
    const full = figureId(c.name, c.size, libFull, threads);
    const ref = figureId(c.name, c.size, libRef, threads);
    if (samples.samples(full).length && samples.samples(ref).length)
      ratios.push(
        makeRatio(
          figures,
          `${c.name} (${c.shape}): reference ms / ${present.get(c.name) ? 'kernel' : 'reference (no kernel yet)'} ms`,
          ref,
          full,
        ),
      );
  }
  notes.push(
    "size is the main input's element count; each figure is ms per call (forward, or forward + sum + backward for the -fwd-bwd cases), the median within a round; rounds alternate the two paths.",
  );
  const bench = quick ? `kernels-${backendName}-quick` : `kernels-${backendName}`;
  const title = `Fused optional kernels on ${backendName} against the front end's reference decompositions`;
  const command = `pnpm --filter @nnet/bench run kernels --rounds ${rounds} --backend ${backendName} --threads ${threads}${quick ? ' --quick' : ''}`;
  const report = buildReport({ bench, title, command, rounds, environment, figures, ratios, notes });
  publishReport(report, quick, args.json);
}

runMain(main);
