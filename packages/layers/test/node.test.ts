/**
 * @nnet/layers/node: one-call safetensors files and atomic writes. What PyTorch loads from these
 * bytes is checked in safetensors_interop.test.ts (saveSafetensors writes encodeSafetensors' bytes
 * with counts as I64 and format 'pt', which this file checks).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeSafetensorsAsync, manualSeed, randn, ValueError } from '@nnet/tensor';
import { readItem, values } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Linear, ReLU, Sequential, StateDictError } from '../src/index.js';
import { loadSafetensors, saveSafetensors, writeFileAtomic, writeFileAtomicSync } from '../src/node/index.js';

const dir = () => mkdtempSync(join(tmpdir(), 'nnet-layers-'));
const net = () => new Sequential(new Linear(3, 4), new BatchNorm1d(4), new ReLU(), new Linear(4, 2));
const stateValues = (m: Sequential) => Promise.all(Object.values(m.stateDict()).map(values));
/** A pid no process has: a child that has already exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('saveSafetensors / loadSafetensors', () => {
  it('round-trips a model (F32 exact) with counts as I64 and format pt; F16 rounds', async () => {
    manualSeed(1);
    const a = net();
    a.forward(randn([5, 3]));
    const path = join(dir(), 'model.safetensors');
    await saveSafetensors(a, path, { metadata: { epoch: '3' } });
    const bytes = new Uint8Array(readFileSync(path));
    expect(bytes).toEqual(
      await encodeSafetensorsAsync(a.stateDict(), {
        intDtype: 'I64',
        metadata: { format: 'pt', epoch: '3' },
      }),
    );
    const b = net();
    expect(await loadSafetensors(b, path)).toEqual({
      missingKeys: [],
      unexpectedKeys: [],
      metadata: { format: 'pt', epoch: '3' },
    });
    expect(await stateValues(b)).toEqual(await stateValues(a));

    await saveSafetensors(a, path, { dtype: 'F16' });
    const c = net();
    await loadSafetensors(c, path);
    const [w, wHalf] = await Promise.all([a, c].map((m) => values(m.stateDict()['0.weight'])));
    w.forEach((v, i) => expect(Math.abs(wHalf[i] - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11));
    expect(await readItem(c.stateDict()['1.num_batches_tracked'])).toBe(1);
  });

  it('loads strictly by default, all or nothing; non-strict returns the keys that did not match', async () => {
    const path = join(dir(), 'small.safetensors');
    await saveSafetensors(new Sequential(new Linear(3, 4)), path);
    const m = net();
    const before = await stateValues(m);
    await expect(loadSafetensors(m, path)).rejects.toThrow(StateDictError);
    await expect(loadSafetensors(m, path)).rejects.toThrow(/missing keys: '1.weight'/);
    expect(await stateValues(m)).toEqual(before);
    const r = await loadSafetensors(m, path, { strict: false });
    // num_batches_tracked may be absent, as in PyTorch: it is not reported missing.
    expect(r.missingKeys).toEqual(
      Object.keys(m.stateDict())
        .slice(2)
        .filter((k) => k !== '1.num_batches_tracked'),
    );
    expect(r.unexpectedKeys).toEqual([]);
  });

  it('rejects what is not a model or a path, and a corrupt file, with a ValueError', async () => {
    const path = join(dir(), 'bad.safetensors');
    writeFileSync(path, 'not a safetensors file');
    await expect(loadSafetensors(net(), path)).rejects.toThrow(
      /decodeSafetensors: the header length \d+ exceeds the format's limit/,
    );
    await expect(loadSafetensors({} as never, path)).rejects.toThrow(/the first argument must be a Module/);
    await expect(saveSafetensors(net(), '' as never)).rejects.toThrow(ValueError);
    await expect(saveSafetensors(net(), path, { dtype: 'F8' as never })).rejects.toThrow(
      /floatDtype must be 'F32', 'F16' or 'BF16'/,
    );
    expect(readFileSync(path, 'utf8')).toBe('not a safetensors file');
  });
});

describe('writeFileAtomic', () => {
  for (const [name, write] of [
    ['async', writeFileAtomic],
    ['sync', async (p: string, b: Uint8Array) => writeFileAtomicSync(p, b)],
  ] as const) {
    it(`${name}: leaves only the target, removes its temporary file when the rename fails`, async () => {
      const d = dir();
      const path = join(d, 'm.safetensors');
      await write(path, new Uint8Array([1, 2, 3]));
      expect(readdirSync(d)).toEqual(['m.safetensors']);
      expect([...readFileSync(path)]).toEqual([1, 2, 3]);
      const blocked = join(d, 'blocked');
      mkdirSync(join(blocked, 'inside'), { recursive: true }); // rename onto a non-empty folder fails
      await expect(write(blocked, new Uint8Array([4]))).rejects.toThrow();
      expect(readdirSync(d).sort()).toEqual(['blocked', 'm.safetensors']);
      expect(readdirSync(blocked)).toEqual(['inside']);
    });

    it(`${name}: removes stale temporaries of the same path (their process is gone), keeps others`, async () => {
      const d = dir();
      const path = join(d, 'm.safetensors');
      const stale = [
        `m.safetensors.${deadPid()}.0123456789ab.tmp`,
        `m.safetensors.${process.pid}.ba9876543210.tmp`,
      ];
      const kept = [
        `m.safetensors.${process.ppid}.0123456789ab.tmp`, // a live process may be saving now
        `other.safetensors.${deadPid()}.0123456789ab.tmp`, // another target
        'm.safetensors.notes.tmp', // not one of ours
      ];
      for (const f of [...stale, ...kept]) writeFileSync(join(d, f), 'x');
      await write(path, new Uint8Array([9]));
      expect(readdirSync(d).sort()).toEqual(['m.safetensors', ...kept].sort());
      for (const f of stale) expect(existsSync(join(d, f))).toBe(false);
    });
  }

  it('checks its arguments', async () => {
    await expect(writeFileAtomic(join(dir(), 'x'), 'text' as never)).rejects.toThrow(
      /bytes must be a Uint8Array/,
    );
    expect(() => writeFileAtomicSync(42 as never, new Uint8Array())).toThrow(
      /path must be a non-empty string/,
    );
  });
});
