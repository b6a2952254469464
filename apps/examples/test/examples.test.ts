import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@nnet/backend-cpu';
import { describe, expect, it } from 'vitest';
import { binaryEncode, fizzBuzzEncode } from '../src/fizzbuzz.js';
import { runXor } from '../src/xor.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('examples', () => {
  it('xor trains to loss below 1e-3 and predicts the truth table', () => {
    const r = runXor({ quiet: true });
    expect(r.finalLoss).toBeLessThan(1e-3);
    for (const row of r.rows) {
      expect(row.prediction.indexOf(Math.max(...row.prediction))).toBe(row.target.indexOf(1));
    }
  }, 60_000);

  it('fizzbuzz encodes inputs and classes like the seed', () => {
    expect(binaryEncode(5)).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(fizzBuzzEncode(15)).toEqual([0, 0, 0, 1]);
    expect(fizzBuzzEncode(10)).toEqual([0, 0, 1, 0]);
    expect(fizzBuzzEncode(9)).toEqual([0, 1, 0, 0]);
    expect(fizzBuzzEncode(7)).toEqual([1, 0, 0, 0]);
  });

  it('the CLI prints a usage message and exits 2 on bad flags or an unknown example', () => {
    for (const args of [
      ['xor', '--bogus'],
      ['nope'],
      [],
      ['xor', '--seed', 'x'],
      ['xor', '--backend', 'gpu'],
      ['xor', '--resume'],
    ]) {
      const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('usage: pnpm example');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 60_000);

  it('the CLI runs xor on the chosen backend (wasm starts worker threads and still exits)', () => {
    for (const backend of ['cpu', 'wasm']) {
      const r = spawnSync(process.execPath, [cli, 'xor', '--backend', backend, '--epochs', '50', '--quiet'], {
        encoding: 'utf8',
      });
      expect(r.status, `${backend}: ${r.stderr}`).toBe(0);
    }
  }, 60_000);

  it('digits writes a checkpoint and curves, and --resume continues the same curve', () => {
    const root = mkdtempSync(join(tmpdir(), 'nnet-examples-'));
    const run = (out: string, ...args: string[]) => {
      const r = spawnSync(process.execPath, [cli, 'digits', '--out', join(root, out), '--quiet', ...args], {
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(readFileSync(join(root, out, 'history.json'), 'utf8')) as { epoch: number }[];
    };
    const straight = run('straight', '--epochs', '4');
    expect(run('resumed', '--epochs', '2')).toEqual(straight.slice(0, 2));
    const resumed = run('resumed', '--epochs', '4', '--resume');
    expect(resumed.map((l) => l.epoch)).toEqual([0, 1, 2, 3]);
    expect(resumed).toEqual(straight);
    const svg = readFileSync(join(root, 'resumed', 'curves.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const word of ['loss', 'accuracy', 'train', 'test']) expect(svg).toContain(`>${word}<`);
  }, 60_000);

  it('--resume without a checkpoint names the missing file', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'nnet-examples-')), 'none');
    const r = spawnSync(process.execPath, [cli, 'digits', '--resume', '--out', out, '--quiet'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`no checkpoint at ${join(out, 'checkpoint.safetensors')}`);
  }, 60_000);
});
