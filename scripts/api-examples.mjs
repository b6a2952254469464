// Typechecks the examples of the API reference: every ```ts (or ```typescript, or unlabelled) fenced
// block, or `@example` without a fence (TypeDoc shows it as a ts block), in the doc comment of a public
// export or member of a public package. scripts/api-reference.mjs walks the exports (TypeDoc) and hands
// each example here with its package and place; this wraps each in its own module and typechecks all
// of them in one TypeScript program against the BUILT packages (`dist/*.d.ts`, resolved from
// apps/release-check/node_modules as a user's `import … from '@nnet/…'` would be).
//
// An example is written as a user writes it, except that it may leave out the imports of nnet names:
// each name it uses that its own package exports is imported from there (`@nnet/layers`, or
// `@nnet/layers/node` for that entry's names), any other from the first public package exporting it
// (typedoc.json's order: @nnet/tensor before @nnet/kernels-js). Imports it writes itself are kept
// (`import { readFileSync } from 'node:fs'`). The body goes in a block, so its own declarations
// shadow the imported names. A block whose fence reads ```ts nocheck is a deliberate fragment and is
// not checked; api-reference.test.ts lists each one it allows.
import { join, relative } from 'node:path';
import ts from 'typescript';

/** Fence languages TypeDoc highlights as TypeScript (an unlabelled fence included). */
const TS_LANGS = new Set(['', 'ts', 'typescript']);

/** Where the wrapped examples live (virtually): inside apps/release-check, to resolve its node_modules. */
const folder = (root) => join(root, 'apps/release-check/.examples');

/**
 * The TypeScript code blocks of a TypeDoc comment: `{ code, flags, index }` per ```ts fence.
 * @param {import('typedoc').Comment | undefined} comment
 */
export function codeBlocks(comment) {
  if (!comment) return [];
  const parts = [...comment.summary, ...comment.blockTags.flatMap((t) => t.content)];
  const out = [];
  for (const p of parts) {
    if (p.kind !== 'code' || !p.text.startsWith('```')) continue;
    const m = /^```([^\n]*)\n([\s\S]*?)\n?```$/.exec(p.text);
    if (!m) continue;
    const [lang = '', ...flags] = m[1].trim().split(/\s+/);
    if (!TS_LANGS.has(lang.toLowerCase())) continue;
    out.push({ code: m[2], flags });
  }
  return out;
}

/**
 * The line (1-based) where `code` starts in `text` (a source file), searching the comment lines above
 * `line` (the declaration's); 0 when not found.
 */
export function exampleLine(text, line, code) {
  const lines = text.split('\n');
  // A comment line without its ` * `, and an unfenced `@example` one-liner without its tag.
  const strip = (l) =>
    l
      .replace(/^\s*\*? ?/, '')
      .replace(/^@example\s+/, '')
      .trimEnd();
  const first = code.split('\n').map((l) => l.trimEnd());
  for (let i = Math.min(line, lines.length) - 1; i >= 0 && i >= line - 400; i--) {
    if (first.every((c, k) => strip(lines[i + k] ?? '') === c)) return i + 1;
  }
  return 0;
}

/** Identifiers a piece of TypeScript uses, and the names its own import declarations bring in. */
function namesOf(source) {
  const used = new Set();
  const imported = new Set();
  const visit = (node) => {
    if (ts.isIdentifier(node)) used.add(node.text);
    ts.forEachChild(node, visit);
  };
  for (const s of source.statements) {
    if (ts.isImportDeclaration(s)) {
      const c = s.importClause;
      if (c?.name) imported.add(c.name.text);
      const b = c?.namedBindings;
      if (b && ts.isNamespaceImport(b)) imported.add(b.name.text);
      if (b && ts.isNamedImports(b)) for (const e of b.elements) imported.add(e.name.text);
    } else visit(s);
  }
  return { used, imported };
}

/**
 * One example as a module: its own imports, then an import of every nnet name it uses that it does
 * not import itself, then its body in a block. Returns the text and the module line where the body's
 * first line is.
 * @param {string} code
 * @param {(name: string) => string | undefined} specifierOf the module a name is imported from
 */
export function wrapExample(code, specifierOf) {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const { used, imported } = namesOf(source);
  // The example's own imports move to the top, the rest stays in place (line for line) in the block.
  const lines = code.split('\n');
  const own = [];
  for (const s of source.statements) {
    if (!ts.isImportDeclaration(s)) continue;
    const from = source.getLineAndCharacterOfPosition(s.getStart(source)).line;
    const to = source.getLineAndCharacterOfPosition(s.end).line;
    for (let l = from; l <= to; l++) {
      own.push(lines[l]);
      lines[l] = '';
    }
  }
  const bySpecifier = new Map();
  for (const name of [...used].sort()) {
    if (imported.has(name)) continue;
    const spec = specifierOf(name);
    if (!spec) continue;
    const list = bySpecifier.get(spec);
    if (list) list.push(name);
    else bySpecifier.set(spec, [name]);
  }
  const head = [
    ...own,
    ...[...bySpecifier].map(([spec, names]) => `import { ${names.join(', ')} } from '${spec}';`),
    'export {};',
    '{',
  ];
  return { text: `${[...head, ...lines, '}'].join('\n')}\n`, bodyLine: head.length + 1 };
}

