/**
 * `pnpm --filter @nnet/bench run ab -- --a <checkout> --b <checkout> [--rounds 3] [--quick]`: is
 * any benchmark slower in build B than in build A? Each checkout is a built nnet tree
 * (`packages/<pkg>/dist`); every measurement runs in its own child process that imports that
 * tree's `packages/<pkg>/dist/index.js` by file URL (so an old checkout without this bench works),
 * A and B alternating, the order reversed every other round. Prints per workload A's and B's
 * median [min–max] and B/A paired round by round, flags the rows where B is slower in every round (two rounds at least),
 * and writes an `nnet-bench/1` report (`results/ab-<date>.json`; see schema.ts for its layout).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { alternate, parseCli, positiveInt, runMain, SUITE_FLAGS, suitePart, usageError } from './cli_args.js';
import { type Job, runJob } from './jobs.js';
import type { LibName } from './libs.js';
import { fmt } from './markdown.js';
import { UNITS, type Workload } from './measure.js';
import { pinNote } from './pin.js';
import { defaultReportPath, nodeEnvironment, writeReport } from './report.js';
import {
  AB_SIDES,
  type AbSide,
  abLib,
  buildReport,
  type Figure,
  figureId,
  makeRatio,
  SampleSet,
  slowerBeyondSpread,
} from './schema.js';

const usage =
  'usage: pnpm --filter @nnet/bench run ab -- --a <checkout> --b <checkout> [--rounds n] [--quick] [--json <file>] [--only matmul|mlp|cnn|infer]';

/** One workload of the comparison: what runs, at which size, on which backend and thread count. */
interface Case {
  workload: Workload;
  size: number;
  lib: LibName;
  threads: number;
}

/**
 * The workloads compared (issue 16's "no benchmark slower"): matmul 256 on cpu and wasm 1T, MLP
 * 784-128-10 training b64 and b256 on wasm 1T/2T and cpu, the CNN b64 on wasm 1T/2T, batch-1 MLP
 * inference on cpu and wasm. `quick`: the same at smoke sizes.
 */
function planCases(quick: boolean, only: string | undefined): Case[] {
  const want = (name: string) => !only || only === name;
  const cases: Case[] = [];
  const add = (workload: Workload, sizes: number[], libs: [LibName, number][]) => {
    for (const size of sizes) for (const [lib, threads] of libs) cases.push({ workload, size, lib, threads });
  };
  const wasm12: [LibName, number][] = [
    ['nnet-wasm', 1],
    ['nnet-wasm', 2],
  ];
  if (want('matmul'))
    add(
      'matmul',
      [quick ? 64 : 256],
      [
        ['nnet-cpu', 1],
        ['nnet-wasm', 1],
      ],
    );
  if (want('mlp')) add('mlp-train', quick ? [16] : [64, 256], [...wasm12, ['nnet-cpu', 1]]);
  if (want('cnn')) add('cnn-train', [quick ? 8 : 64], wasm12);
  if (want('infer'))
    add(
      'mlp-infer',
      [1],
      [
        ['nnet-cpu', 1],
        ['nnet-wasm', 1],
      ],
    );
  return cases;
}

/** The checkout at `dir` as a file URL ending in `/`, or a usage error when it is not a built nnet tree. */
function checkoutRoot(flag: string, dir: string | undefined): string {
  if (!dir) usageError(`${flag} is required`, usage);
  const abs = resolve(dir);
  if (!existsSync(resolve(abs, 'packages/tensor/dist/index.js')))
    usageError(
      `${flag} ${dir}: no packages/tensor/dist/index.js there (a built nnet checkout: pnpm build)`,
      usage,
    );
  return `${pathToFileURL(abs).href}/`;
}

/** The commit checked out at `dir` (with `+dirty` for uncommitted changes), or `unknown`. */
function commitOf(dir: string): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', dir, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

