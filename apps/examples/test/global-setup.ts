/**
 * Vitest's global setup: a fresh folder for the one Vite build of the web pages that the browser
 * test files share (test/browser.ts builds it on first use, so a run without them builds nothing),
 * removed when the run ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of this run's shared web build (test/browser.ts). */
    webBuildDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'nnet-web-'));
  project.provide('webBuildDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
