/**
 * The browser tests' shared setup: builds the web pages with Vite into a fresh temporary folder (so
 * test files running at the same time never share an output folder), serves them with
 * `vite preview` (COOP/COEP headers) and launches Debian's headless Chromium through playwright-core
 * (never a downloaded browser). Set NNET_CHROMIUM to use another Chromium binary.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';

const config = fileURLToPath(new URL('../vite.config.ts', import.meta.url));
const executablePath = process.env.NNET_CHROMIUM ?? '/usr/bin/chromium';

/** The served pages and the browser; `close()` stops both and removes the build. */
export interface PageServer {
  /** The page's address, ending in '/' (check pages are relative to it: `new URL('webgpu.html', url)`). */
  readonly url: string;
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Builds and serves the pages, and launches Chromium with `args` added to `--no-sandbox`. */
export async function servePages(args: readonly string[] = []): Promise<PageServer> {
  if (!existsSync(executablePath))
    throw new Error(
      `${executablePath} is missing: install Debian's chromium (apt-get install chromium) or set NNET_CHROMIUM.`,
    );
  const outDir = mkdtempSync(join(tmpdir(), 'nnet-web-'));
  let server: PreviewServer;
  try {
    await build({ configFile: config, logLevel: 'error', build: { outDir, emptyOutDir: true } });
    server = await preview({
      configFile: config,
      build: { outDir },
      preview: { port: 0, host: '127.0.0.1' },
      logLevel: 'error',
    });
  } catch (e) {
    rmSync(outDir, { recursive: true, force: true });
    throw e;
  }
  const url = server.resolvedUrls?.local[0] ?? '';
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', ...args] });
  return {
    url,
    browser,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/** Draws strokes on the page's #sketch canvas (lists of points in canvas pixels, 224x224) with the mouse. */
export async function draw(page: Page, strokes: [number, number][][]): Promise<void> {
  await page.locator('#sketch').scrollIntoViewIfNeeded();
  const box = await page.locator('#sketch').boundingBox();
  if (!box) throw new Error('no canvas');
  const sx = box.width / 224;
  const sy = box.height / 224;
  for (const stroke of strokes) {
    await page.mouse.move(box.x + stroke[0][0] * sx, box.y + stroke[0][1] * sy);
    await page.mouse.down();
    for (const [x, y] of stroke.slice(1)) await page.mouse.move(box.x + x * sx, box.y + y * sy, { steps: 8 });
    await page.mouse.up();
  }
}

/** An oval stroke of 33 points around (cx, cy). */
export const ellipse = (cx: number, cy: number, rx: number, ry: number): [number, number][] =>
  Array.from({ length: 33 }, (_, i) => [
    cx + rx * Math.sin((i / 32) * 2 * Math.PI),
    cy - ry * Math.cos((i / 32) * 2 * Math.PI),
  ]);