function main(): void {
  const args = parseCli(usage, { ...SUITE_FLAGS, a: { type: 'string' }, b: { type: 'string' } });
  const only = suitePart(args.only, usage);
  const roots: Record<AbSide, string> = { A: checkoutRoot('--a', args.a), B: checkoutRoot('--b', args.b) };
  const dirs: Record<AbSide, string> = { A: resolve(args.a ?? ''), B: resolve(args.b ?? '') };
  const quick = args.quick ?? false;
  const rounds = positiveInt('--rounds', args.rounds ?? '3', usage);
  const cases = planCases(quick, only);
  const jobs = cases.flatMap((c) => AB_SIDES.map((side) => ({ c, side })));
  const key = (c: Case, side: AbSide) => figureId(c.workload, c.size, abLib(c.lib, side), c.threads);
  const samples = new SampleSet();
  const environment = nodeEnvironment();
  for (const side of AB_SIDES) {
    environment[`checkout${side}`] = dirs[side];
    environment[`commit${side}`] = commitOf(dirs[side]);
  }
  for (let round = 0; round < rounds; round++) {
    for (const { c, side } of alternate(jobs, round)) {
      const job: Job = {
        lib: c.lib,
        workload: c.workload,
        size: c.size,
        threads: c.threads,
        quick,
        root: roots[side],
      };
      const r = runJob(job);
      samples.add(key(c, side), r.value, r.error ?? 'no value');
      const fig = r.value === null ? `n/a (${r.error})` : `${r.value.toFixed(3)} ${r.unit}`;
      console.error(`round ${round + 1}/${rounds} ${key(c, side)}: ${fig}`);
    }
  }
  const figures: Figure[] = jobs.map(({ c, side }) =>
    samples.figure({ ...c, lib: abLib(c.lib, side), ...UNITS[c.workload] }),
  );
  const label = (c: Case) => `${c.workload} ${c.size} ${c.lib} ${c.threads}T: B/A`;
  const ratios = cases.map((c) => makeRatio(figures, label(c), key(c, 'B'), key(c, 'A')));
  const slower = cases.filter((c, i) => slowerBeyondSpread(ratios[i], UNITS[c.workload].better));
  const report = buildReport({
    bench: `ab-${new Date().toISOString().slice(0, 10)}`,
    title: `A/B of two nnet builds: A ${environment.commitA}, B ${environment.commitB}`,
    command: `pnpm --filter @nnet/bench run ab -- --a ${args.a} --b ${args.b} --rounds ${rounds}${quick ? ' --quick' : ''}${only ? ` --only ${only}` : ''}`,
    rounds,
    environment,
    figures,
    ratios,
    notes: [
      `Figures: lib '<library>@A' or '@B' (A = ${dirs.A}, B = ${dirs.B}), each value the median of one child process's repeated calls; A and B alternate, the order reversed every other round.`,
      'Ratios: B / A per round (samples/s and GFLOP/s: below 1 is slower; ms: above 1 is slower).',
      pinNote(),
      slower.length
        ? `B slower beyond the spread (every round's ratio on the slow side): ${slower.map(label).join('; ')}`
        : `B slower beyond the spread (every round's ratio on the slow side${rounds < 2 ? '; needs two rounds' : ''}): none.`,
    ],
  });
  printAb(report.figures, cases, ratios, slower, key);
  const out = args.json ?? defaultReportPath(report.bench, quick);
  writeReport(out, report);
  console.log(`\nwrote ${out}`);
}

/** The A/B table: per workload A and B median [min–max], B/A median [min–max], and the flag. */
function printAb(
  figures: readonly Figure[],
  cases: readonly Case[],
  ratios: readonly { median: number | null; min: number | null; max: number | null }[],
  slower: readonly Case[],
  key: (c: Case, side: AbSide) => string,
): void {
  const cell = (v: { median: number | null; min: number | null; max: number | null } | undefined) =>
    v && v.median !== null ? `${fmt(v.median)} [${fmt(v.min)}–${fmt(v.max)}]` : 'n/a';
  console.log('\n| workload | size | backend | unit | A | B | B/A | |');
  console.log('|---|---|---|---|---|---|---|---|');
  cases.forEach((c, i) => {
    const [a, b] = AB_SIDES.map((side) => figures.find((f) => f.id === key(c, side)));
    console.log(
      `| ${c.workload} | ${c.size} | ${c.lib} ${c.threads}T | ${UNITS[c.workload].unit} | ${cell(a)} | ${cell(b)} | ${cell(ratios[i])} | ${slower.includes(c) ? 'B SLOWER' : ''} |`,
    );
    for (const f of [a, b]) if (f?.error) console.log(`  ${f.lib}: ${f.error}`);
  });
}

runMain(main);
