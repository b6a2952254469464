import { describe, expect, it } from 'vitest';
import {
  checkStorage,
  describeTensors,
  formatMatrix,
  KERNEL_IDS,
  type KernelCase,
  kernelCases,
  mergeStatus,
  missingContract,
  missingMessage,
  requiredOnly,
  runKernelCase,
  SENTINEL,
} from '../src/index.js';
import { skipSet } from '../src/options.js';
import { type Flaw, toyBackend } from './toy_backend.js';

const addCases = (): KernelCase[] => kernelCases().filter((c) => c.kernel === 'binary.add');
const one = (name: string): KernelCase => {
  const c = kernelCases().find((k) => k.name === name);
  if (!c) throw new Error(`no case '${name}'`);
  return c;
};

describe('runKernelCase', () => {
  it('passes a correct backend on every binary.add case and frees everything', async () => {
    const b = toyBackend();
    for (const c of addCases().filter((k) => k.inputs.every((t) => t?.dtype === 'float32'))) {
      expect(await runKernelCase(b, c), c.name).toBeNull();
    }
    expect(b.live.size).toBe(0);
  });

  const flaws: [Flaw, RegExp][] = [
    ['wrong-values', /output: element \d+: expected/],
    ['half-output', new RegExp(`got ${SENTINEL.float32}`)],
    ['leaks', /the kernel call itself: \+1 storages \(\+16 bytes\) leaked/],
    ['writes-input', /input 0 was modified .*expected .*, got 12345/],
    ['throws', /binary\.add threw: kernel exploded/],
  ];
  for (const [flaw, message] of flaws) {
    it(`fails a backend whose kernel ${flaw.replace('-', ' ')}`, async () => {
      const b = toyBackend(flaw);
      const msg = await runKernelCase(b, one('binary.add ranks 2,2'));
      expect(msg).toMatch(message);
      // The case frees what it allocated; only a storage the kernel itself leaked stays.
      expect(b.live.size).toBe(flaw === 'leaks' ? 1 : 0);
    });
  }

  it('shows the case inputs (dtype, shape, first values) and params in a failure', async () => {
    const msg = await runKernelCase(toyBackend('wrong-values'), one('binary.add ranks 2,2'));
    const c = one('binary.add ranks 2,2');
    expect(msg).toContain(`\n  inputs: ${describeTensors(c.inputs)}`);
    expect(msg).toMatch(/inputs: x0 float32\[\d+(,\d+)*\] \[-?\d/);
    expect(describeTensors([{ dtype: 'int32', shape: [8], data: [1, 2, 3, 4, 5, 6, 7, 8] }, null], 3)).toBe(
      'x0 int32[8] [1, 2, 3, ... (8 values)]; x1 (none)',
    );
  });

  it('reports a missing optional kernel as an error, not a crash', async () => {
    const msg = await runKernelCase(toyBackend(), kernelCases().find((c) => c.kernel === 'conv2d')!);
    expect(msg).toMatch(/conv2d threw: backend 'toy\(none\)' has no conv2d kernel/);
  });

  it('runs a case with a 0-d and an empty input', async () => {
    const b = toyBackend();
    expect(await runKernelCase(b, one('binary.add ranks 0,0'))).toBeNull();
    expect(await runKernelCase(b, one('binary.add empty'))).toBeNull();
  });
});

describe('checkStorage', () => {
  it('accepts correct storage', async () => {
    expect(await checkStorage(toyBackend())).toEqual([]);
  });

  it('rejects a read that returns a view of the storage', async () => {
    const errors = await checkStorage(toyBackend('view-read'));
    expect(errors.join('\n')).toMatch(/read returned a view of the storage/);
  });

  it('rejects readSync checks on a backend without readSync', async () => {
    expect((await checkStorage(toyBackend(), true)).join('\n')).toMatch(/no readSync/);
  });
});

describe('the up-front contract check', () => {
  it('lists every missing storage method and required kernel in one message', () => {
    expect(missingContract(toyBackend())).toEqual([]);
    const partial: Record<string, unknown> = { ...toyBackend() };
    delete partial.matmul;
    delete partial.scatterAdd;
    delete partial.read;
    const missing = missingContract(partial);
    expect(missing).toEqual(['read', 'matmul', 'scatterAdd']);
    expect(missingMessage('half', missing)).toMatch(
      /backend 'half' lacks 3 method\(s\) of the contract: read, matmul, scatterAdd\./,
    );
  });
});

describe('the support matrix', () => {
  it('lists every kernel id of the contract with its status and totals', () => {
    const text = formatMatrix(
      'demo',
      new Map([
        ['matmul', 'pass'],
        ['conv2d', 'not-implemented'],
        ['unary.erf', 'fail'],
        ['unary.exp', 'skipped'],
      ] as const),
    );
    expect(text).toContain("kernel support matrix for backend 'demo'");
    for (const id of KERNEL_IDS) expect(text).toMatch(new RegExp(`\\n  ${id.replace('.', '\\.')} `));
    expect(text).toMatch(/conv2d\s+optional\s+not implemented \(optional/);
    expect(text).toMatch(/unary\.erf\s+required\s+FAIL/);
    expect(text).toMatch(/unary\.exp\s+required\s+skipped/);
    expect(text).toMatch(/unary\.sin\s+required\s+not run/);
    expect(text).toContain(
      `1 pass, 1 fail, 1 skipped, 1 not implemented (optional), ${KERNEL_IDS.length + 2 - 4} not run`,
    );
  });

  it('keeps a failure whatever the later cases of the kernel do', () => {
    expect(mergeStatus(undefined, 'pass')).toBe('pass');
    expect(mergeStatus('pass', 'fail')).toBe('fail');
    expect(mergeStatus('fail', 'pass')).toBe('fail');
    expect(mergeStatus('pass', 'skipped')).toBe('skipped');
    expect(mergeStatus('not-implemented', 'pass')).toBe('not-implemented');
  });
});

describe('options', () => {
  it('accept kernel ids and op cases as skips, and reject unknown ids', () => {
    expect(skipSet(['unary.erf', 'conv2d', 'storage.readSync', 'op:conv2d']).size).toBe(4);
    expect(() => skipSet(['unary.erff'])).toThrow(/unknown skip id\(s\) 'unary\.erff'/);
  });
});

describe('requiredOnly', () => {
  it('hides the optional kernels and keeps storage and required kernels', () => {
    const b = { ...toyBackend(), conv2d: () => {}, readSync: () => new Float32Array(0) };
    const view = requiredOnly(b) as unknown as Record<string, unknown>;
    expect(typeof view.conv2d).toBe('undefined');
    for (const m of ['alloc', 'free', 'write', 'read', 'readSync', 'memory', 'binary', 'matmul']) {
      expect(typeof view[m], m).toBe('function');
    }
  });
});
