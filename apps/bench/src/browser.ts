/**
 * `pnpm --filter @nnet/bench run browser`: builds the benchmark page (web/, Vite), serves it with
 * COOP/COEP (cross-origin isolated, so SharedArrayBuffer threads work) and drives it with
 * playwright-core in Debian's Chromium (`/usr/bin/chromium`, or NNET_CHROMIUM; never a downloaded
 * browser). Each round loads the page once per thread count (1 and 2); inside a page nnet-wasm and
 * TensorFlow.js's WASM backend alternate on every workload, and the first library flips from round
 * to round. The native 128-bit SIMD peak (native_peak.ts) runs natively beside the page loads, its
 * place in the round alternating with them, so the matmul figures have their share of that ceiling
 * from the same run. Prints medians with min–max and writes the `nnet-bench/1` JSON.
 *
 *   pnpm --filter @nnet/bench run browser [--rounds 3] [--quick] [--threads 1,2] [--json results/browser.json]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { alternate, parseCli, positiveInt, positiveInts, runMain } from './cli_args.js';
import { PeakAnchor, peakRatios } from './native_peak.js';
import type { PageLib, PageResult } from './page_protocol.js';
import { nodeEnvironment, publishReport } from './report.js';
import { buildReport, type Figure, figureId, measuredRatio, SampleSet } from './schema.js';

const usage = 'usage: browser [--rounds n] [--quick] [--threads 1,2] [--timeout-s 600] [--json file]';
const executablePath = process.env.NNET_CHROMIUM ?? '/usr/bin/chromium';
const config = fileURLToPath(new URL('../vite.config.ts', import.meta.url));

async function main(): Promise<void> {
  const args = parseCli(usage, {
    rounds: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    threads: { type: 'string', default: '1,2' },
    'timeout-s': { type: 'string', default: '900' },
    json: { type: 'string' },
  });
  const rounds = positiveInt('--rounds', args.rounds, usage);
  const threadCounts = positiveInts('--threads', args.threads, usage);
  const timeoutMs = Number(args['timeout-s']) * 1000;
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
  const samples = new SampleSet();
  const units = new Map<string, { unit: string; better: 'higher' | 'lower' }>();
  const order: string[] = [];
  const notes: string[] = [];
  const peak = new PeakAnchor(threadCounts, quick);
  const steps: (number | PeakAnchor)[] = [...threadCounts, peak];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const step of alternate(steps, round)) {
        if (step instanceof PeakAnchor) {
          step.measure(samples, round);
          continue;
        }
        const threads = step;
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
        if (r.nnetDispatchUs)
          environment[`nnetDispatchUs@${threads}`] =
            `${r.nnetDispatchUs.cold.toFixed(1)} dozing / ${r.nnetDispatchUs.hot.toFixed(1)} polling`;
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
          samples.add(id, row.value, row.error ?? 'no value');
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
    return samples.figure({ workload, size: Number(size), lib, threads: Number.parseInt(t, 10), ...u });
  });
  figures.push(...peak.figures(samples));
  // Latency (lower is better) puts tfjs's time over nnet's, so a ratio ≥ 1 always favours nnet.
  const ratios = figures
    .filter((f) => f.lib === 'nnet-wasm')
    .flatMap((f) => {
      const other = figureId(f.workload, f.size, 'tfjs-wasm', f.threads);
      const where = `${f.workload} ${f.size}, ${f.threads}T`;
      if (f.better === 'lower')
        return measuredRatio(figures, `${where}: tfjs-wasm ms / nnet-wasm ms`, other, f.id, 1);
      const target = f.workload === 'matmul' ? 1.6 : f.workload === 'mlp-train' ? 8 : undefined;
      return measuredRatio(figures, `${where}: nnet-wasm / tfjs-wasm`, f.id, other, target);
    })
    .concat(peakRatios(figures));
  notes.push(
    'Both libraries run in the same page at the same thread count; one page load per thread count and round. Targets (issue 19): matmul ≥ 1.6× tfjs-wasm, MLP training ≥ 8×.',
    "TensorFlow.js's WASM backend has no Conv2DBackpropFilter kernel, so it cannot train the CNN (its row says so).",
  );
  peak.describe(environment, notes);
  const bench = quick ? 'browser-quick' : 'browser';
  const title = "nnet-wasm beside TensorFlow.js's WASM backend in Chromium (cross-origin isolated page)";
  const command = `pnpm --filter @nnet/bench run browser --rounds ${rounds}${quick ? ' --quick' : ''} --threads ${threadCounts.join(',')}`;
  const report = buildReport({ bench, title, command, rounds, environment, figures, ratios, notes });
  publishReport(report, quick, args.json);
}

runMain(main);
