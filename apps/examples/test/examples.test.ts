import { spawnSync } from 'node:child_process';
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
    ]) {
      const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('usage: pnpm example');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 60_000);

  it('the CLI runs xor on the chosen backend', () => {
    const r = spawnSync(process.execPath, [cli, 'xor', '--backend', 'cpu', '--epochs', '50', '--quiet'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
  }, 60_000);
});
