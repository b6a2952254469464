/**
 * The API reference (TypeDoc over every public package, typedoc.json at the root): every export and
 * member is documented, no other TypeDoc warning, and the temporary allow-list of the undocumented
 * names that remain (scripts/api-undocumented.allow.txt) only shrinks. `pnpm run docs` writes the HTML.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allowListPath,
  checkApiReference,
  compareWithAllowList,
  type Finding,
} from '../../../scripts/api-reference.mjs';
import { publicPackages, root } from './workspace.js';

const finding = (pkg: string, symbol: string, line: number): Finding => ({
  pkg,
  key: `${pkg}: ${symbol}`,
  entry: `${pkg}: ${symbol} (packages/x/src/a.ts:${line})`,
});

describe('the allow-list of undocumented exports', () => {
  it('passes exactly the findings it names and reports the names no finding has', () => {
    const findings = [finding('@nnet/a', 'f', 3), finding('@nnet/a', 'g', 9), finding('@nnet/b', 'f', 1)];
    expect(compareWithAllowList(findings, ['@nnet/a: f', '@nnet/b: f', '@nnet/a: g'])).toEqual({
      notAllowed: [],
      stale: [],
    });
    // A new undocumented export fails, listed with its place; a documented allow-listed one fails too.
    expect(compareWithAllowList(findings, ['@nnet/a: f', '@nnet/b: gone'])).toEqual({
      notAllowed: ['@nnet/a: g (packages/x/src/a.ts:9)', '@nnet/b: f (packages/x/src/a.ts:1)'],
      stale: ['@nnet/b: gone'],
    });
  });

  it('names each symbol once, sorted', () => {
    const keys = readFileSync(allowListPath, 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    expect(keys).toEqual([...new Set(keys)].sort());
  });
});

describe('the API reference (TypeDoc)', () => {
  it('covers every public package', () => {
    const config = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as { entryPoints: string[] };
    expect([...config.entryPoints].sort()).toEqual(
      publicPackages()
        .map((p) => p.dir)
        .sort(),
    );
  });

  // TypeDoc converts each package (about 25 s of CPU in all); the timeout only guards a shared machine.
  it('documents every export, with no other TypeDoc warning', { timeout: 600_000 }, async () => {
    const r = await checkApiReference();
    expect(r.packages.map((p) => relative(root, p)).sort()).toEqual(
      publicPackages()
        .map((p) => p.dir)
        .sort(),
    );
    expect(r.problems, 'TypeDoc warnings and errors').toEqual([]);
    expect(
      r.notAllowed,
      'undocumented exports: give each a doc comment (what, shapes, an example), `pnpm run docs` lists them',
    ).toEqual([]);
    expect(
      r.stale,
      `documented now: remove these lines from ${relative(root, allowListPath)}, so the list only shrinks`,
    ).toEqual([]);
    // A configuration that documented nothing would pass the checks above: every package has exports.
    expect(Object.keys(r.exports).sort()).toEqual(
      publicPackages()
        .map((p) => p.name)
        .sort(),
    );
    for (const [pkg, n] of Object.entries(r.exports)) expect(n, pkg).toBeGreaterThan(0);
  });
});
