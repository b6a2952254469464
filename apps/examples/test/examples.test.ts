import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@nnet/backend-cpu';
import { describe, expect, it } from 'vitest';
import { binaryEncode, fizzBuzzEncode } from '../src/fizzbuzz.js';
import { fixed, logLossEvery, percent } from '../src/format.js';
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

  it('fizzbuzz encodes n as 10 bits, lowest first, and its class one-hot as [n, fizz, buzz, fizzbuzz]', () => {
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

  it('prints numbers without a negative zero, accuracies as percentages, loss lines labelled', () => {
    expect(fixed(-0.00004, 4)).toBe('0.0000');
    expect(fixed(-0.00006, 4)).toBe('-0.0001');
    expect(fixed(0.5, 4)).toBe('0.5000');
    expect(percent(1)).toBe('100.00 %');
    expect(percent(0.99934)).toBe('99.93 %');
    const lines: string[] = [];
    const onEpoch = logLossEvery(500, 1200, (l) => lines.push(l));
    for (let epoch = 0; epoch < 1200; epoch++) onEpoch(epoch, 1 / (epoch + 1));
    expect(lines).toEqual([
      'epoch    1/1200  loss 1.000',
      'epoch  501/1200  loss 0.001996',
      'epoch 1001/1200  loss 0.0009990',
      'epoch 1200/1200  loss 0.0008333',
    ]);
  });

  it('pnpm example says that its first run builds the packages, and nothing once they are built', () => {
    const note = fileURLToPath(new URL('../scripts/build-note.mjs', import.meta.url));
    const built = spawnSync(process.execPath, [note], { encoding: 'utf8' });
    expect(built.stdout).toBe('');
    // The same script in a checkout that was never built (its paths are relative to itself).
    const fresh = mkdtempSync(join(tmpdir(), 'nnet-fresh-'));
    mkdirSync(join(fresh, 'apps/examples/scripts'), { recursive: true });
    copyFileSync(note, join(fresh, 'apps/examples/scripts/build-note.mjs'));
    const first = spawnSync(process.execPath, [join(fresh, 'apps/examples/scripts/build-note.mjs')], {
      encoding: 'utf8',
    });
    expect(first.stdout).toMatch(/^First run: building the nnet packages .*about a minute/);
  });

  it('--backend names every backend the CLI can load when the name is unknown', () => {
    const r = spawnSync(process.execPath, [cli, 'xor', '--backend', 'gpu'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown backend 'gpu' (available: cpu, wasm)");
  }, 60_000);

  it('xor prints labelled loss lines and predictions without -0.0000', () => {
    const r = spawnSync(process.execPath, [cli, 'xor', '--epochs', '600'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lossLines = r.stdout.split('\n').filter((l) => l.includes('loss'));
    expect(lossLines.slice(0, 3).map((l) => l.replace(/ {2}loss .*$/, ''))).toEqual([
      'epoch   1/600',
      'epoch 501/600',
      'epoch 600/600',
    ]);
    for (const l of lossLines.slice(0, 3)) expect(l).toMatch(/^epoch +\d+\/600 {2}loss \d\.\d+(e-\d+)?$/);
    expect(r.stdout).not.toMatch(/^\d+ \S+$/m); // bare "epoch loss" pairs (the examples print labelled lines)
    expect(r.stdout.match(/prediction \[/g)).toHaveLength(4);
    expect(r.stdout).not.toContain('-0.0000');
  }, 60_000);

  it('digits resolves --out from where the user ran pnpm (INIT_CWD), prints it so, and shows percentages', () => {
    const userDir = mkdtempSync(join(tmpdir(), 'nnet-examples-'));
    const r = spawnSync(process.execPath, [cli, 'digits', '--epochs', '1', '--out', 'runs/one'], {
      encoding: 'utf8',
      env: { ...process.env, INIT_CWD: userDir },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('wrote checkpoint.safetensors, curves.svg and history.json to runs/one\n');
    expect(existsSync(join(userDir, 'runs/one/checkpoint.safetensors'))).toBe(true);
    expect(r.stdout).toMatch(
      /^epoch 1\/1 {2}loss \d\.\d{4} {2}accuracy \d+\.\d\d % {2}val_loss \d\.\d{4} {2}val_accuracy \d+\.\d\d % /m,
    );
    expect(r.stdout).toMatch(/^test accuracy: \d+\.\d\d % on 360 held-out digits$/m);
    // One epoch: points and a subtitle saying so, and integer epoch ticks rather than "1.000000".
    const svg = readFileSync(join(userDir, 'runs/one/curves.svg'), 'utf8');
    expect(svg).toContain('one epoch: a point per series');
    expect(svg).not.toContain('1.000000');
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
