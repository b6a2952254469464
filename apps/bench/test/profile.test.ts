import { execFileSync } from 'node:child_process';
import type { Backend } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { callKey, timeBackendCalls } from '../src/backend_timer.js';
import type { BenchReport, Figure } from '../src/schema.js';
import { validateReport } from '../src/schema.js';
import { distScript, runScript } from './run_script.js';

const info = (shape: number[]) => ({ handle: 0, dtype: 'float32', shape });

/** A fake backend on a fake clock: each kernel advances the clock by a fixed number of ms. */
class FakeBackend {
  readonly name = 'fake';
  constructor(private readonly clock: { t: number }) {}
  matmul(_a: unknown, _b: unknown, _out: unknown, _o: unknown): void {
    this.clock.t += 5;
  }
  linear(x: unknown, w: unknown, _b: unknown, _act: unknown, out: unknown): void {
    this.clock.t += 2;
    this.matmul(x, w, out, {}); // a nested call: part of linear's time, not a call of its own
  }
  unary(_op: string, _x: unknown, _out: unknown): void {
    this.clock.t += 1;
  }
  scatterAdd(_out: unknown, _axis: number, _index: unknown, _src: unknown): void {
    this.clock.t += 3;
  }
  alloc(): number {
    this.clock.t += 0.5;
    return 1;
  }
}

describe("timeBackendCalls (the profile command's timer)", () => {
  it('times only the outermost call, keyed by method, op and output shape', () => {
    const clock = { t: 0 };
    const fake = new FakeBackend(clock);
    const timer = timeBackendCalls(fake as unknown as Backend, () => clock.t);
    fake.linear(info([4, 3]), info([2, 3]), null, 'none', info([4, 2]));
    fake.matmul(info([4, 3]), info([3, 2]), info([1, 4, 2]), {});
    fake.unary('sign', info([4, 2]), info([4, 2]));
    fake.unary('sign', info([4, 2]), info([4, 2]));
    fake.scatterAdd(info([5, 2]), 0, info([3, 2]), info([3, 2]));
    fake.alloc();
    expect(Object.fromEntries(timer.stats())).toEqual({
      'linear [4,2]': { calls: 1, ms: 7 },
      'matmul [1,4,2]': { calls: 1, ms: 5 },
      'unary:sign [4,2]': { calls: 2, ms: 2 },
      'scatterAdd [5,2]': { calls: 1, ms: 3 },
      alloc: { calls: 1, ms: 0.5 },
    });
    expect(timer.totalMs()).toBe(17.5);
    timer.reset();
    expect(timer.stats().size).toBe(0);
    timer.restore();
  });

  it('puts the methods back where they lived on restore: a class’s prototype, a plain object’s own property', () => {
    const clock = { t: 0 };
    const fake = new FakeBackend(clock);
    const classMatmul = FakeBackend.prototype.matmul;
    const plain = { name: 'plain', unary: (_op: string, _x: unknown, _out: unknown) => undefined };
    const plainUnary = plain.unary;
    const timers = [fake, plain].map((b) => timeBackendCalls(b as unknown as Backend, () => clock.t));
    expect(Object.hasOwn(fake, 'matmul')).toBe(false);
    expect(FakeBackend.prototype.matmul).not.toBe(classMatmul);
    expect(plain.unary).not.toBe(plainUnary);
    for (const t of timers) t.restore();
    expect(FakeBackend.prototype.matmul).toBe(classMatmul);
    expect(plain.unary).toBe(plainUnary);
    fake.matmul(info([1]), info([1]), info([1]), {});
    plain.unary('neg', info([1]), info([1]));
    for (const t of timers) expect(t.stats().size).toBe(0);
  });

  it('keys storage methods by name and the optimizer updates by their parameter', () => {
    expect(callKey('readSync', [1, 'float32', 8])).toBe('readSync');
    expect(callKey('sgdUpdate', [info([128, 784]), info([128, 784]), null, {}])).toBe('sgdUpdate [128,784]');
    expect(callKey('reduce', ['sum', info([64, 10]), [0], info([1, 10])])).toBe('reduce:sum [1,10]');
  });
});

