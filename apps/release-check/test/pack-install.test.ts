/**
 * Every public package as a user gets it: `pnpm pack` each one, check the tarball (LICENSE,
 * README, every `exports` target, no `workspace:` range left), install the tarballs with npm in a
 * temporary folder outside the workspace (npm fetches third-party dependencies from the registry),
 * then run an ES-module and a CommonJS application and type-check two TypeScript ones
 * (`consumers/`) against what was installed.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicPackages, root } from './workspace.js';

const run = promisify(execFile);
const consumers = join(root, 'apps/release-check/consumers');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
// The testkit is packed and checked like the others but not installed: its peer dependency on
// vitest would make npm install the whole vitest stack, and no application imports it.
const notInstalled = new Set(['@nnet/backend-testkit']);

/** The environment for npm without the npm_* settings pnpm exports to the scripts it runs. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_UPDATE_NOTIFIER: '1' };
  for (const key of Object.keys(env)) if (key.toLowerCase().startsWith('npm_')) delete env[key];
  return env;
}

interface Packed {
  name: string;
  tarball: string;
  files: string[];
  manifest: Record<string, unknown>;
}

let work = '';
let app = '';
const packed: Packed[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nnet-release-'));
  const tarballs = join(work, 'tarballs');
  app = join(work, 'app');
  for (const p of publicPackages()) {
    const before = new Set(readdirSync(work).includes('tarballs') ? readdirSync(tarballs) : []);
    await run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(root, p.dir) });
    const tarball = readdirSync(tarballs).find((f) => !before.has(f))!;
    const path = join(tarballs, tarball);
    const { stdout: list } = await run('tar', ['-tzf', path]);
    const { stdout: manifest } = await run('tar', ['-xzOf', path, 'package/package.json']);
    packed.push({
      name: p.name,
      tarball: path,
      files: list.split('\n').filter(Boolean),
      manifest: JSON.parse(manifest) as Record<string, unknown>,
    });
  }
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{ "name": "nnet-consumer", "private": true }\n');
  for (const f of readdirSync(consumers)) copyFileSync(join(consumers, f), join(app, f));
  const install = packed.filter((p) => !notInstalled.has(p.name)).map((p) => p.tarball);
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--prefer-offline',
      '--loglevel=error',
      ...install,
    ],
    { cwd: app, env: cleanEnv() },
  );
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Every file an `exports` map points at (conditions flattened). */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports];
  if (exports && typeof exports === 'object') return Object.values(exports).flatMap(exportTargets);
  return [];
}

describe('packed packages', () => {
  it('every public package packs with LICENSE, README, its exports targets and no workspace: range', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(
      publicPackages()
        .map((p) => p.name)
        .sort(),
    );
    for (const p of packed) {
      const files = new Set(p.files.map((f) => f.replace(/^package\//, '')));
      for (const required of ['LICENSE', 'README.md', 'package.json'])
        expect(files.has(required), `${p.name} lacks ${required}`).toBe(true);
      for (const target of exportTargets(p.manifest.exports))
        expect(
          files.has(target.replace(/^\.\//, '')),
          `${p.name}: exports ${target} is not in the tarball`,
        ).toBe(true);
      expect(JSON.stringify(p.manifest), `${p.name} still has a workspace: range`).not.toContain(
        'workspace:',
      );
      for (const key of ['repository', 'homepage', 'bugs', 'keywords', 'engines', 'license'])
        expect(p.manifest[key], `${p.name} lacks ${key}`).toBeDefined();
    }
  });
});

describe('installed from the tarballs with npm, outside the workspace', () => {
  it('an ES-module application trains XOR through nnet, runs a Linear layer and switches to wasm', async () => {
    const { stdout } = await run(process.execPath, ['esm.mjs'], { cwd: app });
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(r.backendBefore).toBe('cpu'); // importing nnet registered cpu in the one registry
    expect(r.lastLoss).toBeLessThan(r.firstLoss / 100);
    expect(r.accuracy).toBe(1);
    expect(r.predicted).toEqual([0, 1, 1, 0]);
    expect(r.linear).toEqual([5.5, 10]); // [1·1 + 2·2 + 0.5, 1·3 + 2·4 - 1]
    expect(r.wasmBackend).toBe('wasm');
    expect(r.wasmProduct).toEqual([17, 39]); // [1·5 + 2·6, 3·5 + 4·6]
  });

  it('a CommonJS application requires nnet, runs a Linear layer and fits y = 3x - 1', async () => {
    const { stdout } = await run(process.execPath, ['cjs.cjs'], { cwd: app });
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(r.backend).toBe('cpu');
    expect(r.linear).toEqual([5.5]); // 1·1 + 2·2 + 0.5
    expect(r.lastLoss).toBeLessThan(1e-3);
    expect(r.slope[0]).toBeCloseTo(3, 1);
  });

  it('TypeScript type-checks an application with lib es2022, no @types/node, skipLibCheck off', async () => {
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.es2022.json'], { cwd: app }).catch(
      (e: { stdout: string }) => ({ stdout: e.stdout }),
    );
    expect(result.stdout).toBe('');
    expect(existsSync(join(app, 'node_modules/@types/node')), '@types/node must not be installed').toBe(
      false,
    );
  });

  it('TypeScript type-checks a browser application using `using` and nnet/wasm', async () => {
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.browser.json'], { cwd: app }).catch(
      (e: { stdout: string }) => ({ stdout: e.stdout }),
    );
    expect(result.stdout).toBe('');
  });
});
