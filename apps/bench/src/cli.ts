/**
 * `pnpm bench`: measures nnet against TensorFlow.js (CPU and WASM backends) in the same run, each
 * figure in its own child process, and prints a table with ratios plus a JSON file.
 *
 *   pnpm bench [--quick] [--json results.json] [--only matmul]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { LibName } from './libs.js';
import type { Job } from './run-one.js';

interface Result extends Job {
  value: number | null;
  unit: string;
  maxRssMB: number | null;
  error?: string;
}

const usage = 'usage: pnpm bench [--quick] [--json <file>] [--only matmul|mlp|cnn|infer]';

function parse() {
  try {
    return parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        json: { type: 'string', default: 'bench-results.json' },
        only: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    process.exit(2);
  }
}

function runJob(job: Job): Result {
  const script = fileURLToPath(new URL('./run-one.js', import.meta.url));
  const out = execFileSync(process.execPath, [script, JSON.stringify(job)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const line = out.trim().split('\n').pop() ?? '{}';
  const r = JSON.parse(line) as { value?: number; unit?: string; maxRssMB?: number; error?: string };
  return { ...job, value: r.value ?? null, unit: r.unit ?? '', maxRssMB: r.maxRssMB ?? null, error: r.error };
}

function main(): void {
  const args = parse();
  if (args.help) {
    console.log(usage);
    return;
  }
  const quick = args.quick ?? false;
  const sizes = quick ? [64, 128] : [128, 256, 512, 1024];
  const jobs: Job[] = [];
  const libs: LibName[] = ['nnet-cpu', 'tfjs-cpu', 'nnet-wasm', 'tfjs-wasm'];
  const want = (name: string) => !args.only || args.only === name;
  if (args.only && !['matmul', 'mlp', 'cnn', 'infer'].includes(args.only)) {
    console.error(`unknown --only '${args.only}'\n${usage}`);
    process.exit(2);
  }
  if (want('matmul')) {
    for (const size of sizes) {
      for (const lib of libs) jobs.push({ lib, workload: 'matmul', size, threads: 1, quick });
      jobs.push({ lib: 'nnet-wasm', workload: 'matmul', size, threads: 2, quick });
    }
  }
  if (want('mlp')) {
    for (const size of quick ? [16] : [64, 256]) {
      for (const lib of libs) jobs.push({ lib, workload: 'mlp-train', size, threads: 1, quick });
      jobs.push({ lib: 'nnet-wasm', workload: 'mlp-train', size, threads: 2, quick });
    }
  }
  if (want('cnn')) {
    for (const size of quick ? [8] : [64]) {
      for (const lib of libs) jobs.push({ lib, workload: 'cnn-train', size, threads: 1, quick });
      jobs.push({ lib: 'nnet-wasm', workload: 'cnn-train', size, threads: 2, quick });
    }
  }
  if (want('infer')) {
    for (const size of quick ? [1] : [1, 256])
      for (const lib of libs) jobs.push({ lib, workload: 'mlp-infer', size, threads: 1, quick });
  }
  const results: Result[] = [];
  for (const job of jobs) {
    const r = runJob(job);
    results.push(r);
    const fig = r.value === null ? `n/a (${r.error})` : `${r.value.toFixed(2)} ${r.unit}`;
    console.error(
      `${job.workload} ${job.size} ${job.lib}${job.threads > 1 ? ` x${job.threads}` : ''}: ${fig}`,
    );
  }
  printTable(results);
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    quick,
    results,
  };
  writeFileSync(args.json ?? 'bench-results.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${args.json}`);
}

function printTable(results: Result[]): void {
  const get = (w: string, size: number, lib: LibName, threads = 1) =>
    results.find((r) => r.workload === w && r.size === size && r.lib === lib && r.threads === threads)
      ?.value ?? null;
  const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(2));
  const ratio = (a: number | null, b: number | null) =>
    a === null || b === null ? 'n/a' : `${(a / b).toFixed(2)}x`;
  const sizes = [...new Set(results.filter((r) => r.workload === 'matmul').map((r) => r.size))];
  if (sizes.length) {
    console.log('\nmatmul GFLOP/s (n x n x n, float32)');
    console.log(
      '| n | nnet-cpu | tfjs-cpu | cpu ratio (target 5x) | nnet-wasm 1T | nnet-wasm 2T | tfjs-wasm | wasm 1T ratio (1.35x) | wasm 2T ratio (2.4x) |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const n of sizes) {
      const nc = get('matmul', n, 'nnet-cpu');
      const tc = get('matmul', n, 'tfjs-cpu');
      const nw = get('matmul', n, 'nnet-wasm');
      const nw2 = get('matmul', n, 'nnet-wasm', 2);
      const tw = get('matmul', n, 'tfjs-wasm');
      console.log(
        `| ${n} | ${f(nc)} | ${f(tc)} | ${ratio(nc, tc)} | ${f(nw)} | ${f(nw2)} | ${f(tw)} | ${ratio(nw, tw)} | ${ratio(nw2, tw)} |`,
      );
    }
  }
  const section = (workload: string, title: string, unit: string, ratios: [string, LibName, LibName][]) => {
    const rows = [...new Set(results.filter((r) => r.workload === workload).map((r) => r.size))];
    if (!rows.length) return;
    console.log(`\n${title} (${unit})`);
    console.log(
      `| batch | nnet-cpu | nnet-wasm | nnet-wasm 2T | tfjs-cpu | tfjs-wasm | ${ratios.map(([label]) => label).join(' | ')} | peak RSS MB (nnet-wasm / tfjs-wasm) |`,
    );
    console.log(`|---|---|---|---|---|---|${ratios.map(() => '---|').join('')}---|`);
    for (const b of rows) {
      const v = (lib: LibName) => get(workload, b, lib);
      const rss = (lib: LibName) =>
        results.find((r) => r.workload === workload && r.size === b && r.lib === lib && r.threads === 1)
          ?.maxRssMB ?? null;
      const cells = ratios.map(([, x, y]) => ratio(v(x), v(y)));
      console.log(
        `| ${b} | ${f(v('nnet-cpu'))} | ${f(v('nnet-wasm'))} | ${f(get(workload, b, 'nnet-wasm', 2))} | ${f(v('tfjs-cpu'))} | ${f(v('tfjs-wasm'))} | ${cells.join(' | ')} | ${f(rss('nnet-wasm'))} / ${f(rss('tfjs-wasm'))} |`,
      );
    }
    for (const r of results.filter((x) => x.workload === workload && x.error))
      console.log(`  ${r.lib} batch ${r.size}: ${r.error}`);
  };
  section('mlp-train', 'MLP 784-128-ReLU-10 training, softmax cross-entropy, SGD', 'samples/s', [
    ['wasm 1T / tfjs-wasm (target 8x)', 'nnet-wasm', 'tfjs-wasm'],
    ['cpu / tfjs-cpu', 'nnet-cpu', 'tfjs-cpu'],
  ]);
  section('cnn-train', 'CNN conv3x3x8-ReLU-pool-conv3x3x16-ReLU-pool-dense10 training', 'samples/s', [
    ['wasm 1T / tfjs-cpu (target 100x)', 'nnet-wasm', 'tfjs-cpu'],
    ['cpu / tfjs-cpu', 'nnet-cpu', 'tfjs-cpu'],
  ]);
  section('mlp-infer', 'MLP inference latency', 'ms per batch, lower is better', [
    ['tfjs-wasm / wasm (target >= 1x)', 'tfjs-wasm', 'nnet-wasm'],
  ]);
}

main();
