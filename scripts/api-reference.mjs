// The API reference: TypeDoc over every public package (typedoc.json at the root: one project per
// package, entry points from each package's `exports`, `validation.notDocumented`, warnings as errors).
// `checkApiReference()` converts and validates in-process and returns every undocumented export as
// `package: symbol (file:line)` plus every other TypeDoc warning or error; apps/release-check's
// api-reference test runs it under `pnpm test`. An undocumented export fails unless the temporary
// allow-list (scripts/api-undocumented.allow.txt, `package: symbol` per line) names it, and an allow-listed
// symbol that is now documented fails too, so the list only shrinks.
// Every exported function, class and constant also needs an example: an `@example` block or a fenced
// code block in its comment (a class's may be on its constructor). Types and interfaces are exempt (no
// code runs them; the example is on the function that takes or returns them). The offenders that remain
// are in scripts/api-no-example.allow.txt (`package: symbol` per line, sorted, written by
// --write-no-example-allow-list); a new export without an example fails, and so does a line for an
// export that has one now or no longer exists.
// Every TypeScript example of every comment (exports and members) is then typechecked against the
// built packages by scripts/api-examples.mjs (one program, about 20-30 s on this shared host); the ones
// that do not typecheck yet are in scripts/api-broken-example.allow.txt (`package: symbol #n`, exact
// like the others, written by --write-broken-example-allow-list).
// Usage: node scripts/api-reference.mjs [--out DIR] [--config FILE] [--write-no-example-allow-list]
//   [--write-broken-example-allow-list] [--write-examples DIR] (`pnpm run docs`: --out
//   docs/api-reference; --write-examples: each example as the module the check compiles). Prints the
//   problems and exits non-zero when there are any; with --out also writes the HTML.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Application,
  Converter,
  Logger,
  LogLevel,
  ReflectionKind,
  TSConfigReader,
  TypeDocReader,
} from 'typedoc';
import { codeBlocks, exampleLine, typecheckExamples, wrappedExamples } from './api-examples.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const allowListPath = join(root, 'scripts/api-undocumented.allow.txt');
export const noExampleAllowListPath = join(root, 'scripts/api-no-example.allow.txt');
export const brokenExampleAllowListPath = join(root, 'scripts/api-broken-example.allow.txt');

// TypeDoc's English message for an undocumented reflection: `{name} ({kind}), defined in {package}/{path}, …`.
const UNDOCUMENTED = /^(.*) \((\w+)\), defined in (.+), does not have any documentation$/;
// … and for a type the documented API uses but the package does not export (`validation.notExported`).
const NOT_EXPORTED =
  /^(.*), defined in (@[^/]+\/[^/]+|[^@/][^/]*)\/(.+), is referenced by (.*) but not included in the documentation$/;

/** Collects TypeDoc's messages instead of printing them; undocumented reflections are kept apart. */
class CollectingLogger extends Logger {
  /** @type {{ name: string, kind: string, where: string }[]} */
  pending = [];
  /** @type {{ pkg: string, symbol: string, file: string, referencedBy: string }[]} */
  notExported = [];
  /** @type {string[]} */
  problems = [];

  validationWarning(text, ...args) {
    const m = UNDOCUMENTED.exec(text);
    if (m) this.pending.push({ name: m[1], kind: m[2], where: m[3] });
    else super.validationWarning(text, ...args);
  }

  warn(text, ...args) {
    const m = NOT_EXPORTED.exec(text);
    if (m) this.notExported.push({ pkg: m[2], symbol: m[1], file: `${m[2]}/${m[3]}`, referencedBy: m[4] });
    else super.warn(text, ...args);
  }

  log(message, level) {
    super.log(message, level);
    if (level >= LogLevel.Warn)
      this.problems.push(`${level === LogLevel.Error ? 'error' : 'warning'}: ${message}`);
  }
}

// A package with several entry points (`.` and `./node`) gets one module per entry, named after the
// export without its `./`; the root entry's name would be empty (pages `@nnet/train..DataLoader`).
const ROOT_ENTRY_MODULE = 'index';

/** The friendly name TypeDoc prints, without the root entry's module: `DataLoader`, `node.ProgressBar`. */
function symbolName(name) {
  return name.startsWith(`${ROOT_ENTRY_MODULE}.`) ? name.slice(ROOT_ENTRY_MODULE.length + 1) : name;
}

