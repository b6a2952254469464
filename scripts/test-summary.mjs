// Sums the JSON reports vitest writes beside its default output (each package's test script passes
// `--reporter=json --outputFile.json=.test-report/<run>.json`) and prints one line per report, then
// the summary line alone: "N passed, N failed" (", N skipped" when some were). Exits non-zero when
// no report exists, no test passed, a test failed, or a test file failed to run.
// Usage: node scripts/test-summary.mjs [root]   (default: the repository root)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..');
let passed = 0;
let failed = 0;
let skipped = 0;
let brokenFiles = 0;
let reports = 0;
const missing = [];
for (const group of ['packages', 'apps']) {
  if (!existsSync(join(root, group))) continue;
  for (const pkg of readdirSync(join(root, group)).sort()) {
    const dir = join(root, group, pkg, '.test-report');
    if (!existsSync(dir)) {
      // A package with a test script must write a report, or its tests would go uncounted.
      const manifest = join(root, group, pkg, 'package.json');
      if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test)
        missing.push(`${group}/${pkg}`);
      continue;
    }
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const r = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      reports++;
      passed += r.numPassedTests;
      failed += r.numFailedTests;
      skipped += r.numPendingTests + r.numTodoTests;
      // A file that fails to import or whose hooks throw runs no failing test but fails its suite.
      const broken = r.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0);
      brokenFiles += broken.length;
      const ends = r.testResults.map((f) => f.endTime).filter(Number.isFinite);
      const seconds = ends.length ? (Math.max(...ends) - r.startTime) / 1000 : 0;
      const extra = broken.length ? `, ${broken.length} test file(s) failed to run` : '';
      console.log(
        `${relative(root, join(dir, file))}: ${r.numPassedTests} passed, ${r.numFailedTests} failed${extra} (${seconds.toFixed(1)} s)`,
      );
    }
  }
}
for (const m of missing)
  console.log(`${m}: no .test-report (its test script must pass vitest's JSON reporter)`);
const tail = skipped ? `, ${skipped} skipped` : '';
console.log(`${passed} passed, ${failed} failed${tail}`);
process.exit(reports === 0 || passed === 0 || failed > 0 || brokenFiles > 0 || missing.length > 0 ? 1 : 0);
