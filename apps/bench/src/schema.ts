/**
 * The JSON every bench writes (`nnet-bench/1`), and the checks and ratio arithmetic the generator
 * and the benches share. Pure (no Node imports): the browser page builds its report with it too.
 *
 * A figure keeps every repeat (one sample per round; rounds alternate the contenders), so a reader
 * sees the noise; a ratio pairs the samples of two figures round by round (ratios only within one
 * run and one round), then summarises the per-round ratios.
 *
 * The A/B command (`ab.ts`, bench `ab-<date>`, written to `results/ab-<date>.json` and left out of
 * BENCHMARKS.md) compares two builds of nnet in this schema: each workload has two figures whose
 * `lib` is `<library>@A` and `<library>@B` (`abLib`), one ratio per workload labelled
 * `<workload> <size> <library> <threads>T: B/A` with B's figure as numerator, the checkouts' paths
 * and commits in `environment.checkoutA/B` and `commitA/B`, and a note listing the workloads where
 * B is slower beyond the spread (`slowerBeyondSpread`).
 */
import { summarize } from './harness.js';

export const SCHEMA = 'nnet-bench/1';

/** One measured figure: a workload at a size on one library and thread count, every round's value. */
export interface Figure {
  /** Stable key, unique in its report: `${workload}/${size}/${lib}/${threads}T`. */
  id: string;
  workload: string;
  size: number;
  lib: string;
  threads: number;
  unit: string;
  /** Whether a larger value is better (throughput) or a smaller one (latency). */
  better: 'higher' | 'lower';
  /** One value per round, in round order; empty when the figure could not be measured. */
  samples: number[];
  median: number | null;
  min: number | null;
  max: number | null;
  /** Why there are no samples (a missing kernel, a crash), verbatim. */
  error?: string;
  /** Side facts of the figure (peak RSS of its processes, the build that ran), scalars only. */
  extra?: Record<string, string | number | boolean>;
}

/** numerator / denominator, paired round by round. */
export interface Ratio {
  label: string;
  numerator: string;
  denominator: string;
  /** The target the issue sets (the ratio must reach it), if any. */
  target?: number;
  /** One ratio per round in which both figures have a sample. */
  samples: number[];
  median: number | null;
  min: number | null;
  max: number | null;
}

export interface BenchReport {
  schema: typeof SCHEMA;
  /** Which bench wrote it: the generator's section key (`node`, `anchor`, `browser`, `kernels`, ...). */
  bench: string;
  title: string;
  /** ISO date of the run. */
  date: string;
  /** The command that reproduces it. */
  command: string;
  rounds: number;
  environment: Record<string, string | number | boolean>;
  figures: Figure[];
  ratios: Ratio[];
  /** Plain sentences the table needs (skips and their reasons, what a figure means). */
  notes: string[];
}

/** The stable id of a figure. */
export function figureId(workload: string, size: number, lib: string, threads: number): string {
  return `${workload}/${size}/${lib}/${threads}T`;
}

/** What names a figure and says how to read it: everything but its samples and their summary. */
export type FigureKey = Pick<Figure, 'workload' | 'size' | 'lib' | 'threads' | 'unit' | 'better'>;

/** A figure from its samples (summary filled in; `error` when nothing was measured). */
export function makeFigure(
  key: FigureKey,
  samples: readonly number[],
  error?: string,
  extra?: Record<string, string | number | boolean>,
): Figure {
  const s = samples.length ? summarize(samples) : null;
  return {
    id: figureId(key.workload, key.size, key.lib, key.threads),
    ...key,
    samples: [...samples],
    median: s?.median ?? null,
    min: s?.min ?? null,
    max: s?.max ?? null,
    ...(error && !samples.length ? { error } : {}),
    ...(extra && Object.keys(extra).length ? { extra } : {}),
  };
}

/** Whether the figure `id` is in `figures` and has at least one sample (a ratio can use it). */
export function hasSamples(figures: readonly Figure[], id: string): boolean {
  return figures.some((f) => f.id === id && f.samples.length > 0);
}

/**
 * The values a bench collects round by round, by figure id: one sample per round, or why a round
 * gave none (the last reason is kept).
 */
export class SampleSet {
  private readonly values = new Map<string, number[]>();
  private readonly errors = new Map<string, string>();

