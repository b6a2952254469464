/**
 * `pnpm --filter @nnet/bench run generate [files...] [--out ../../BENCHMARKS.md] [--check]`: turns
 * bench reports (`results/*.json` by default) into BENCHMARKS.md sections (see markdown.ts).
 * `--check` exits 1 when the document is not what the JSON files give (stale), writing nothing.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderSection, updateDocument } from './markdown.js';
import { type BenchReport, validateReport } from './schema.js';

const usage = 'usage: generate [report.json ...] [--out BENCHMARKS.md] [--check]';

function main(): void {
  let parsed: ReturnType<
    typeof parseArgs<{
      options: { out: { type: 'string' }; check: { type: 'boolean' } };
      allowPositionals: true;
    }>
  >;
  try {
    parsed = parseArgs({
      options: { out: { type: 'string' }, check: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    process.exit(2);
  }
  const here = fileURLToPath(new URL('..', import.meta.url));
  const out = parsed.values.out ?? join(here, '..', '..', 'BENCHMARKS.md');
  const resultsDir = join(here, 'results');
  const files = parsed.positionals.length
    ? parsed.positionals
    : readdirSync(resultsDir)
        // A/B reports (ab-<date>.json) compare two builds; they are not BENCHMARKS.md's figures.
        .filter((f) => f.endsWith('.json') && !f.startsWith('ab-'))
        .sort()
        .map((f) => join(resultsDir, f));
  const sections = files.map((file) => {
    const report = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
    const errs = validateReport(report);
    if (errs.length) {
      console.error(`${file} is not a bench report:\n  ${errs.join('\n  ')}`);
      process.exit(1);
    }
    return { bench: report.bench, text: renderSection(report) };
  });
  const before = readFileSync(out, 'utf8');
  const after = updateDocument(before, sections);
  if (parsed.values.check) {
    if (before !== after) {
      console.error(`${out} is stale: run pnpm --filter @nnet/bench run generate`);
      process.exit(1);
    }
    console.log(`${out} is up to date with ${files.length} report(s)`);
    return;
  }
  writeFileSync(out, after);
  console.log(`${out}: ${sections.length} generated section(s) from ${files.join(', ')}`);
}

main();
