import { CpuBackend } from '@nnet/backend-cpu';
import { runBackendConformance } from '@nnet/backend-testkit';
import { matmul, randn, registerBackend, setBackend } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { createProfiler } from '../src/index.js';

// A third-party backend proves itself with the same suite as ours.
runBackendConformance({
  name: 'profiler(cpu)',
  create: () => createProfiler(new CpuBackend()),
  printMatrix: false,
});

describe('the profiler', () => {
  it('counts calls and time per kernel and keeps the wrapped backend’s optional kernels', async () => {
    let clock = 0;
    const profiler = createProfiler(new CpuBackend(), () => clock++);
    registerBackend('profiled', () => profiler, -1);
    await setBackend('profiled');
    matmul(randn([4, 3]), randn([3, 2])).relu();
    const stats = profiler.stats();
    expect(stats.get('matmul')?.calls).toBe(1);
    expect(stats.get('unary.relu')?.calls).toBe(1);
    expect(stats.get('matmul')?.ms).toBe(1);
    expect(typeof profiler.conv2d).toBe('function');
    expect(profiler.report()).toMatch(/^kernel\s+calls\s+time\s+share\n/);
    profiler.reset();
    expect(profiler.stats().size).toBe(0);
  });
});
