import { describe, expect, it } from 'vitest';
import { time } from '../src/harness.js';

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
