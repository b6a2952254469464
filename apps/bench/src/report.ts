/** Node side of the bench JSON: the machine's description and writing a checked report. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { type BenchReport, validateReport } from './schema.js';

/** What a reader needs to judge a figure: the machine, the runtime and how busy the host was. */
export function nodeEnvironment(): Record<string, string | number | boolean> {
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverageStart: loadAverages(),
  };
}

/** The 1, 5 and 15 minute load averages, `'1m/5m/15m'` (how busy the host was). */
export function loadAverages(): string {
  return loadavg()
    .map((v) => v.toFixed(2))
    .join('/');
}

/** Node's CPU-time clock for `TimeOptions.cpuClock`: this process's user + system ms. */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Where a report goes unless `--json` says otherwise: `results/<bench>.json` (what BENCHMARKS.md is
 * generated from), or `results/quick/` for a `--quick` smoke run (ignored by git and the generator).
 */
export function defaultReportPath(bench: string, quick: boolean): string {
  return quick ? `results/quick/${bench}.json` : `results/${bench}.json`;
}

/**
 * Validates `report` (throws on a malformed one: a bench bug) and writes it as JSON, with the load
 * averages at the end of the run (`loadAverageEnd`) beside those at its start.
 */
export function writeReport(path: string, report: BenchReport): void {
  report.environment.loadAverageEnd = loadAverages();
  const errs = validateReport(report);
  if (errs.length) throw new Error(`bench report '${report.bench}' is malformed:\n  ${errs.join('\n  ')}`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}

/**
 * The end of every bench: prints the report (with `print`, default `printReport`; a bench with its
 * own tables passes them), writes it to `path` (default: `defaultReportPath`) and says where.
 */
export function publishReport(
  report: BenchReport,
  quick: boolean,
  path?: string,
  print: (report: BenchReport) => void = printReport,
): void {
  print(report);
  const out = path ?? defaultReportPath(report.bench, quick);
  writeReport(out, report);
  console.log(`\nwrote ${out}`);
}

/** The figures and ratios on stdout: median [min–max] over rounds. */
export function printReport(report: BenchReport): void {
  const f = (v: number | null, d = 0) => (v === null ? 'n/a' : v.toFixed(d));
  console.log(`\n${report.title} (${report.rounds} rounds, median [min–max])`);
  for (const g of report.figures)
    console.log(
      `  ${g.id.padEnd(34)} ${f(g.median, 2).padStart(12)} ${g.unit} [${f(g.min, 2)}–${f(g.max, 2)}]${g.error ? `  (${g.error})` : ''}`,
    );
  for (const r of report.ratios)
    console.log(
      `  ${r.label.padEnd(46)} ${r.median === null ? 'n/a (no paired rounds)' : `${f(r.median, 2)}×`} [${f(r.min, 2)}–${f(r.max, 2)}]${r.target === undefined || r.median === null ? '' : ` target ${r.target}× ${r.median >= r.target ? 'met' : 'not met'}`}`,
    );
  for (const n of report.notes) console.log(`  note: ${n}`);
}