/**
 * Matches the undocumented reflections TypeDoc just reported for one package's project to the reflections
 * themselves, for the source line and whether the member is inherited.
 */
function resolvePending(project, pending, out) {
  const byKey = new Map();
  for (const ref of Object.values(project.reflections)) {
    const key = `${ref.getFriendlyFullName()}\u0000${ReflectionKind[ref.kind]}`;
    const list = byKey.get(key);
    if (list) list.push(ref);
    else byKey.set(key, [ref]);
  }
  const seen = new Set();
  for (const p of pending) {
    const pkg = p.where.startsWith('@') ? p.where.split('/').slice(0, 2).join('/') : p.where.split('/')[0];
    const path = p.where.slice(pkg.length + 1);
    const candidates = (byKey.get(`${p.name}\u0000${p.kind}`) ?? []).filter((r) => !seen.has(r));
    const ref = candidates[0];
    if (ref) seen.add(ref);
    const source = ref?.sources?.[0];
    const file = source ? relative(root, source.fullFileName) : path;
    const line = source ? source.line : 0;
    const inherited = Boolean(ref?.inheritedFrom ?? ref?.parent?.inheritedFrom);
    out.push({ pkg, symbol: symbolName(p.name), kind: p.kind, file, line, inherited });
  }
  pending.length = 0;
}

// The top-level exports that must show an example: what a user calls, constructs or reads.
const NEEDS_EXAMPLE = ReflectionKind.Function | ReflectionKind.Class | ReflectionKind.Variable;

/** Whether a comment has an `@example` block or a fenced code block (in its summary or any block tag). */
export function commentHasExample(comment) {
  if (!comment) return false;
  if (comment.blockTags.some((t) => t.tag === '@example')) return true;
  const parts = [...comment.summary, ...comment.blockTags.flatMap((t) => t.content)];
  return parts.some((p) => p.kind === 'code' && p.text.startsWith('```'));
}

/**
 * Whether a function (any of its signatures), class (its own comment or a constructor's) or constant
 * shows an example.
 */
function hasExample(ref) {
  if (commentHasExample(ref.comment)) return true;
  if (ref.signatures?.some((s) => commentHasExample(s.comment))) return true;
  const ctor = ref.kindOf(ReflectionKind.Class)
    ? ref.children?.find((c) => c.kindOf(ReflectionKind.Constructor))
    : undefined;
  return Boolean(ctor?.signatures?.some((s) => commentHasExample(s.comment)));
}

/**
 * Walks one package's project: the top-level functions, classes and constants without an example go
 * to `withoutExample` (findings keyed `package: symbol`), and every TypeScript code block of every
 * comment (exports, members, signatures) to `examples`, with the export's place; a re-export of
 * another package's declaration counts there, not here.
 */
function walkExamples(project, dir, withoutExample, examples) {
  const seen = new Set();
  const sourceText = new Map();
  for (const ref of Object.values(project.reflections)) {
    const owner = ref.kindOf(ReflectionKind.SomeSignature) ? ref.parent : ref;
    const source = ref.sources?.[0] ?? owner?.sources?.[0];
    const file = source ? relative(root, source.fullFileName) : '';
    if (!file.startsWith(`${dir}/`)) continue;
    const line = source?.line ?? 0;
    const symbol = symbolName(owner.getFriendlyFullName());
    // An inherited member repeats its declaration's comment: its examples count there, once.
    const inherited = Boolean(ref.inheritedFrom ?? owner?.inheritedFrom);
    for (const block of inherited ? [] : codeBlocks(ref.comment)) {
      // A comment copied elsewhere (an implemented interface's member): one example per place and text.
      const id = `${file}\u0000${block.code}`;
      if (seen.has(id)) continue;
      seen.add(id);
      if (!sourceText.has(file)) sourceText.set(file, readFileSync(join(root, file), 'utf8'));
      const at = exampleLine(sourceText.get(file), line, block.code);
      examples.push({ pkg: project.packageName, symbol, file, line, exampleLine: at, ...block });
    }
    if (!ref.kindOf(NEEDS_EXAMPLE) || !ref.parent?.kindOf(ReflectionKind.Project | ReflectionKind.Module))
      continue;
    if (hasExample(ref)) continue;
    const key = `${project.packageName}: ${symbol}`;
    withoutExample.push({ pkg: project.packageName, key, entry: `${key} (${file}:${line})` });
  }
}

