// `pnpm test` builds what a package's tests depend on first (turbo's ^build). The pack test packs
// every public package, so each must be a devDependency here, or a clean checkout packs it unbuilt.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicPackages, root } from './workspace.js';

describe('release-check builds what it packs', () => {
  it('every public package is a devDependency of @nnet/release-check', () => {
    const own = JSON.parse(readFileSync(join(root, 'apps/release-check/package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const missing = publicPackages()
      .map((p) => p.name)
      .filter((n) => !(n in own.devDependencies));
    expect(missing).toEqual([]);
  });
});
