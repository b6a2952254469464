/**
 * `pnpm --filter @nnet/bench run browser`: builds the benchmark page (web/, Vite), serves it with
 * COOP/COEP (cross-origin isolated, so SharedArrayBuffer threads work) and drives it with
 * playwright-core in Debian's Chromium (`/usr/bin/chromium`, or NNET_CHROMIUM; never a downloaded
 * browser). Each round loads the page once per thread count (1 and 2); inside a page nnet-wasm and
 * TensorFlow.js's WASM backend alternate on every workload, and the first library flips from round
 * to round. Prints medians with min–max and writes the `nnet-bench/1` JSON.
 *
 *   pnpm --filter @nnet/bench run browser [--rounds 3] [--quick] [--threads 1,2] [--json results/browser.json]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import type { PageLib, PageResult } from './page_protocol.js';
import { nodeEnvironment, publishReport } from './report.js';
import {
  type BenchReport,
  type Figure,
  figureId,
  makeFigure,
  makeRatio,
  type Ratio,
  SCHEMA,
} from './schema.js';

const usage = 'usage: browser [--rounds n] [--quick] [--threads 1,2] [--timeout-s 600] [--json file]';
const executablePath = process.env.NNET_CHROMIUM ?? '/usr/bin/chromium';
const config = fileURLToPath(new URL('../vite.config.ts', import.meta.url));

function parse() {
  try {
    return parseArgs({
      options: {
        rounds: { type: 'string', default: '3' },
        quick: { type: 'boolean', default: false },
        threads: { type: 'string', default: '1,2' },
        'timeout-s': { type: 'string', default: '900' },
        json: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const args = parse();
  if (args.help) {
    console.log(usage);
    return;
  }
  const rounds = Number(args.rounds);
  const threadCounts = (args.threads ?? '1,2').split(',').map(Number);
  const timeoutMs = Number(args['timeout-s']) * 1000;
  if (!Number.isInteger(rounds) || rounds < 1 || !threadCounts.every((t) => Number.isInteger(t) && t >= 1)) {
    console.error(`--rounds and --threads must be positive integers\n${usage}`);
    process.exit(2);
  }
  if (!existsSync(executablePath)) {
    console.error(
      `${executablePath} is missing: apt-get install chromium, or set NNET_CHROMIUM (never a downloaded browser).`,
    );
    process.exit(1);
  }
  const quick = args.quick ?? false;
  const outDir = mkdtempSync(join(tmpdir(), 'nnet-bench-web-'));
  await build({ configFile: config, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const server = await preview({
    configFile: config,
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1' },
    logLevel: 'error',
  });
  const url = server.resolvedUrls?.local[0] ?? '';
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  const environment = nodeEnvironment();
  environment.browser = `chromium ${browser.version()}`;
  const samples = new Map<string, number[]>();
  const errors = new Map<string, string>();
  const units = new Map<string, { unit: string; better: 'higher' | 'lower' }>();
  const order: string[] = [];
  const notes: string[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const threadOrder = round % 2 === 0 ? threadCounts : [...threadCounts].reverse();
      for (const threads of threadOrder) {
        const first: PageLib = round % 2 === 0 ? 'nnet-wasm' : 'tfjs-wasm';
        const page = await browser.newPage();
        // TensorFlow.js's threaded build pre-spawns min(4, max(1, hardwareConcurrency / 2)) pthreads and
        // cannot add more from a page: on a 2-core machine it would be stuck at 1 thread. Report 4 cores
        // so it can reach 2; nnet's thread count is set explicitly either way.
        await page.addInitScript(() => {
          Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 4 });
        });
        page.on('console', (m) => {
          if (m.type() === 'error') console.error(`  [page] ${m.text()}`);
        });
        await page.goto(`${url}?threads=${threads}&first=${first}${quick ? '&quick=1' : ''}`);
        await page.waitForSelector('body[data-state="done"], body[data-state="error"]', {
          timeout: timeoutMs,
        });
        const r = (await page.evaluate(() => (globalThis as { nnetBench?: unknown }).nnetBench)) as
          | PageResult
          | undefined;
        await page.close();
        if (!r || r.error)
          throw new Error(`the page failed at ${threads} thread(s): ${r?.error ?? 'no result'}`);
        if (!r.crossOriginIsolated)
          throw new Error('the page is not cross-origin isolated: check the COOP/COEP headers');
        environment.nnetRelaxed = r.nnetRelaxed ?? 'unknown';
        environment[`nnetPoolThreads@${threads}`] = r.nnetThreads ?? 'unknown';
        environment[`tfjsThreads@${threads}`] = r.tfjsThreads ?? 'unknown';
        environment.tfjsMultithread = r.tfjsMultithread ?? 'unknown';
        environment.crossOriginIsolated = r.crossOriginIsolated;
        for (const row of r.rows) {
          const id = figureId(row.workload, row.size, row.lib, threads);
          if (!units.has(id)) {
            order.push(id);
            units.set(id, {
              unit:
                row.unit ||
                (row.workload === 'mlp-infer' ? 'ms' : row.workload === 'matmul' ? 'GFLOP/s' : 'samples/s'),
              better: row.workload === 'mlp-infer' ? 'lower' : 'higher',
            });
          }
          if (row.value !== null && Number.isFinite(row.value))
            samples.set(id, [...(samples.get(id) ?? []), row.value]);
          else errors.set(id, row.error ?? 'no value');
          console.error(
            `round ${round + 1}/${rounds} ${id}: ${row.value === null ? `n/a (${row.error})` : `${row.value.toFixed(2)} ${row.unit}`}`,
          );
        }
      }
    }
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    rmSync(outDir, { recursive: true, force: true });
  }
  const figures: Figure[] = order.map((id) => {
    const [workload, size, lib, t] = id.split('/');
    const u = units.get(id) ?? { unit: '', better: 'higher' as const };
    return makeFigure(
      { workload, size: Number(size), lib, threads: Number.parseInt(t, 10), ...u },
      samples.get(id) ?? [],
      errors.get(id),
    );
  });
  const ratios: Ratio[] = [];
  const has = (id: string) => figures.some((f) => f.id === id && f.samples.length);
  for (const f of figures.filter((x) => x.lib === 'nnet-wasm')) {
    const other = figureId(f.workload, f.size, 'tfjs-wasm', f.threads);
    if (!has(f.id) || !has(other)) continue;
    const target = f.workload === 'matmul' ? 1.6 : f.workload === 'mlp-train' ? 8 : undefined;
    ratios.push(
      f.better === 'lower'
        ? makeRatio(
            figures,
            `${f.workload} ${f.size}, ${f.threads}T: tfjs-wasm ms / nnet-wasm ms`,
            other,
            f.id,
            1,
          )
        : makeRatio(
            figures,
            `${f.workload} ${f.size}, ${f.threads}T: nnet-wasm / tfjs-wasm`,
            f.id,
            other,
            target,
          ),
    );
  }
  notes.push(
    'Both libraries run in the same page at the same thread count; one page load per thread count and round. Targets (issue 19): matmul ≥ 1.6× tfjs-wasm, MLP training ≥ 8×.',
    "TensorFlow.js's WASM backend has no Conv2DBackpropFilter kernel, so it cannot train the CNN (its row says so).",
  );
  const report: BenchReport = {
    schema: SCHEMA,
    bench: quick ? 'browser-quick' : 'browser',
    title: "nnet-wasm beside TensorFlow.js's WASM backend in Chromium (cross-origin isolated page)",
    date: new Date().toISOString(),
    command: `pnpm --filter @nnet/bench run browser --rounds ${rounds}${quick ? ' --quick' : ''} --threads ${threadCounts.join(',')}`,
    rounds,
    environment,
    figures,
    ratios,
    notes,
  };
  publishReport(report, quick, args.json);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exit(1);
});
