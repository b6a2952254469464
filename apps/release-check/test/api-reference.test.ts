/**
 * The API reference (TypeDoc over every public package, typedoc.json at the root): every export and
 * member is documented, every exported function, class and constant shows an example, every example
 * typechecks against the built packages (scripts/api-examples.mjs), no other TypeDoc warning, and
 * the allow-lists of what remains (scripts/api-undocumented.allow.txt, scripts/api-no-example.allow.txt,
 * scripts/api-broken-example.allow.txt) only shrink. `pnpm run docs` writes the HTML.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { typecheckExamples } from '../../../scripts/api-examples.mjs';
import {
  allowListPath,
  brokenExampleAllowListPath,
  brokenExampleAllowListText,
  checkApiReference,
  compareWithAllowList,
  type Finding,
  noExampleAllowListPath,
  noExampleAllowListText,
  readAllowList,
  runTypeDoc,
  type TypeDocResult,
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

describe('examples in doc comments', () => {
  // A one-package fixture (test/fixtures/examples): every export documented, three without an example.
  let fixture: TypeDocResult;
  const pkg = '@nnet-fixture/examples';
  beforeAll(async () => {
    fixture = await runTypeDoc({
      config: join(root, 'apps/release-check/test/fixtures/typedoc.examples.json'),
    });
  }, 120_000);

  it('reports each function, class and constant without an @example or fenced block, not types', () => {
    expect(fixture.problems).toEqual([]);
    expect(fixture.findings).toEqual([]);
    expect(fixture.exports).toEqual({ [pkg]: 10 });
    // Passes: an @example block (double), a fenced block in the summary (triple), an @example tag
    // (ANSWER), an example on the constructor (Counter), an interface without one (Options).
    expect(fixture.withoutExample.map((f) => f.key)).toEqual([
      `${pkg}: WITHOUT_EXAMPLE_LIMIT`,
      `${pkg}: WithoutExampleBox`,
      `${pkg}: withoutExampleHalf`,
    ]);
    expect(fixture.withoutExample[2].entry).toBe(
      `${pkg}: withoutExampleHalf (apps/release-check/test/fixtures/examples/src/index.ts:54)`,
    );
  });

  it('fails a new export without an example and an allow-list line whose export has one', () => {
    const keys = fixture.withoutExample.map((f) => f.key);
    expect(compareWithAllowList(fixture.withoutExample, keys)).toEqual({ notAllowed: [], stale: [] });
    expect(compareWithAllowList(fixture.withoutExample, [...keys.slice(1), `${pkg}: double`])).toEqual({
      notAllowed: [fixture.withoutExample[0].entry],
      stale: [`${pkg}: double`],
    });
  });

  it('typechecks each ts example in its own module and reports a broken one at its line', () => {
    const src = join(root, 'apps/release-check/test/fixtures/examples/src/index.ts');
    // The fixture is not built: its examples import it from source (the packages' from their dist).
    const r = typecheckExamples(fixture.examples, {
      root,
      specifierOf: fixture.importFrom,
      compilerOptions: { paths: { [pkg]: [src] } },
    });
    // double, triple, ANSWER (an unfenced @example is a ts block too), Counter's constructor,
    // quadruple, negate's first; negate's second is a `ts nocheck` fragment.
    expect(r.checked).toBe(6);
    expect(r.nocheck.map((f) => f.key)).toEqual([`${pkg}: negate #2`]);
    const file = 'apps/release-check/test/fixtures/examples/src/index.ts';
    expect(r.failures).toEqual([
      {
        pkg,
        key: `${pkg}: quadruple #1`,
        entry: `${pkg}: quadruple #1 (${file}:82)`,
        errors: [
          `${file}:79: TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.`,
        ],
      },
    ]);
    expect(compareWithAllowList(r.failures, [])).toEqual({
      notAllowed: [`${pkg}: quadruple #1 (${file}:82)`],
      stale: [],
    });
    expect(compareWithAllowList(r.failures, [`${pkg}: quadruple #1`, `${pkg}: double #1`]).stale).toEqual([
      `${pkg}: double #1`,
    ]);
  });

  it('the allow-list is what --write-no-example-allow-list writes: a header, each symbol once, sorted', () => {
    const keys = readAllowList(noExampleAllowListPath);
    expect(keys).toEqual([...new Set(keys)].sort());
    const asFindings = keys.map((key) => ({ pkg: key.split(': ')[0], key, entry: key }));
    expect(readFileSync(noExampleAllowListPath, 'utf8')).toBe(noExampleAllowListText(asFindings));
  });

  it('the broken-example allow-list is what --write-broken-example-allow-list writes', () => {
    const keys = readAllowList(brokenExampleAllowListPath);
    expect(keys).toEqual([...new Set(keys)].sort());
    const asFailures = keys.map((key) => ({ pkg: key.split(': ')[0], key, entry: key }));
    expect(readFileSync(brokenExampleAllowListPath, 'utf8')).toBe(brokenExampleAllowListText(asFailures));
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
  it('documents every export, with an example for each function, class and constant', {
    timeout: 600_000,
  }, async () => {
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
    expect(
      r.noExample.notAllowed,
      'exports without an example: give each an @example block (```ts ... ```) in its doc comment',
    ).toEqual([]);
    expect(
      r.noExample.stale,
      `these have an example now or are gone: remove them from ${relative(root, noExampleAllowListPath)}`,
    ).toEqual([]);
    const broken = new Set(r.brokenExample.notAllowed);
    expect(
      r.exampleCheck.failures.filter((f) => broken.has(f.entry)),
      'examples that do not typecheck against the built packages (`node scripts/api-reference.mjs` lists them)',
    ).toEqual([]);
    expect(
      r.brokenExample.stale,
      `these examples typecheck now or are gone: remove them from ${relative(root, brokenExampleAllowListPath)}`,
    ).toEqual([]);
    // Fragments the check skips (```ts nocheck), each for a reason given here; keep the list tiny.
    expect(r.exampleCheck.nocheck.map((f) => f.key)).toEqual([]);
    // A walk that found no examples would pass the checks above.
    expect(r.exampleCheck.checked).toBeGreaterThan(500);
    // A configuration that documented nothing would pass the checks above: every package has exports.
    expect(Object.keys(r.exports).sort()).toEqual(
      publicPackages()
        .map((p) => p.name)
        .sort(),
    );
    for (const [pkg, n] of Object.entries(r.exports)) expect(n, pkg).toBeGreaterThan(0);
  });
});
