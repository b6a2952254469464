/**
 * `pnpm --filter @nnet/bench run primitives`: the backends' non-GEMM kernels on nnet-wasm and
 * nnet-cpu, called directly through the `Backend` interface (no front end, no autograd) on
 * tensors of 1M elements: element-wise unary/binary/compare/where/cast over float32, int32 and
 * bool (the AssemblyScript paths and the TypeScript fallbacks), a row reduction, gather and
 * scatterAdd, the SGD and Adam updates, and one conv2d forward. Each round runs one child process
 * per backend (the order alternating), which times every case; a figure is ms per call, median
 * over rounds with min–max, and each case's cpu / wasm ratio is paired round by round.
 *
 *   pnpm --filter @nnet/bench run primitives [--rounds 3] [--quick] [--threads 1] [--only binary] [--json file]
 */
import { fileURLToPath } from 'node:url';
import { type Backend, type DType, hasKernel, type TensorInfo } from '@nnet/tensor';
import { childMain, childPayload, runChild } from './child.js';
import { alternate, parseCli, positiveInt, runMain, usageError } from './cli_args.js';
import { type TimeOptions, time } from './harness.js';
import { nodeEnvironment, publishReport } from './report.js';
import { buildReport, type Figure, figureId, makeRatio, type Ratio, SampleSet } from './schema.js';

const usage =
  'usage: primitives [--rounds n] [--quick] [--threads n (nnet-wasm)] [--only substring] [--json file]';

/** The two contenders: nnet's WebAssembly backend and its TypeScript one. */
const LIBS = ['nnet-wasm', 'nnet-cpu'] as const;
type PrimLib = (typeof LIBS)[number];

/** Elements of the element-wise cases' tensors (1M), as rows × columns for the row-wise ones. */
const N = 1 << 20;
const ROWS = 1024;
const COLS = N / ROWS;
/** The conv2d case: x [32, 16, 28, 28] * w [32, 16, 3, 3], padding 1 (an MNIST-sized layer). */
const CONV = { n: 32, c: 16, o: 32, hw: 28, k: 3 };

/** Makes a tensor on the backend under test: random values in `range`, or zeros when it is null. */
type MakeTensor = (dtype: DType, shape: number[], range?: [number, number] | null) => TensorInfo;

/** Every case's inputs and outputs, made once per backend (the same numbers on both). */
function makeInputs(t: MakeTensor) {
  const { n, c, o, hw, k } = CONV;
  return {
    f: t('float32', [ROWS, COLS]),
    g: t('float32', [ROWS, COLS]),
    row: t('float32', [1, COLS]),
    i32: t('int32', [ROWS, COLS]),
    j32: t('int32', [ROWS, COLS]),
    b1: t('bool', [ROWS, COLS]),
    b2: t('bool', [ROWS, COLS]),
    of: t('float32', [ROWS, COLS], null),
    oi: t('int32', [ROWS, COLS], null),
    ob: t('bool', [ROWS, COLS], null),
    idx: t('int32', [ROWS, COLS], [0, ROWS]),
    sums: t('int32', [ROWS, 1], null),
    p: t('float32', [N], null),
    m1: t('float32', [N], null),
    m2: t('float32', [N], null),
    gr: t('float32', [N]),
    cx: t('float32', [n, c, hw, hw]),
    cw: t('float32', [o, c, k, k]),
    cy: t('float32', [n, o, hw, hw], null),
  };
}
type Inputs = ReturnType<typeof makeInputs>;

