import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextGroupSize, time } from '../src/harness.js';

describe('time', () => {
  it('times a call that reaches slowCallMs with one warm-up call and exactly slowReps calls', () => {
    let calls = 0;
    const t = time(() => void calls++, { warmup: 2, minTimeMs: 0, minReps: 5, slowCallMs: 0, slowReps: 3 });
    expect(t.reps).toBe(3);
    expect(calls).toBe(4);
  });

  it('keeps warmup and minReps for calls faster than slowCallMs', () => {
    let calls = 0;
    const t = time(() => void calls++, {
      warmup: 2,
      minTimeMs: 0,
      minReps: 5,
      slowCallMs: Number.POSITIVE_INFINITY,
    });
    expect(t.reps).toBe(5);
    expect(calls).toBe(7);
  });
});

describe('final CLI', () => {
  it('refuses an unknown --only part, naming the parts', async () => {
    const { execFileSync } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const final = fileURLToPath(new URL('../dist/final.js', import.meta.url));
    let stderr = '';
    let status = 0;
    try {
      execFileSync(process.execPath, [final, '--only', 'node,gpu'], { stdio: 'pipe', encoding: 'utf8' });
    } catch (err) {
      const e = err as { stderr: string; status: number };
      stderr = e.stderr;
      status = e.status;
    }
    expect(status).toBe(2);
    expect(stderr).toMatch(/unknown --only part\(s\) 'gpu'; parts: node, anchor, kernels, browser/);
  }, 30_000);
});

describe('sample grouping (no timing asserted: a fake clock)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('nextGroupSize predicts the group from the measured rate, with a quarter to spare', () => {
    expect(nextGroupSize(1, 0.02, 1)).toBe(63);
    expect(nextGroupSize(10, 0.5, 1)).toBe(25);
    expect(nextGroupSize(63, 1, 1)).toBeNull();
    expect(nextGroupSize(63, 1.3, 1)).toBeNull();
  });

  it('nextGroupSize at least doubles (a clock that saw nothing) and grows at most 100×', () => {
    expect(nextGroupSize(4, 0, 1)).toBe(8);
    expect(nextGroupSize(10, 0.9, 1)).toBe(20);
    expect(nextGroupSize(1, 0.001, 1)).toBe(100);
  });

  it('time groups calls until a sample lasts minSampleMs and reports ms per call', () => {
    // A clock that advances 0.02 ms per call of fn: per-call time is exactly 0.02 ms.
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    let calls = 0;
    const t = time(
      () => {
        calls++;
        now += 0.02;
      },
      { warmup: 1, minTimeMs: 0, minReps: 4, minSampleMs: 1 },
    );
    expect(t.callsPerSample).toBe(63);
    expect(t.reps).toBe(4);
    expect(t.medianMs).toBeCloseTo(0.02, 12);
    // 1 warm-up, calibration groups of 1 and 63, then 4 samples of 63.
    expect(calls).toBe(1 + 1 + 63 + 4 * 63);
  });

  it('time keeps one call per sample without minSampleMs, and for a slow call', () => {
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const fn = () => {
      now += 0.02;
    };
    expect(time(fn, { warmup: 1, minTimeMs: 0, minReps: 3 }).callsPerSample).toBe(1);
    const slow = time(fn, { warmup: 1, minTimeMs: 0, minReps: 3, minSampleMs: 1, slowCallMs: 0.01 });
    expect(slow.callsPerSample).toBe(1);
  });
});
