/**
 * The web page, driven in Debian's headless Chromium (playwright-core, never a downloaded browser):
 * it builds the page with Vite, serves it with `vite preview` (COOP/COEP headers), trains the
 * digits MLP to at least 90 % test accuracy on the WebAssembly backend with worker threads, draws
 * digits on the canvas and checks the predictions, trains the char model (a small GPT) in its
 * worker with a stop and a resume while its loss falls and samples stream in, and saves
 * screenshots in test-results/. Set NNET_CHROMIUM to use another Chromium binary.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draw, ellipse, type PageServer, servePages } from './browser.js';

const results = fileURLToPath(new URL('../test-results/', import.meta.url));

let pages: PageServer;
let browser: Browser;
let url: string;

// The Vite build takes 1–2 min on this 2-core machine when other test files (and other jobs) run.
beforeAll(async () => {
  pages = await servePages();
  ({ browser, url } = pages);
}, 300_000);

afterAll(() => pages?.close());

describe('the web page in headless Chromium', () => {
  it('trains to 90 %+ on wasm with threads, and predicts drawn digits', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    expect(await page.locator('#prediction').textContent()).toBe('Train the network, then draw.');
    const status = page.locator('#status');
    expect(await status.getAttribute('data-backend')).toBe('wasm');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(Number(await status.getAttribute('data-threads'))).toBe(cores);

    await page.click('#train');
    await page.waitForSelector('body[data-state="trained"]', { timeout: 120_000 });
    const accuracy = Number(await page.locator('#result').getAttribute('data-accuracy'));
    // The page reports its own training time; printed for the record, never asserted.
    const label = await page.locator('#progress-label').textContent();
    console.log(`web page: ${(accuracy * 100).toFixed(1)} % test accuracy; ${label}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    // The chart drew one point per epoch and split (train/test) in each of its two panels.
    expect(
      await page.locator('#chart svg path[aria-roledescription="line mark"]').count(),
    ).toBeGreaterThanOrEqual(2);
    // At 1200 px the drawing panel stays beside the chart once the chart has appeared (the training
    // column may shrink below the chart's natural width, style.css), and the chart fits its column.
    const chart = (await page.locator('#chart svg').boundingBox())!;
    const drawPanel = (await page.locator('section[aria-labelledby="draw-title"]').boundingBox())!;
    const trainPanel = (await page.locator('section[aria-labelledby="train-title"]').boundingBox())!;
    expect(drawPanel.y).toBe(trainPanel.y);
    expect(drawPanel.x).toBeGreaterThanOrEqual(chart.x + chart.width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1200);
    // The prompt under the canvas follows the state.
    expect(await page.locator('#prediction').textContent()).toBe('Draw a digit.');

    // A zero: one oval stroke.
    await draw(page, [ellipse(112, 112, 55, 85)]);
    await expect.poll(() => page.locator('#prediction').getAttribute('data-class')).toBe('0');
    await page.click('#clear');
    expect(await page.locator('#prediction').getAttribute('data-class')).toBe('');
    // A seven (a bar and a diagonal) and a four (three strokes).
    await draw(page, [
      [
        [50, 30],
        [175, 30],
        [90, 204],
      ],
    ]);
    await expect.poll(() => page.locator('#prediction').getAttribute('data-class')).toBe('7');
    await page.click('#clear');
    await draw(page, [
      [
        [120, 20],
        [50, 140],
        [170, 140],
      ],
      [
        [140, 80],
        [140, 204],
      ],
    ]);
    await expect.poll(() => page.locator('#prediction').getAttribute('data-class')).toBe('4');
    mkdirSync(results, { recursive: true });
    await page.screenshot({ path: `${results}web-page.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it("runs the worker pool from a page's main thread (spinning, not blocking) with one thread's results", async () => {
    const page = await browser.newPage();
    await page.goto(new URL('threads.html', url).href);
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    const result = page.locator('#result');
    expect(await result.getAttribute('data-threads')).toBe(
      String(await page.evaluate(() => navigator.hardwareConcurrency)),
    );
    expect(Number(await result.getAttribute('data-threads'))).toBeGreaterThan(1);
    expect(await result.getAttribute('data-same')).toBe('true');
    await page.close();
  }, 120_000);

  it('keeps a worker training loop with no tidy, awaiting each step, flat in memory (docs/memory.md)', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL('memory.html', url).href);
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 120_000 });
    const result = page.locator('#result');
    const text = await result.textContent();
    const report = JSON.parse((await result.getAttribute('data-report')) ?? 'null') as {
      backend: string;
      samples: { step: number; tensors: number; bytes: number; backendBytes: number }[];
      firstLoss: number;
      lastLoss: number;
    } | null;
    expect(report, text ?? '').not.toBeNull();
    console.log(`memory page: ${text}`);
    expect(report!.backend).toBe('wasm');
    const [at200, at1000] = report!.samples;
    expect(at1000.step).toBe(1000);
    expect({ ...at1000, step: 0 }).toEqual({ ...at200, step: 0 });
    expect(report!.lastLoss).toBeLessThan(report!.firstLoss);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('stops training on the stop button, and falls back to the pure-JS backend when asked', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}?backend=cpu`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    expect(await page.locator('#status').getAttribute('data-backend')).toBe('cpu');
    await page.fill('#epochs', '200');
    await page.click('#train');
    await page.waitForFunction(() =>
      document.querySelector('#progress-label')?.textContent?.startsWith('epoch 2'),
    );
    await page.click('#stop');
    await page.waitForSelector('body[data-state="trained"]', { timeout: 60_000 });
    expect(await page.locator('#progress-label').textContent()).toMatch(/^Stopped after \d+ epochs/);
    await page.close();
  }, 120_000);

  it('trains the char model in its worker: the loss falls, samples stream in, stop and resume continue one run', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    // Every change to a sample's text, as the page shows it: [step, characters so far]. And a timer
    // on the page's main thread, which a training loop running there would starve.
    await page.evaluate(() => {
      const w = window as unknown as { lengths: [number, number][]; ticks: number };
      w.lengths = [];
      w.ticks = 0;
      setInterval(() => w.ticks++, 20);
      const samples = document.getElementById('lm-samples')!;
      new MutationObserver(() => {
        for (const f of samples.querySelectorAll<HTMLElement>('figure')) {
          const entry: [number, number] = [
            Number(f.dataset.step),
            f.querySelector('pre')!.textContent!.length,
          ];
          if (!w.lengths.some(([s, n]) => s === entry[0] && n === entry[1])) w.lengths.push(entry);
        }
      }).observe(samples, { subtree: true, childList: true, characterData: true });
    });
    await page.selectOption('#lm-size', 'small');
    await page.fill('#lm-steps', '60');
    await page.fill('#lm-every', '10');
    await page.click('#lm-start');
    await page.waitForSelector('#charlm[data-state="training"]', { timeout: 60_000 });
    const status = page.locator('#lm-status');
    expect(await status.getAttribute('data-backend')).toBe('wasm');
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(Number(await status.getAttribute('data-threads'))).toBe(cores);

    // Stop after the first report; the run pauses, then resumes where it was.
    await page.waitForSelector('#lm-reports tbody tr', { timeout: 60_000 });
    const ticksAtFirstReport = await page.evaluate(() => (window as unknown as { ticks: number }).ticks);
    await page.click('#lm-stop');
    await page.waitForSelector('#charlm[data-state="paused"]', { timeout: 60_000 });
    const paused = (await page.locator('#lm-progress-label').textContent()) ?? '';
    const pausedAt = Number(/^Stopped at step (\d+)/.exec(paused)?.[1]);
    expect(pausedAt, paused).toBeGreaterThanOrEqual(10);
    expect(pausedAt, paused).toBeLessThan(60);
    await page.click('#lm-resume');
    await page.waitForSelector('#charlm[data-state="done"], #charlm[data-state="error"]', {
      timeout: 120_000,
    });
    expect(await page.locator('#charlm').getAttribute('data-state'), (await status.textContent()) ?? '').toBe(
      'done',
    );
    console.log(`char model: ${await page.locator('#lm-progress-label').textContent()}`);

    // One report every 10 steps of one run (a resume that restarted would repeat step 10), and
    // the loss falls from the uniform guess over the 80 characters (ln 80 = 4.38 nats).
    const rows = await page.locator('#lm-reports tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        step: Number((tr as HTMLElement).dataset.step),
        train: Number((tr as HTMLElement).dataset.trainLoss),
        val: Number((tr as HTMLElement).dataset.valLoss),
      })),
    );
    expect(rows.map((r) => r.step)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(rows[0].val).toBeLessThan(Math.log(80));
    expect(rows[5].val).toBeLessThan(rows[0].val - 0.3);
    expect(rows[5].train).toBeLessThan(rows[0].train - 0.3);
    expect(await page.locator('#lm-reports tbody tr').first().locator('td').nth(3).textContent()).toBe(
      (rows[0].val / Math.LN2).toFixed(3),
    );

    // Six samples, newest first, each 1 + 120 characters, each grown piece by piece on the page.
    const figures = page.locator('#lm-samples figure');
    expect(await figures.evaluateAll((fs) => fs.map((f) => (f as HTMLElement).dataset.step))).toEqual([
      '60',
      '50',
      '40',
      '30',
      '20',
      '10',
    ]);
    for (const text of await page.locator('#lm-samples pre').allTextContents()) expect(text.length).toBe(121);
    const lengths = await page.evaluate(() => (window as unknown as { lengths: [number, number][] }).lengths);
    for (const step of [10, 20, 30, 40, 50, 60]) {
      const seen = lengths.filter(([s]) => s === step).map(([, n]) => n);
      expect(seen.length, `sample ${step}: ${seen.join(', ')}`).toBeGreaterThanOrEqual(5);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    }
    // The page's own timer kept running while the worker trained.
    expect(await page.evaluate(() => (window as unknown as { ticks: number }).ticks)).toBeGreaterThan(
      ticksAtFirstReport,
    );
    mkdirSync(results, { recursive: true });
    await page.screenshot({ path: `${results}web-charlm.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});
