// The plugin guide (docs/backends.md), followed from outside the workspace: pack @nnet/tensor,
// @nnet/backend-testkit (and @nnet/backend-cpu with its @nnet/kernels-js, which the small backend
// here wraps), write a plugin package in a temporary folder with exactly the package.json the guide
// shows, install it with npm and the newest vitest this Node runs, and run the kit on the backend.
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const guide = readFileSync(join(root, 'docs/backends.md'), 'utf8');

/** The first ```json block after the heading `## 1. The package`. */
function guidePackageJson(): Record<string, unknown> {
  const from = guide.indexOf('## 1. The package');
  const m = /```json\n([\s\S]*?)```/.exec(guide.slice(from));
  if (!m) throw new Error('docs/backends.md: no ```json block under "## 1. The package"');
  return JSON.parse(m[1]) as Record<string, unknown>;
}

/** vitest 5 needs Node 22.12+: the newest major this Node runs. */
const vitestSpec = Number(process.versions.node.split('.')[0]) >= 22 ? 'vitest@latest' : 'vitest@^4';

/** Runs a command without blocking vitest's worker (an install takes a while); resolves to stdout. */
const run = async (cmd: string, args: string[], cwd: string): Promise<string> =>
  (
    await promisify(execFile)(cmd, args, {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      env: { ...process.env, NO_COLOR: '1' },
    })
  ).stdout;

// A small backend as a plugin author writes one: it wraps the CPU backend and counts kernel calls.
const BACKEND = `import { CpuBackend } from '@nnet/backend-cpu';
import type { Backend } from '@nnet/tensor';

/** Every method of the CPU backend, forwarded; kernel calls counted by name. */
export function countingBackend(): Backend & { calls: Map<string, number> } {
  const inner = new CpuBackend() as unknown as Record<string, unknown>;
  const calls = new Map<string, number>();
  const storage = new Set(['alloc', 'free', 'write', 'read', 'readSync', 'memory']);
  const out: Record<string, unknown> = { name: 'counting', calls };
  for (const key of Object.keys(inner)) {
    const f = inner[key];
    if (typeof f !== 'function') continue;
    out[key] = (...args: unknown[]) => {
      if (!storage.has(key)) calls.set(key, (calls.get(key) ?? 0) + 1);
      return (f as (...a: unknown[]) => unknown).apply(inner, args);
    };
  }
  for (const m of ['alloc', 'free', 'write', 'read', 'readSync', 'memory'] as const) {
    const f = (CpuBackend.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[m];
    out[m] = (...args: unknown[]) => f.apply(inner, args);
  }
  return out as unknown as Backend & { calls: Map<string, number> };
}
`;

const CONFORMANCE = `import { runBackendConformance } from '@nnet/backend-testkit';
import { countingBackend } from '../src/index.js';

runBackendConformance({ name: 'counting', create: () => countingBackend() });
`;

describe('the plugin guide, from outside the workspace', () => {
  it('installs with the package.json it shows and runs the kit on a plugin backend', async () => {
    const pkg = guidePackageJson();
    expect(pkg.peerDependencies).toEqual({ '@nnet/tensor': '^0.1.0' });
    expect(Object.keys(pkg.devDependencies as object).sort()).toEqual([
      '@nnet/backend-testkit',
      '@nnet/tensor',
      'vitest',
    ]);
    const work = mkdtempSync(join(tmpdir(), 'nnet-plugin-guide-'));
    try {
      const tarballs = join(work, 'tarballs');
      mkdirSync(tarballs);
      for (const p of ['tensor', 'backend-testkit', 'kernels-js', 'backend-cpu']) {
        const dir = join(root, 'packages', p);
        if (!existsSync(join(dir, 'dist/index.js'))) await run('pnpm', ['run', 'build'], dir);
        await run('pnpm', ['pack', '--pack-destination', tarballs], dir);
      }
      const tgz = (name: string) =>
        join(tarballs, readdirSync(tarballs).find((f) => f.startsWith(name)) ?? name);
      const plugin = join(work, 'my-nnet-backend');
      mkdirSync(join(plugin, 'src'), { recursive: true });
      mkdirSync(join(plugin, 'test'));
      writeFileSync(join(plugin, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
      writeFileSync(join(plugin, 'src/index.ts'), BACKEND);
      writeFileSync(join(plugin, 'test/conformance.test.ts'), CONFORMANCE);
      // The @nnet packages under test come from their packed tarballs, not the registry: they stand in
      // for the versions the package.json names (--no-save keeps the package.json as the guide shows it).
      await run(
        'npm',
        [
          'install',
          '--no-save',
          '--no-audit',
          '--no-fund',
          tgz('nnet-tensor-'),
          tgz('nnet-backend-testkit-'),
          tgz('nnet-kernels-js-'),
          tgz('nnet-backend-cpu-'),
          vitestSpec,
        ],
        plugin,
      );
      expect(JSON.parse(readFileSync(join(plugin, 'package.json'), 'utf8'))).toEqual(pkg);
      const vitestVersion = JSON.parse(readFileSync(join(plugin, 'node_modules/vitest/package.json'), 'utf8'))
        .version as string;
      const out = await run('npm', ['test'], plugin);
      expect(out).toMatch(/Test Files\s+1 passed/);
      expect(out).toMatch(/Tests\s+\d+ passed( \| \d+ skipped)? \(\d+\)/);
      expect(out).not.toMatch(/\d+ failed/);
      expect(out).toContain("kernel support matrix for backend 'counting'");
      expect(out).toMatch(/0 fail/);
      expect(vitestVersion).toMatch(/^\d+\./);
      console.log(`plugin guide: kit passed on vitest ${vitestVersion}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 600_000);
});