  /** Records `value` for `id` when it is a finite number; otherwise records `error` (when given). */
  add(id: string, value: number | null | undefined, error?: string): void {
    if (value !== null && value !== undefined && Number.isFinite(value))
      this.values.set(id, [...this.samples(id), value]);
    else if (error !== undefined) this.errors.set(id, error);
  }

  /** The samples of `id` so far, in round order. */
  samples(id: string): number[] {
    return this.values.get(id) ?? [];
  }

  /** Why `id` has no sample (the last reason recorded), if any. */
  error(id: string): string | undefined {
    return this.errors.get(id);
  }

  /** The figure of `key` from its samples; `fallbackError` when no reason was recorded. */
  figure(key: FigureKey, extra?: Figure['extra'], fallbackError?: string): Figure {
    const id = figureId(key.workload, key.size, key.lib, key.threads);
    return makeFigure(key, this.samples(id), this.error(id) ?? fallbackError, extra);
  }
}

/** A report of the current schema, dated now. */
export function buildReport(fields: Omit<BenchReport, 'schema' | 'date'>): BenchReport {
  const { bench, title, command, ...rest } = fields;
  return { schema: SCHEMA, bench, title, date: new Date().toISOString(), command, ...rest };
}

/**
 * The ratio of two figures of one report, round by round. Figures whose samples are not aligned by
 * round (different counts) are paired by index up to the shorter list.
 */
export function makeRatio(
  figures: readonly Figure[],
  label: string,
  numerator: string,
  denominator: string,
  target?: number,
): Ratio {
  const a = figures.find((f) => f.id === numerator);
  const b = figures.find((f) => f.id === denominator);
  if (!a || !b) throw new Error(`ratio '${label}': no figure '${a ? denominator : numerator}'`);
  const samples: number[] = [];
  for (let i = 0; i < Math.min(a.samples.length, b.samples.length); i++) {
    if (b.samples[i] !== 0) samples.push(a.samples[i] / b.samples[i]);
  }
  const s = samples.length ? summarize(samples) : null;
  return {
    label,
    numerator,
    denominator,
    ...(target === undefined ? {} : { target }),
    samples,
    median: s?.median ?? null,
    min: s?.min ?? null,
    max: s?.max ?? null,
  };
}

/**
 * `makeRatio`'s ratio as a list, for `flatMap`: empty when either figure has no sample (a figure
 * that could not be measured has no ratio).
 *
 * @example
 * const ratios = sizes.flatMap((n) => measuredRatio(figures, `matmul ${n}: 2T / 1T`, id(n, 2), id(n, 1)));
 */
