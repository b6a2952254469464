import { CpuBackend } from '@nnet/backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  avgPool2d,
  type Backend,
  conv2d,
  linear,
  logSoftmax,
  manualSeed,
  maxPool2d,
  OPTIONAL_KERNELS,
  randn,
  registerBackend,
  setBackend,
  softmax,
  type Tensor,
  tensor,
} from '../src/index.js';

/** The CPU backend with every optional kernel hidden: the front end must use its decompositions. */
function withoutOptionalKernels(): Backend {
  const b = new CpuBackend() as unknown as Record<string, unknown>;
  const wrapped = Object.create(b) as Record<string, unknown>;
  for (const k of OPTIONAL_KERNELS) wrapped[k] = undefined;
  Object.defineProperty(wrapped, 'name', { value: 'cpu-reference' });
  return wrapped as unknown as Backend;
}

registerBackend('cpu-fast', () => new CpuBackend(), 0);
registerBackend('cpu-reference', withoutOptionalKernels, 0);

type Case = [string, (xs: Tensor[]) => Tensor, number[][]];
const cases: Case[] = [
  [
    'conv2d',
    ([x, w, b]) => conv2d(x, w, b, { stride: 2, padding: 1, groups: 2 }),
    [[2, 4, 7, 6], [6, 2, 3, 3], [6]],
  ],
  [
    'conv2d dilation',
    ([x, w]) => conv2d(x, w, null, { dilation: 2, padding: 2 }),
    [
      [1, 3, 6, 6],
      [2, 3, 3, 3],
    ],
  ],
  ['maxPool2d', ([x]) => maxPool2d(x, 3, { stride: 2, padding: 1 }), [[2, 3, 7, 7]]],
  ['avgPool2d', ([x]) => avgPool2d(x, 2, { countIncludePad: false, padding: 1 }), [[2, 3, 5, 5]]],
  ['softmax', ([x]) => softmax(x, 1), [[4, 5, 3]]],
  ['logSoftmax', ([x]) => logSoftmax(x, -1), [[4, 7]]],
  ['linear', ([x, w, b]) => linear(x, w, b), [[5, 3], [4, 3], [4]]],
];

async function run(backend: string, c: Case): Promise<{ out: number[]; grads: number[][] }> {
  await setBackend(backend);
  manualSeed(11);
  const inputs = c[2].map((s) => randn(s, { requiresGrad: true }));
  const out = c[1](inputs);
  const w = randn(out.shape as number[]);
  out.mul(w).sum().backward();
  return { out: Array.from(out.dataSync()), grads: inputs.map((t) => Array.from(t.grad!.dataSync())) };
}

describe('reference decompositions agree with the fast kernels', () => {
  for (const c of cases) {
    it(`${c[0]} forward and backward`, async () => {
      const fast = await run('cpu-fast', c);
      const ref = await run('cpu-reference', c);
      expect(ref.out.length).toBe(fast.out.length);
      for (let i = 0; i < ref.out.length; i++) expect(ref.out[i]).toBeCloseTo(fast.out[i], 4);
      for (let j = 0; j < ref.grads.length; j++) {
        for (let i = 0; i < ref.grads[j].length; i++)
          expect(ref.grads[j][i]).toBeCloseTo(fast.grads[j][i], 4);
      }
    });
  }

  it('the reference backend really lacks the kernels', async () => {
    await setBackend('cpu-reference');
    const b = (await import('../src/index.js')).getBackend();
    expect(typeof b.conv2d).toBe('undefined');
    expect(typeof b.matmul).toBe('function');
    expect(tensor([1]).backend).toBe('cpu-reference');
  });
});
