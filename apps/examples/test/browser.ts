/**
 * The browser tests' shared setup: builds the web pages with Vite once per test run (the first test
 * file to ask builds them into the run's folder from test/global-setup.ts, the others wait for that
 * build: a build is about 20 s of CPU), serves them with `vite preview` (COOP/COEP headers, one
 * server per file) and launches Debian's headless Chromium through playwright-core (never a
 * downloaded browser). Set NNET_CHROMIUM to use another Chromium binary.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { inject } from 'vitest';

const config = fileURLToPath(new URL('../vite.config.ts', import.meta.url));
const executablePath = process.env.NNET_CHROMIUM ?? '/usr/bin/chromium';

/** The served pages and the browser; `close()` stops both and removes the build. */
export interface PageServer {
  /** The page's address, ending in '/' (check pages are relative to it: `new URL('webgpu.html', url)`). */
  readonly url: string;
  readonly browser: Browser;
  close(): Promise<void>;
}

async function buildPages(outDir: string): Promise<void> {
  await build({ configFile: config, logLevel: 'error', build: { outDir, emptyOutDir: true } });
}

/**
 * The folder holding this run's build of the pages, and whether the caller owns (and removes) it.
 * In the run's shared folder, creating the `lock` folder (atomic) elects the one file that builds;
 * it then writes `done`, or `failed` with the error, which the files waiting for it read.
 */
async function builtPages(): Promise<{ outDir: string; owned: boolean }> {
  const shared = inject('webBuildDir');
  if (!shared) {
    // Run without test/global-setup.ts (another config): a build of its own.
    const outDir = mkdtempSync(join(tmpdir(), 'nnet-web-'));
    await buildPages(outDir).catch((e: unknown) => {
      rmSync(outDir, { recursive: true, force: true });
      throw e;
    });
    return { outDir, owned: true };
  }
  const outDir = join(shared, 'out');
  const [done, failed] = [join(shared, 'done'), join(shared, 'failed')];
  let builder = true;
  try {
    mkdirSync(join(shared, 'lock'));
  } catch {
    builder = false;
  }
  if (builder) {
    try {
      await buildPages(outDir);
    } catch (e) {
      writeFileSync(failed, e instanceof Error ? (e.stack ?? e.message) : String(e));
      throw e;
    }
    writeFileSync(done, '');
  } else {
    while (!existsSync(done)) {
      if (existsSync(failed))
        throw new Error(`the web build failed in another test file:\n${readFileSync(failed, 'utf8')}`);
      await sleep(200);
    }
  }
  return { outDir, owned: false };
}

/** Builds (once per run) and serves the pages, and launches Chromium with `args` added to `--no-sandbox`. */
export async function servePages(args: readonly string[] = []): Promise<PageServer> {
  if (!existsSync(executablePath))
    throw new Error(
      `${executablePath} is missing: install Debian's chromium (apt-get install chromium) or set NNET_CHROMIUM.`,
    );
  const { outDir, owned } = await builtPages();
  const removeOwned = () => {
    if (owned) rmSync(outDir, { recursive: true, force: true });
  };
  let server: PreviewServer;
  try {
    server = await preview({
      configFile: config,
      build: { outDir },
      preview: { port: 0, host: '127.0.0.1' },
      logLevel: 'error',
    });
  } catch (e) {
    removeOwned();
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
      removeOwned();
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