export function measuredRatio(
  figures: readonly Figure[],
  label: string,
  numerator: string,
  denominator: string,
  target?: number,
): Ratio[] {
  return hasSamples(figures, numerator) && hasSamples(figures, denominator)
    ? [makeRatio(figures, label, numerator, denominator, target)]
    : [];
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumOrNull = (v: unknown): boolean => v === null || isNum(v);

/**
 * Checks that `value` is a `BenchReport` (shape, types, ids unique, each summary equal to its
 * samples'); returns the problems, empty when it is one.
 */
export function validateReport(value: unknown): string[] {
  const errs: string[] = [];
  if (typeof value !== 'object' || value === null) return ['the report is not an object'];
  const r = value as Record<string, unknown>;
  if (r.schema !== SCHEMA) errs.push(`schema must be '${SCHEMA}', got ${JSON.stringify(r.schema)}`);
  for (const k of ['bench', 'title', 'date', 'command'])
    if (typeof r[k] !== 'string' || !(r[k] as string).length) errs.push(`${k} must be a non-empty string`);
  if (!Number.isInteger(r.rounds) || (r.rounds as number) < 1) errs.push('rounds must be a positive integer');
  if (typeof r.environment !== 'object' || r.environment === null) errs.push('environment must be an object');
  else
    for (const [k, v] of Object.entries(r.environment))
      if (!['string', 'number', 'boolean'].includes(typeof v)) errs.push(`environment.${k} must be a scalar`);
  if (!Array.isArray(r.notes) || !r.notes.every((n) => typeof n === 'string'))
    errs.push('notes must be strings');
  const checkSummary = (where: string, o: Record<string, unknown>) => {
    if (!Array.isArray(o.samples) || !o.samples.every(isNum)) {
      errs.push(`${where}: samples must be finite numbers`);
      return;
    }
    if (!isNumOrNull(o.median) || !isNumOrNull(o.min) || !isNumOrNull(o.max)) {
      errs.push(`${where}: median, min, max must be numbers or null`);
      return;
    }
    const samples = o.samples as number[];
    if (!samples.length) {
      if (o.median !== null || o.min !== null || o.max !== null)
        errs.push(`${where}: no samples, so median, min and max must be null`);
      return;
    }
    const s = summarize(samples);
    const close = (x: unknown, y: number) => Math.abs((x as number) - y) <= 1e-9 * Math.max(1, Math.abs(y));
    if (!close(o.median, s.median) || !close(o.min, s.min) || !close(o.max, s.max))
      errs.push(`${where}: median/min/max do not match its samples`);
  };
  const ids = new Set<string>();
  if (!Array.isArray(r.figures)) errs.push('figures must be an array');
  else
    for (const [i, f] of (r.figures as Record<string, unknown>[]).entries()) {
      const where = `figures[${i}]${typeof f?.id === 'string' ? ` (${f.id})` : ''}`;
      if (typeof f !== 'object' || f === null) {
        errs.push(`${where} is not an object`);
        continue;
      }
      for (const k of ['id', 'workload', 'lib', 'unit'])
        if (typeof f[k] !== 'string') errs.push(`${where}: ${k} must be a string`);
      for (const k of ['size', 'threads']) if (!isNum(f[k])) errs.push(`${where}: ${k} must be a number`);
      if (f.better !== 'higher' && f.better !== 'lower')
        errs.push(`${where}: better must be 'higher' or 'lower'`);
      if (typeof f.id === 'string') {
        if (ids.has(f.id)) errs.push(`${where}: duplicate id`);
        ids.add(f.id);
        if (f.id !== figureId(String(f.workload), Number(f.size), String(f.lib), Number(f.threads)))
          errs.push(`${where}: id must be workload/size/lib/threadsT`);
      }
      if (f.error !== undefined && typeof f.error !== 'string') errs.push(`${where}: error must be a string`);
      if (
        f.extra !== undefined &&
        (typeof f.extra !== 'object' ||
          f.extra === null ||
          !Object.values(f.extra).every((v) => ['string', 'number', 'boolean'].includes(typeof v)))
      )
        errs.push(`${where}: extra must be an object of scalars`);
      checkSummary(where, f);
    }
  if (!Array.isArray(r.ratios)) errs.push('ratios must be an array');
  else
    for (const [i, q] of (r.ratios as Record<string, unknown>[]).entries()) {
      const where = `ratios[${i}]`;
      if (typeof q !== 'object' || q === null) {
        errs.push(`${where} is not an object`);
        continue;
      }
      if (typeof q.label !== 'string') errs.push(`${where}: label must be a string`);
      for (const k of ['numerator', 'denominator'])
        if (typeof q[k] !== 'string' || !ids.has(q[k] as string))
          errs.push(`${where}: ${k} must name a figure`);
      if (q.target !== undefined && !isNum(q.target)) errs.push(`${where}: target must be a number`);
      checkSummary(where, q);
    }
  return errs;
}

/** The two builds an A/B report compares. */
export const AB_SIDES = ['A', 'B'] as const;
export type AbSide = (typeof AB_SIDES)[number];

/**
 * The `lib` of an A/B figure: the library and the build, `nnet-wasm@B`.
 *
 * @example
 * abLib('nnet-cpu', 'A'); // 'nnet-cpu@A'
 */
export function abLib(lib: string, side: AbSide): string {
  return `${lib}@${side}`;
}

/**
 * Whether a B/A ratio says B is slower beyond the noise: at least two paired rounds, and every
 * round's ratio on the slow side of 1 (below 1 for a throughput, `better: 'higher'`; above 1 for a
 * latency). One round has no spread to judge by: false.
 *
 * @example
 * slowerBeyondSpread({ samples: [0.9, 0.85, 0.97], min: 0.85, max: 0.97 }, 'higher'); // true
 * slowerBeyondSpread({ samples: [0.9, 0.85, 1.02], min: 0.85, max: 1.02 }, 'higher'); // false
 */
export function slowerBeyondSpread(
  ratio: Pick<Ratio, 'samples' | 'min' | 'max'>,
  better: Figure['better'],
): boolean {
  if (ratio.samples.length < 2 || ratio.min === null || ratio.max === null) return false;
  return better === 'higher' ? ratio.max < 1 : ratio.min > 1;
}
