/**
 * Renders `nnet-bench/1` reports as BENCHMARKS.md sections, each figure with its median and its
 * spread (min–max over rounds), and splices them into the document between markers, so a rerun
 * replaces its own section and leaves the hand-written ones alone. Pure: the generator CLI
 * (`generate.ts`) reads and writes the files.
 */
import { type BenchReport, validateReport } from './schema.js';

/** The markers around a generated section. */
export function markers(bench: string): { begin: string; end: string } {
  return {
    begin: `<!-- nnet-bench:${bench}:begin (generated from apps/bench/results/${bench}.json by \`pnpm --filter @nnet/bench run generate\`; edit the JSON's bench, not this text) -->`,
    end: `<!-- nnet-bench:${bench}:end -->`,
  };
}

/** A figure for a table: thousands separated above 1,000, three significant digits below. */
export function fmt(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a === 0) return '0';
  return v.toPrecision(3);
}

/** The spread as a share of the median: (max − min) / median, in percent. */
function spreadPct(median: number | null, min: number | null, max: number | null): string {
  if (median === null || min === null || max === null || median === 0) return 'n/a';
  return `${Math.round(((max - min) / Math.abs(median)) * 100)} %`;
}

/** One report as a Markdown section (heading, run line, figures, ratios, notes), markers included. */
export function renderSection(report: BenchReport): string {
  const errs = validateReport(report);
  if (errs.length)
    throw new Error(`renderSection: report '${String(report.bench)}' is malformed: ${errs.join('; ')}`);
  const m = markers(report.bench);
  const env = Object.entries(report.environment)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const lines = [
    m.begin,
    `## ${report.title} (generated, ${report.date.slice(0, 16).replace('T', ' ')} UTC)`,
    '',
    `\`${report.command}\` — ${report.rounds} round${report.rounds === 1 ? '' : 's'}, contenders alternating; each cell is the median over rounds and its spread (min–max, and max − min as a share of the median). Environment: ${env}.`,
    '',
  ];
  if (report.figures.length) {
    lines.push(
      '| workload | size | library | threads | unit | median | min–max | spread | rounds |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const f of report.figures) {
      const cells = f.samples.length
        ? [
            fmt(f.median),
            `${fmt(f.min)}–${fmt(f.max)}`,
            spreadPct(f.median, f.min, f.max),
            String(f.samples.length),
          ]
        : [`n/a (${f.error ?? 'not measured'})`, '–', '–', '0'];
      lines.push(
        `| ${f.workload} | ${f.size} | ${f.lib} | ${f.threads} | ${f.unit}${f.better === 'lower' ? ' (lower is better)' : ''} | ${cells.join(' | ')} |`,
      );
    }
    lines.push('');
  }
  if (report.ratios.length) {
    lines.push(
      '| ratio (paired within each round) | median | min–max | target | met (median) |',
      '|---|---|---|---|---|',
    );
    for (const r of report.ratios) {
      const met = r.target === undefined || r.median === null ? '–' : r.median >= r.target ? 'yes' : 'no';
      const range = r.samples.length ? `${fmt(r.min)}–${fmt(r.max)}` : '–';
      lines.push(
        `| ${r.label} | ${r.median === null ? 'n/a' : `${fmt(r.median)}×`} | ${range} | ${r.target === undefined ? '–' : `${r.target}×`} | ${met} |`,
      );
    }
    lines.push('');
  }
  for (const n of report.notes) lines.push(`- ${n}`);
  if (report.notes.length) lines.push('');
  lines.push(m.end);
  return lines.join('\n');
}

/**
 * `doc` with each section put in place: replacing the text between its markers where they exist,
 * otherwise inserted before the first level-2 heading or generated section (after the document's
 * introduction), new
 * sections in the order given. Hand-written text outside markers is kept verbatim.
 */
export function updateDocument(doc: string, sections: readonly { bench: string; text: string }[]): string {
  let out = doc;
  const fresh: string[] = [];
  for (const s of sections) {
    const m = markers(s.bench);
    const beginPrefix = `<!-- nnet-bench:${s.bench}:begin`;
    const i = out.indexOf(beginPrefix);
    const j = out.indexOf(m.end);
    if (i >= 0 && j > i) out = `${out.slice(0, i)}${s.text}${out.slice(j + m.end.length)}`;
    else if (i >= 0 || j >= 0)
      throw new Error(`updateDocument: section '${s.bench}' has only one of its markers`);
    else fresh.push(s.text);
  }
  if (!fresh.length) return out;
  // Before the first heading or generated section, whichever comes first (never between a
  // section's begin marker and its own heading).
  const found = [out.search(/^## /m), out.search(/^<!-- nnet-bench:/m)].filter((k) => k >= 0);
  const at = found.length ? Math.min(...found) : -1;
  const block = `${fresh.join('\n\n')}\n\n`;
  return at < 0 ? `${out.replace(/\n*$/, '\n\n')}${block}` : `${out.slice(0, at)}${block}${out.slice(at)}`;
}
