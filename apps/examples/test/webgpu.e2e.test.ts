/**
 * WebGPU in Debian's headless Chromium (playwright-core) with `--enable-unsafe-webgpu`: no GPU
 * here, so Chromium offers its SwiftShader fallback adapter (a software Vulkan), which the pages
 * take only when asked for by name. The check page (web/webgpu.html) runs matmul, linear,
 * softmax, conv2d, reductions and gather/scatter-add on webgpu and on cpu in the same page and
 * compares them; the web page trains on webgpu (`?backend=webgpu`) to the accuracy the wasm test
 * asks for and predicts a drawn digit through an asynchronous read.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draw, ellipse, type PageServer, servePages } from './browser.js';

let pages: PageServer;
let browser: Browser;
let url: string;

beforeAll(async () => {
  // SwiftShader's WebGPU needs only this flag headless (measured: Chromium 156, Debian 12).
  pages = await servePages(['--enable-unsafe-webgpu']);
  ({ browser, url } = pages);
}, 120_000);

afterAll(() => pages?.close());

describe('WebGPU in headless Chromium (SwiftShader)', () => {
  it('matches the cpu backend on matmul, softmax, conv2d, reductions, gather/scatterAdd and their gradients', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL('webgpu.html', url).href);
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 120_000 });
    const result = page.locator('#result');
    const text = (await result.textContent()) ?? '';
    const report = JSON.parse((await result.getAttribute('data-report')) ?? 'null') as
      | { name: string; maxAbs: number; elements: number; ok: boolean }[]
      | null;
    expect(report, text).not.toBeNull();
    const adapter = page.locator('#adapter');
    console.log(`webgpu page on ${await adapter.getAttribute('data-adapter')}: ${text}`);
    for (const r of report!) console.log(`  ${r.ok ? 'ok ' : 'BAD'} ${r.name}: max |Δ| ${r.maxAbs}`);
    expect(await adapter.getAttribute('data-adapter')).toMatch(/swiftshader/i);
    expect(await adapter.getAttribute('data-software')).toBe('true');
    expect(report!.length).toBe(7);
    expect(report!.filter((r) => !r.ok).map((r) => r.name)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('the web page does not take a software adapter unless asked (?backend=webgpu)', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    const status = page.locator('#status');
    expect(await status.getAttribute('data-backend')).toBe('wasm');
    expect(await status.getAttribute('data-adapter')).toBe('');
    await page.goto(`${url}?backend=webgpu`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    expect(await status.getAttribute('data-backend')).toBe('webgpu');
    expect(await status.getAttribute('data-adapter')).toMatch(/swiftshader/i);
    expect(await status.textContent()).toMatch(/webgpu \(google \/ swiftshader/);
    await page.close();
  }, 120_000);

  it('trains the web page on webgpu (?backend=webgpu) to 90 %+ and predicts a drawn digit', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}?backend=webgpu`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    expect(await page.locator('#status').getAttribute('data-backend')).toBe('webgpu');
    await page.click('#train');
    await page.waitForSelector('body[data-state="trained"], body[data-state="error"]', { timeout: 300_000 });
    const accuracy = Number(await page.locator('#result').getAttribute('data-accuracy'));
    console.log(
      `web page on webgpu (SwiftShader, software): ${(accuracy * 100).toFixed(1)} % test accuracy; ${await page.locator('#progress-label').textContent()}`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    await draw(page, [ellipse(112, 112, 55, 85)]);
    await expect.poll(() => page.locator('#prediction').getAttribute('data-class')).toBe('0');
    expect(errors).toEqual([]);
    await page.close();
  }, 360_000);
});
