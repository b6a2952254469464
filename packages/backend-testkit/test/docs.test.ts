// The backend guide's counts and kernel lists come from the contract: this test fails when
// docs/backends.md and REQUIRED_KERNELS / OPTIONAL_KERNELS / the op lists in backend.ts disagree.
import { readFileSync } from 'node:fs';
import {
  BINARY_OPS,
  COMPARE_OPS,
  OPTIONAL_KERNELS,
  REDUCE_OPS,
  REQUIRED_KERNELS,
  UNARY_OPS,
} from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { REQUIRED_KERNEL_IDS } from '../src/index.js';

const guide = readFileSync(new URL('../../../docs/backends.md', import.meta.url), 'utf8');
const section = (title: RegExp): string => {
  const start = guide.search(title);
  expect(start, `docs/backends.md has a section ${title}`).toBeGreaterThanOrEqual(0);
  const next = guide.indexOf('\n## ', start + 1);
  return guide.slice(start, next < 0 ? undefined : next);
};
/** The words in backticks of the table row for `method(`. */
const rowOps = (text: string, method: string): string[] => {
  const row = text.split('\n').find((l) => l.startsWith(`| \`${method}(`));
  expect(row, `a table row for ${method}`).toBeDefined();
  const cell = (row ?? '').split('|')[2];
  return [...cell.matchAll(/`([^`]+)`/g)].flatMap((m) => m[1].split(' '));
};

describe('docs/backends.md agrees with the contract', () => {
  it('states the required kernel counts of the contract', () => {
    const required = section(/## 3\. Required kernels/);
    const heading = required.split('\n')[0];
    expect(heading).toBe(
      `## 3. Required kernels: ${REQUIRED_KERNELS.length} methods, ${REQUIRED_KERNEL_IDS.length} kernel ids`,
    );
    // Every required method has a row, in contract order.
    const methods = [...required.matchAll(/`(\w+)\(/g)].map((m) => m[1]);
    expect(methods.filter((m) => (REQUIRED_KERNELS as readonly string[]).includes(m))).toEqual([
      ...REQUIRED_KERNELS,
    ]);
  });

  it('lists every op of each elementwise kernel, with its count', () => {
    const required = section(/## 3\. Required kernels/);
    for (const [method, ops, noun] of [
      ['unary', UNARY_OPS, 'elementwise functions'],
      ['binary', BINARY_OPS, 'operations'],
      ['compare', COMPARE_OPS, 'comparisons'],
      ['reduce', REDUCE_OPS, 'reductions'],
    ] as const) {
      expect(rowOps(required, method), method).toEqual([...ops]);
      expect(required, method).toContain(`${ops.length} ${noun}`);
    }
  });

  it('lists the optional kernels of the contract, with their count', () => {
    const optional = section(/## 4\. Optional kernels/);
    expect(optional.split('\n')[0]).toBe(`## 4. Optional kernels: ${OPTIONAL_KERNELS.length}`);
    const listed = [...optional.split('\n\n')[1].matchAll(/`(\w+)`/g)].map((m) => m[1]);
    expect(listed).toEqual([...OPTIONAL_KERNELS]);
  });
});
