/**
 * Every differentiable op the package exports has PyTorch fixtures: the op list is derived from
 * the index's exports (every name it re-exports from the ops modules and functional.ts), so a new
 * op without fixture cases fails here. An op is exempt only with a reason (not differentiable:
 * creation, comparisons, integer results, piecewise-constant functions, in-place updates).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');

/** The ops index.ts re-exports from './ops/*.js' and functional.ts (types excluded, aliases once). */
function opExports(): string[] {
  const index = read('../src/index.ts');
  const functional = read('../src/functional.ts');
  const names: string[] = [];
  const collect = (source: string, from: RegExp) => {
    for (const m of source.matchAll(/export\s*\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
      if (!from.test(m[2])) continue;
      for (const part of m[1].split(',')) {
        const name = part.trim();
        // `variance as var`: the op is variance (one op, two names).
        if (name && !name.startsWith('type ')) names.push(name.split(/\s+as\s+/)[0]);
      }
    }
  };
  collect(index, /^\.\/ops\//);
  collect(functional, /^\.\/ops\//);
  return [...new Set(names)].sort();
}

/** Fixture op keys, from every op fixture file (this package's and the testkit's). */
function fixtureKeys(): Set<string> {
  const files = [
    './fixtures/ops_extra.json',
    './fixtures/ops_fused.json',
    '../../backend-testkit/fixtures/ops.json',
  ];
  return new Set(
    files.flatMap((f) => (JSON.parse(read(f)) as { cases: { op: string }[] }).cases.map((c) => c.op)),
  );
}

/** Fixture keys that name a variant of an export rather than the export itself. */
const VARIANT_OF: Readonly<Record<string, string>> = {
  matmul1d: 'matmul',
  matmul2d: 'matmul',
  matmulBatched: 'matmul',
  geluTanh: 'gelu',
  var: 'variance',
  allAll: 'all',
  anyAll: 'any',
  medianAll: 'median',
  lerpScalar: 'lerp',
  maskedFillTensor: 'maskedFill',
  batchNormTrain: 'batchNorm',
  batchNormEval: 'batchNorm',
  batchNormRunning: 'batchNorm',
  instanceNormRunning: 'instanceNorm',
  scatterValue: 'scatter',
};

/** Exports with no gradient to check, and why. */
const NOT_DIFFERENTIABLE: Readonly<Record<string, string>> = {
  arange: 'creation',
  eye: 'creation',
  full: 'creation',
  fullLike: 'creation',
  linspace: 'creation',
  ones: 'creation',
  onesLike: 'creation',
  rand: 'creation',
  randint: 'creation',
  randn: 'creation',
  scalar: 'creation',
  tensor: 'creation',
  zeros: 'creation',
  zerosLike: 'creation',
  checkDType: 'argument check',
  checkTensor: 'argument check',
  eq: 'comparison (bool result)',
  ne: 'comparison (bool result)',
  lt: 'comparison (bool result)',
  le: 'comparison (bool result)',
  gt: 'comparison (bool result)',
  ge: 'comparison (bool result)',
  isnan: 'predicate (bool result)',
  isfinite: 'predicate (bool result)',
  logicalAnd: 'bool result',
  logicalOr: 'bool result',
  logicalNot: 'bool result',
  argmax: 'int32 result',
  argmin: 'int32 result',
  oneHot: 'int32 result',
  cast: 'dtype conversion (identity gradient within float32)',
  detach: 'cuts the graph by definition',
  ceil: 'piecewise constant (zero gradient)',
  floor: 'piecewise constant (zero gradient)',
  round: 'piecewise constant (zero gradient)',
  sign: 'piecewise constant (zero gradient)',
  sgdStep: 'in-place optimizer update (no autograd)',
  adamStep: 'in-place optimizer update (no autograd)',
};

describe('op coverage (derived from the exports of src/index.ts)', () => {
  const ops = opExports();
  const keys = fixtureKeys();
  const covered = new Set([...keys].map((k) => VARIANT_OF[k] ?? k));

  it('finds the ops and every one is a function of the package', () => {
    expect(ops.length).toBeGreaterThan(150);
    const api = nn as unknown as Record<string, unknown>;
    expect(ops.filter((name) => typeof api[name] !== 'function')).toEqual([]);
  });

  it('covers every differentiable op with PyTorch fixtures', () => {
    expect(ops.filter((op) => !(op in NOT_DIFFERENTIABLE) && !covered.has(op))).toEqual([]);
  });

  it('keeps its exemptions and variant names current', () => {
    expect(Object.keys(NOT_DIFFERENTIABLE).filter((op) => !ops.includes(op))).toEqual([]);
    expect(Object.values(VARIANT_OF).filter((op) => !ops.includes(op))).toEqual([]);
    expect([...keys].filter((k) => !ops.includes(VARIANT_OF[k] ?? k))).toEqual([]);
  });
});
