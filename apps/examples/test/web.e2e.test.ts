/**
 * The web page, driven in Debian's headless Chromium (playwright-core, never a downloaded browser):
 * it builds the page with Vite, serves it with `vite preview` (COOP/COEP headers), trains the
 * digits MLP to at least 90 % test accuracy on the WebAssembly backend with worker threads, draws
 * digits on the canvas and checks the predictions, and saves a screenshot in test-results/.
 * Set NNET_CHROMIUM to use another Chromium binary.
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

beforeAll(async () => {
  pages = await servePages();
  ({ browser, url } = pages);
}, 120_000);

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
    // At 1200 px the drawing panel stays beside the chart (it used to drop below when the chart
    // appeared), and the chart fits its column.
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
});