const SGD = { lr: 0.01, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 1e-4, first: false };
const ADAM = {
  ...{ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  ...{ weightDecay: 0, decoupled: false, amsgrad: false, step: 3 },
};
const CONV_PARAMS = { strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1, groups: 1 };

/** The error of a case whose optional kernel the backend lacks (its figure records it). */
const missing = (be: Backend, kernel: string) => new Error(`${be.name} has no ${kernel} kernel`);

/** One case: its name, its work (elements of the main input; default 1M) and one call. */
interface Case {
  name: string;
  size?: number;
  run(be: Backend, x: Inputs): void;
}

const CASES: readonly Case[] = [
  { name: 'unary.exp f32', run: (be, x) => be.unary('exp', x.f, x.of) },
  { name: 'unary.sigmoid f32', run: (be, x) => be.unary('sigmoid', x.f, x.of) },
  { name: 'unary.erf f32', run: (be, x) => be.unary('erf', x.f, x.of) },
  { name: 'unary.round f32', run: (be, x) => be.unary('round', x.f, x.of) },
  { name: 'unary.abs i32', run: (be, x) => be.unary('abs', x.i32, x.oi) },
  { name: 'unary.logicalNot bool', run: (be, x) => be.unary('logicalNot', x.b1, x.ob) },
  { name: 'binary.add f32', run: (be, x) => be.binary('add', x.f, x.g, x.of) },
  { name: 'binary.mul f32 row-broadcast', run: (be, x) => be.binary('mul', x.f, x.row, x.of) },
  { name: 'binary.pow f32', run: (be, x) => be.binary('pow', x.f, x.g, x.of) },
  { name: 'binary.add i32', run: (be, x) => be.binary('add', x.i32, x.j32, x.oi) },
  { name: 'binary.pow i32', run: (be, x) => be.binary('pow', x.i32, x.j32, x.oi) },
  { name: 'binary.logicalAnd bool', run: (be, x) => be.binary('logicalAnd', x.b1, x.b2, x.ob) },
  { name: 'compare.lt f32', run: (be, x) => be.compare('lt', x.f, x.g, x.ob) },
  { name: 'compare.eq bool', run: (be, x) => be.compare('eq', x.b1, x.b2, x.ob) },
  { name: 'where f32', run: (be, x) => be.where(x.b1, x.f, x.g, x.of) },
  { name: 'where bool', run: (be, x) => be.where(x.b1, x.b1, x.b2, x.ob) },
  { name: 'cast f32→i32', run: (be, x) => be.cast(x.f, x.oi) },
  { name: 'cast bool→f32', run: (be, x) => be.cast(x.b1, x.of) },
  { name: 'reduce.sum i32 rows', run: (be, x) => be.reduce('sum', x.i32, [1], x.sums) },
  { name: 'gather f32 axis 0', run: (be, x) => be.gather(x.f, 0, x.idx, x.of) },
  { name: 'scatterAdd f32 axis 0', run: (be, x) => be.scatterAdd(x.of, 0, x.idx, x.g) },
  {
    name: 'sgdUpdate',
    run(be, x) {
      if (!hasKernel(be, 'sgdUpdate')) throw missing(be, 'sgdUpdate');
      be.sgdUpdate(x.p, x.gr, x.m1, SGD);
    },
  },
  {
    name: 'adamUpdate',
    run(be, x) {
      if (!hasKernel(be, 'adamUpdate')) throw missing(be, 'adamUpdate');
      be.adamUpdate(x.p, x.gr, x.m1, x.m2, null, ADAM);
    },
  },
  {
    name: 'conv2d 3x3 pad 1',
    size: CONV.n * CONV.c * CONV.hw * CONV.hw,
    run(be, x) {
      if (!hasKernel(be, 'conv2d')) throw missing(be, 'conv2d');
      be.conv2d(x.cx, x.cw, null, CONV_PARAMS, x.cy);
    },
  },
];

/** What a child measured: ms per call by case, or why a case has no figure. */
interface ChildResult {
  ms: Record<string, number>;
  errors: Record<string, string>;
  /** nnet-wasm: whether the relaxed-SIMD build ran. */
  relaxed?: boolean;
}

interface ChildJob {
  lib: PrimLib;
  threads: number;
  quick: boolean;
  cases: string[];
}

/** The child: makes the backend and the inputs, then times each case once per call of `time`. */
async function measure(job: ChildJob): Promise<ChildResult> {
  const nn = await import('@nnet/tensor');
  const { CpuBackend } = await import('@nnet/backend-cpu');
  let be: Backend;
  let relaxed: boolean | undefined;
  if (job.lib === 'nnet-wasm') {
    const wasm = await import('@nnet/backend-wasm');
    const b = await wasm.createWasmBackend({ threads: job.threads });
    relaxed = b.relaxed;
    be = b;
  } else be = new CpuBackend();
  // The numbers come from the front end's seeded generator on the cpu backend, then go to `be`.
  await nn.setBackend('cpu');
  nn.manualSeed(1);
  const make: MakeTensor = (dtype, shape, range = [-3, 3]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = nn.tidy(() =>
      range === null
        ? nn.zeros([size], { dtype })
        : dtype === 'float32'
          ? nn
              .rand([size])
              .mul(range[1] - range[0])
              .add(range[0])
          : dtype === 'int32'
            ? nn.randint(range[0], range[1], [size], { dtype: 'int32' })
            : nn.rand([size]).lt(0.5),
    );
    const handle = be.alloc(dtype, size);
    be.write(handle, values.dataSync());
    values.dispose();
    return { handle, dtype, shape };
  };
  const inputs = makeInputs(make);
  const timing: TimeOptions = job.quick
    ? { warmup: 1, minTimeMs: 30, minReps: 2 }
    : { warmup: 2, minTimeMs: 300, minReps: 5 };
  const ms: Record<string, number> = {};
  const errors: Record<string, string> = {};
  for (const c of CASES.filter((k) => job.cases.includes(k.name))) {
    try {
      ms[c.name] = time(() => c.run(be, inputs), timing).medianMs;
    } catch (err) {
      errors[c.name] = err instanceof Error ? err.message.split('\n')[0] : String(err);
    }
  }
  return { ms, errors, ...(relaxed === undefined ? {} : { relaxed }) };
}

function main(): void {
  const args = parseCli(usage, {
    rounds: { type: 'string' },
    quick: { type: 'boolean', default: false },
    threads: { type: 'string', default: '1' },
    only: { type: 'string' },
    json: { type: 'string' },
  });
  const quick = args.quick ?? false;
  const rounds = positiveInt('--rounds', args.rounds ?? (quick ? '1' : '3'), usage);
  const threads = positiveInt('--threads', args.threads, usage);
  const chosen = CASES.filter((c) => !args.only || c.name.includes(args.only));
  if (!chosen.length)
    usageError(`no case matches --only '${args.only}'; cases: ${CASES.map((c) => c.name).join(', ')}`, usage);
  const names = chosen.map((c) => c.name);
  const threadsOf = (lib: PrimLib) => (lib === 'nnet-wasm' ? threads : 1);
  const id = (c: Case, lib: PrimLib) => figureId(c.name, c.size ?? N, lib, threadsOf(lib));
  const samples = new SampleSet();
  const environment = nodeEnvironment();
  const script = fileURLToPath(import.meta.url);
  for (let round = 0; round < rounds; round++) {
    for (const lib of alternate(LIBS, round)) {
      const job: ChildJob = { lib, threads: threadsOf(lib), quick, cases: names };
      const r = runChild<ChildResult>(script, job);
      const failed = 'error' in r ? r.error : undefined;
      for (const c of chosen) {
        const v = 'ms' in r ? r.ms[c.name] : undefined;
        samples.add(id(c, lib), v, failed ?? ('errors' in r ? r.errors[c.name] : undefined) ?? 'no value');
      }
      if ('relaxed' in r && r.relaxed !== undefined) environment.nnetWasmRelaxed = r.relaxed;
      const done = 'ms' in r ? `${Object.keys(r.ms).length} of ${names.length} cases` : failed;
      console.error(`round ${round + 1}/${rounds} ${lib}: ${done}`);
    }
  }
  const figures: Figure[] = [];
  const ratios: Ratio[] = [];
  for (const c of chosen) {
    for (const lib of LIBS)
      figures.push(
        samples.figure({
          workload: c.name,
          size: c.size ?? N,
          lib,
          threads: threadsOf(lib),
          unit: 'ms',
          better: 'lower',
        }),
      );
    const wasm = id(c, 'nnet-wasm');
    const cpu = id(c, 'nnet-cpu');
    if (samples.samples(wasm).length && samples.samples(cpu).length)
      ratios.push(makeRatio(figures, `${c.name}: nnet-cpu ms / nnet-wasm ms`, cpu, wasm));
  }
  const bench = quick ? 'primitives-quick' : 'primitives';
  const report = buildReport({
    bench,
    title: "The backends' non-GEMM kernels: nnet-wasm beside nnet-cpu through the Backend interface",
    command: `pnpm --filter @nnet/bench run primitives --rounds ${rounds} --threads ${threads}${quick ? ' --quick' : ''}${args.only ? ` --only '${args.only}'` : ''}`,
    rounds,
    environment,
    figures,
    ratios,
    notes: [
      `Each kernel called directly on the backend (no front end, no autograd): element-wise cases on [${ROWS}, ${COLS}] (1M elements; row-broadcast: by a [1, ${COLS}] row), reduce.sum over rows, gather/scatterAdd along axis 0, SGD (momentum 0.9) and Adam updates of 1M parameters, conv2d x [${CONV.n}, ${CONV.c}, ${CONV.hw}, ${CONV.hw}] * w [${CONV.o}, ${CONV.c}, ${CONV.k}, ${CONV.k}] with padding 1 (size: x's elements).`,
      "Each round runs one child process per backend, the order alternating; a round's value is the median ms per call of that child's repeats. A ratio above 1: the wasm kernel is faster.",
    ],
  });
  publishReport(report, quick, args.json);
}

const payload = childPayload<ChildJob>();
if (payload) await childMain(() => measure(payload));
else runMain(main);