/** The figure of `row` at `threads` in a profile report. */
function row(report: BenchReport, name: string, threads: number): Figure {
  const f = report.figures.find((g) => g.workload === `mlp-train: ${name}` && g.threads === threads);
  if (!f) throw new Error(`no row '${name}' at ${threads}T in ${report.figures.map((g) => g.id).join(', ')}`);
  return f;
}

describe('profile --quick (smoke test; no timing is asserted)', () => {
  it('profiles the MLP step on nnet-wasm at 1 and 2 threads, each in its own child, rounds alternating', () => {
    const args = ['--quick', '--rounds', '2', '--steps', '2', '--batch', '8'];
    const { out, report } = runScript('profile', args);
    expect(validateReport(report)).toEqual([]);
    expect(report.bench).toBe('profile-mlp-b8-nnet-wasm-quick');
    for (const threads of [1, 2]) {
      const step = row(report, 'step (wall)', threads);
      const backend = row(report, 'backend (sum of calls)', threads);
      const front = row(report, 'front end (step − backend)', threads);
      for (const f of [step, backend, front, row(report, 'step without the timer', threads)])
        expect(f.samples.length, `${f.id}: ${f.error}`).toBe(2);
      // The step splits into the backend's calls and the rest, round by round.
      for (let i = 0; i < 2; i++)
        expect(backend.samples[i] + front.samples[i]).toBeCloseTo(step.samples[i], 6);
      const kernels = report.figures.filter(
        (f) => f.threads === threads && f.extra?.callsPerStep !== undefined,
      );
      for (let i = 0; i < 2; i++)
        expect(kernels.reduce((t, f) => t + f.samples[i], 0)).toBeCloseTo(backend.samples[i], 6);
      // The MLP's calls: the fused first layer, its weight gradient, one SGD update per parameter.
      expect(row(report, 'linear [8,128]', threads).extra?.callsPerStep).toBe(1);
      expect(row(report, 'matmul [1,128,784]', threads).extra?.callsPerStep).toBe(1);
      expect(row(report, 'unary:sign [8,128]', threads).extra?.callsPerStep).toBe(1);
      for (const p of ['128,784', '128', '10,128', '10'])
        expect(row(report, `sgdUpdate [${p}]`, threads).extra?.callsPerStep).toBe(1);
    }
    expect(report.ratios.find((r) => r.label === 'linear [8,128]: 2T / 1T (time)')?.samples.length).toBe(2);
    expect(report.ratios.every((r) => r.label.endsWith(': 2T / 1T (time)'))).toBe(true);
    expect(out).toMatch(
      /\| row \| 1T µs\/step \| 1T calls\/step \| 2T µs\/step \| 2T calls\/step \| 2T\/1T \|/,
    );
    expect(out).toMatch(/\| linear \[8,128\] \| [\d,.]+ \[[\d,.]+–[\d,.]+\] \| 1\.00 \|/);
  }, 120_000);

  it('profiles on nnet-cpu (one thread, so no ratio)', () => {
    const { report } = runScript('profile', ['--quick', '--lib', 'nnet-cpu', '--steps', '1', '--batch', '4']);
    expect(validateReport(report)).toEqual([]);
    expect(new Set(report.figures.map((f) => `${f.lib} ${f.threads}T`))).toEqual(new Set(['nnet-cpu 1T']));
    expect(row(report, 'linear [4,128]', 1).samples.length).toBe(1);
    expect(report.ratios).toEqual([]);
  }, 120_000);

  it('refuses threads on nnet-cpu with a usage message', () => {
    expect(() =>
      execFileSync(process.execPath, [distScript('profile'), '--lib', 'nnet-cpu', '--threads', '2'], {
        encoding: 'utf8',
        stdio: 'pipe',
      }),
    ).toThrow(/nnet-cpu runs on one thread/);
  });
});