/**
 * The module specifier of each name a package exports (`@nnet/layers`, `@nnet/layers/node` for the
 * `./node` entry's); the root entry's names first.
 */
function exportedNames(project) {
  const names = new Map();
  const modules = project.children?.filter((c) => c.kindOf(ReflectionKind.Module)) ?? [];
  const entries = modules.length ? modules : [project];
  entries.sort((a, b) => (a.name === ROOT_ENTRY_MODULE ? -1 : b.name === ROOT_ENTRY_MODULE ? 1 : 0));
  for (const m of entries) {
    const spec =
      m === project || m.name === ROOT_ENTRY_MODULE
        ? project.packageName
        : `${project.packageName}/${m.name}`;
    for (const c of m.children ?? []) if (!names.has(c.name)) names.set(c.name, spec);
  }
  return names;
}

/**
 * Where an example of one package imports a name from: its own package if that exports the name,
 * else the first package (in typedoc.json's order) that does.
 * @param {Map<string, Map<string, string>>} byPackage each package's exportedNames
 */
export function importResolver(byPackage) {
  return (pkg, name) => {
    const own = byPackage.get(pkg)?.get(name);
    if (own) return own;
    for (const names of byPackage.values()) if (names.has(name)) return names.get(name);
    return undefined;
  };
}

/** The repository-relative folder of each package TypeDoc documents, by package name. */
function packageDirs(entryPoints) {
  const dirs = new Map();
  for (const e of entryPoints) {
    const dir = relative(root, resolve(root, e));
    dirs.set(JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).name, dir);
  }
  return dirs;
}

/**
 * Converts every public package with TypeDoc and validates it.
 * @param {{ out?: string, config?: string }} [options] `out`: also write the HTML reference to this
 *   folder; `config`: another TypeDoc configuration than the root's typedoc.json.
 * @returns {Promise<{ findings: { key: string, entry: string, pkg: string }[], problems: string[],
 *   packages: string[], exports: Record<string, number> }>} `exports`: the top-level exports
 *   TypeDoc documents per package; `findings`: one per undocumented declaration (key `package: symbol`, entry
 *   `package: symbol (file:line)`) and per type the API uses but its package does not export (key
 *   `package: Name (not exported; referenced by X)`), sorted; `withoutExample`: one per exported
 *   function, class or constant whose comment has no example (key `package: symbol`), sorted;
 *   `problems`: every other warning or error.
 */
export async function runTypeDoc(options = {}) {
  const cwd = process.cwd();
  // TypeDoc resolves the config's relative paths against the working folder.
  process.chdir(root);
  try {
    const app = await Application.bootstrapWithPlugins(
      { options: options.config ?? join(root, 'typedoc.json'), logLevel: 'Warn' },
      [new TypeDocReader(), new TSConfigReader()],
    );
    const logger = new CollectingLogger();
    if (app.logger.hasErrors() || app.logger.hasWarnings())
      logger.problems.push(
        'error: TypeDoc rejected options of the configuration (its messages are printed above)',
      );
    app.logger = logger;
    /** @type {{ pkg: string, symbol: string, kind: string, file: string, line: number, inherited: boolean }[]} */
    const found = [];
    const packages = app.options.getValue('entryPoints');
    const dirs = packageDirs(packages);
    /** @type {Record<string, number>} */
    const exports = {};
    /** @type {{ key: string, entry: string, pkg: string }[]} */
    const withoutExample = [];
    /** @type {{ pkg: string, symbol: string, file: string, line: number, exampleLine: number, code: string, flags: string[] }[]} */
    const examples = [];
    /** @type {Map<string, Map<string, string>>} */
    const names = new Map([...dirs.keys()].map((pkg) => [pkg, new Map()]));
    app.converter.on(Converter.EVENT_CREATE_DECLARATION, (_context, reflection) => {
      if (reflection.kindOf(ReflectionKind.Module) && reflection.name === '')
        reflection.name = ROOT_ENTRY_MODULE;
    });
    app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
      // Each package's project validates on its own, then the merged one (named after the root's).
      if (!dirs.has(project.packageName)) return;
      exports[project.packageName] = project.getReflectionsByKind(ReflectionKind.SomeExport).length;
      resolvePending(project, logger.pending, found);
      walkExamples(project, dirs.get(project.packageName), withoutExample, examples);
      // In typedoc.json's order (not the order TypeDoc finishes them in): the import order of examples.
      names.set(project.packageName, exportedNames(project));
    });
    const project = await app.convert();
    if (!project) logger.problems.push('error: TypeDoc could not convert the packages');
    else {
      app.validate(project);
      if (options.out) await app.generateDocs(project, options.out);
    }
    // One entry per declaration: a member that subclasses inherit, or that an inlined type copies
    // into each place using it, is reported under one name (the declaring class's, else the first).
    const kept = new Map();
    const order = (u) => `${u.inherited ? 1 : 0}${u.symbol}`;
    for (const u of found.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))) {
      const where = `${u.file}:${u.line}:${u.kind}:${u.symbol.split('.').pop()}`;
      if (!kept.has(where)) kept.set(where, u);
    }
    const findings = [...kept.values()].map((u) => ({
      pkg: u.pkg,
      key: `${u.pkg}: ${u.symbol}`,
      entry: `${u.pkg}: ${u.symbol} (${u.file}:${u.line})`,
    }));
    for (const n of logger.notExported) {
      const key = `${n.pkg}: ${n.symbol} (not exported; referenced by ${n.referencedBy})`;
      const file = dirs.has(n.pkg) ? `${dirs.get(n.pkg)}/${n.file.slice(n.pkg.length + 1)}` : n.file;
      findings.push({ pkg: n.pkg, key, entry: `${key} (${file})` });
    }
    const byEntry = (a, b) => (a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : 0);
    findings.sort(byEntry);
    withoutExample.sort(byEntry);
    return {
      findings,
      withoutExample,
      examples,
      importFrom: importResolver(names),
      problems: logger.problems,
      packages,
      exports,
    };
  } finally {
    process.chdir(cwd);
  }
}

