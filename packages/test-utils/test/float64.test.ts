import { checkFloat32Rounding, kernelCases, runKernelCase } from '@nnet/backend-testkit';
import { describe, expect, it } from 'vitest';
import { float64Backend } from '../src/index.js';

describe('the testkit case for storage wider than float32', () => {
  it('fails a float64 backend that does not round fill and cast to float32', async () => {
    const b = float64Backend({ round: false });
    expect(await checkFloat32Rounding(b, 'fill')).toMatch(
      /fill\(out, 0\.1\) on float32 is not float32\(0\.1\) = 0\.10000000149011612/,
    );
    expect(await checkFloat32Rounding(b, 'cast')).toMatch(/cast int32 → float32 of 16777217, 2147483647/);
    expect(b.memory()).toEqual({ storages: 0, bytes: 0 });
  });

  it('passes it once fill and cast round (Math.fround)', async () => {
    const b = float64Backend({ round: true });
    expect(await checkFloat32Rounding(b, 'fill')).toBeNull();
    expect(await checkFloat32Rounding(b, 'cast')).toBeNull();
    expect(b.memory()).toEqual({ storages: 0, bytes: 0 });
  });

  it('the float64 backend is otherwise a working backend: the fill, cast and compare fixtures pass', async () => {
    const b = float64Backend({ round: true });
    const cases = kernelCases().filter(
      (c) => ['fill', 'cast'].includes(c.kernel) || c.kernel.startsWith('compare.'),
    );
    expect(cases.length).toBeGreaterThan(10);
    for (const c of cases) expect(await runKernelCase(b, c), c.name).toBeNull();
  });
});