/** Compiler options of the examples' program: the packages' (tsconfig.base.json), without emitting. */
export function exampleCompilerOptions(root, extra = {}) {
  const { config } = ts.readConfigFile(join(root, 'tsconfig.base.json'), ts.sys.readFile);
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
  return {
    ...options,
    noEmit: true,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    // An example's imports name what it uses; whether a name is a type is the package's business.
    verbatimModuleSyntax: false,
    isolatedModules: false,
    types: ['node'],
    ...extra,
  };
}

/**
 * Wraps each example in its own module and typechecks them all in one program.
 * @param {{ pkg: string, symbol: string, file: string, line: number, exampleLine: number,
 *   code: string, flags: string[] }[]} examples `file:line`: the export's declaration;
 *   `exampleLine`: the source line of the example's first line (0: unknown)
 * @param {{ root: string, specifierOf: (pkg: string, name: string) => string | undefined,
 *   compilerOptions?: import('typescript').CompilerOptions }} options `specifierOf`: where an example of
 *   `pkg` imports `name` from
 * @returns {{ checked: number, nocheck: { pkg: string, key: string, entry: string }[],
 *   failures: { pkg: string, key: string, entry: string, errors: string[] }[], seconds: number }} `key`:
 *   `package: symbol #n` (the symbol's n-th example, from 1)
 */
export function typecheckExamples(examples, options) {
  const started = performance.now();
  const dir = folder(options.root);
  const files = new Map();
  const nocheck = [];
  const counts = new Map();
  for (const e of examples) {
    const n = (counts.get(`${e.pkg}: ${e.symbol}`) ?? 0) + 1;
    counts.set(`${e.pkg}: ${e.symbol}`, n);
    const key = `${e.pkg}: ${e.symbol} #${n}`;
    const entry = `${key} (${e.file}:${e.line})`;
    if (e.flags.includes('nocheck')) {
      nocheck.push({ pkg: e.pkg, key, entry });
      continue;
    }
    const { text, bodyLine } = wrapExample(e.code, (name) => options.specifierOf(e.pkg, name));
    const name = join(dir, `${files.size}.ts`);
    files.set(name, { text, bodyLine, key, entry, example: e });
  }
  const compilerOptions = exampleCompilerOptions(options.root, options.compilerOptions);
  const host = ts.createCompilerHost(compilerOptions);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => files.get(f)?.text ?? readFile.call(host, f);
  host.getSourceFile = (f, ...rest) => {
    const v = files.get(f);
    return v
      ? ts.createSourceFile(f, v.text, ts.ScriptTarget.ES2022, true)
      : getSourceFile.call(host, f, ...rest);
  };
  const program = ts.createProgram([...files.keys()], compilerOptions, host);
  const byFile = new Map();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const f = d.file && files.get(d.file.fileName);
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!f) {
      // A problem outside the examples (an option, a package's .d.ts) fails the check as a whole.
      const where = d.file ? `${relative(options.root, d.file.fileName)}: ` : '';
      const list = byFile.get('') ?? [];
      list.push(`${where}TS${d.code}: ${text}`);
      byFile.set('', list);
      continue;
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    const k = line + 1 - f.bodyLine;
    const at =
      k >= 0 && f.example.exampleLine
        ? `${f.example.file}:${f.example.exampleLine + k}`
        : `example line ${k + 1}`;
    const list = byFile.get(d.file.fileName) ?? [];
    list.push(`${at}: TS${d.code}: ${text.split('\n')[0]}`);
    byFile.set(d.file.fileName, list);
  }
  const failures = [];
  for (const [name, errors] of byFile) {
    const f = files.get(name);
    failures.push(
      f
        ? { pkg: f.example.pkg, key: f.key, entry: f.entry, errors }
        : { pkg: '', key: '(the examples program)', entry: '(the examples program)', errors },
    );
  }
  const byEntry = (a, b) => (a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : 0);
  return {
    checked: files.size,
    nocheck: nocheck.sort(byEntry),
    failures: failures.sort(byEntry),
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Each example as the module the check typechecks, with a file name (`0007-_nnet_tensor-add.ts`):
 * `--write-examples DIR` writes them, to read or to run.
 */
export function wrappedExamples(examples, specifierOf) {
  return examples.map((e, i) => ({
    name: `${String(i).padStart(4, '0')}-${e.pkg.replace(/[@/]/g, '_')}-${e.symbol.replace(/\W/g, '_')}.ts`,
    text: wrapExample(e.code, (name) => specifierOf(e.pkg, name)).text,
  }));
}