/** The allow-list's keys (blank lines and `#` comments skipped). */
export function readAllowList(path = allowListPath) {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/**
 * Compares findings with the allow-list.
 * @param {{ key: string, entry: string }[]} findings
 * @param {readonly string[]} allowList
 * @returns {{ notAllowed: string[], stale: string[] }} `notAllowed`: the entries of findings the
 *   allow-list does not name; `stale`: allow-listed keys no finding has (documented now, or gone).
 */
export function compareWithAllowList(findings, allowList) {
  const allow = new Set(allowList);
  const keys = new Set(findings.map((f) => f.key));
  const notAllowed = findings.filter((f) => !allow.has(f.key)).map((f) => f.entry);
  const stale = [...allow].filter((k) => !keys.has(k)).sort();
  return { notAllowed, stale };
}

/**
 * Runs TypeDoc and compares its findings with the allow-lists: the undocumented ones with
 * `allowList` (default the file's), those without an example with `noExampleAllowList` (likewise);
 * then typechecks every example (scripts/api-examples.mjs: the built packages must be there) and
 * compares the failing ones with `brokenExampleAllowList` (likewise).
 * @param {{ out?: string, config?: string, allowList?: readonly string[],
 *   noExampleAllowList?: readonly string[], brokenExampleAllowList?: readonly string[],
 *   exampleCompilerOptions?: import('typescript').CompilerOptions }} [options]
 *   `exampleCompilerOptions`: added to the examples' program's (a fixture's `paths`)
 */
export async function checkApiReference(options = {}) {
  const result = await runTypeDoc(options);
  const exampleCheck = typecheckExamples(result.examples, {
    root,
    specifierOf: result.importFrom,
    compilerOptions: options.exampleCompilerOptions,
  });
  return {
    ...result,
    ...compareWithAllowList(result.findings, options.allowList ?? readAllowList()),
    noExample: compareWithAllowList(
      result.withoutExample,
      options.noExampleAllowList ?? readAllowList(noExampleAllowListPath),
    ),
    exampleCheck,
    brokenExample: compareWithAllowList(
      exampleCheck.failures,
      options.brokenExampleAllowList ?? readAllowList(brokenExampleAllowListPath),
    ),
  };
}

/** An allow-list's text: its header lines (each prefixed '# '), then each finding's key once, sorted. */
function allowListText(header, findings) {
  const keys = [...new Set(findings.map((f) => f.key))].sort();
  return [...header.map((line) => `# ${line}\n`), ...keys.map((k) => `${k}\n`)].join('');
}

/** The no-example allow-list's text for these findings: a header, then each key once, sorted. */
export function noExampleAllowListText(withoutExample) {
  return allowListText(
    [
      'Public functions, classes and constants whose doc comment has no example yet, `package: symbol`',
      'per line. Written by `node scripts/api-reference.mjs --write-no-example-allow-list`; the API',
      'reference check fails for an export without an example that is not here, and for a line whose',
      'export has one now or is gone, so the list only shrinks. Do not add lines: write the example.',
    ],
    withoutExample,
  );
}

/** The broken-example allow-list's text for these failures: a header, then each key once, sorted. */
export function brokenExampleAllowListText(failures) {
  return allowListText(
    [
      'Examples in doc comments that do not typecheck yet, `package: symbol #n` (its n-th example) per',
      'line. Written by `node scripts/api-reference.mjs --write-broken-example-allow-list`; the check',
      'fails for a broken example not here, and for a line whose example typechecks now or is gone, so',
      'the list only shrinks. Do not add lines: fix the example (scripts/api-examples.mjs says how).',
    ],
    failures,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? resolve(process.cwd(), process.argv[i + 1]) : undefined;
  };
  const out = arg('--out');
  const started = Date.now();
  const r = await checkApiReference({ out, config: arg('--config') });
  const writeTo = arg('--write-examples');
  if (writeTo) {
    mkdirSync(writeTo, { recursive: true });
    for (const f of wrappedExamples(r.examples, r.importFrom)) writeFileSync(join(writeTo, f.name), f.text);
    console.log(`wrote ${r.examples.length} examples to ${relative(process.cwd(), writeTo)}`);
  }
  if (process.argv.includes('--write-no-example-allow-list')) {
    writeFileSync(noExampleAllowListPath, noExampleAllowListText(r.withoutExample));
    r.noExample = compareWithAllowList(r.withoutExample, readAllowList(noExampleAllowListPath));
    console.log(`wrote ${relative(process.cwd(), noExampleAllowListPath)}`);
  }
  const ex = r.exampleCheck;
  if (process.argv.includes('--write-broken-example-allow-list')) {
    writeFileSync(brokenExampleAllowListPath, brokenExampleAllowListText(ex.failures));
    r.brokenExample = compareWithAllowList(ex.failures, readAllowList(brokenExampleAllowListPath));
    console.log(`wrote ${relative(process.cwd(), brokenExampleAllowListPath)}`);
  }
  const noExampleList = relative(root, noExampleAllowListPath);
  for (const p of r.problems) console.log(p);
  for (const e of r.notAllowed) console.log(`undocumented: ${e}`);
  for (const k of r.stale) console.log(`documented now, remove from ${relative(root, allowListPath)}: ${k}`);
  for (const e of r.noExample.notAllowed) console.log(`no example: ${e}`);
  for (const k of r.noExample.stale)
    console.log(`has an example now or is gone, remove from ${noExampleList}: ${k}`);
  const notAllowedBroken = new Set(r.brokenExample.notAllowed);
  for (const f of ex.failures.filter((f) => notAllowedBroken.has(f.entry)))
    console.log(`example does not typecheck: ${f.entry}\n  ${f.errors.join('\n  ')}`);
  for (const k of r.brokenExample.stale)
    console.log(`typechecks now or is gone, remove from ${relative(root, brokenExampleAllowListPath)}: ${k}`);
  const allowed = r.findings.length - r.notAllowed.length;
  const noExampleAllowed = r.withoutExample.length - r.noExample.notAllowed.length;
  const brokenAllowed = ex.failures.length - r.brokenExample.notAllowed.length;
  console.log(
    `${r.packages.length} packages, ${r.findings.length} undocumented or unexported (${allowed} allow-listed), ` +
      `${r.withoutExample.length} without an example (${noExampleAllowed} allow-listed), ` +
      `${ex.checked} examples typechecked in ${ex.seconds.toFixed(1)} s (${ex.failures.length} failing, ` +
      `${brokenAllowed} allow-listed; ${ex.nocheck.length} nocheck), ${r.problems.length} other problems, ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s` +
      (out ? `; HTML in ${relative(process.cwd(), out)}` : ''),
  );
  const failed =
    r.notAllowed.length ||
    r.stale.length ||
    r.noExample.notAllowed.length ||
    r.noExample.stale.length ||
    r.brokenExample.notAllowed.length ||
    r.brokenExample.stale.length;
  process.exit(failed || r.problems.length ? 1 : 0);
}
