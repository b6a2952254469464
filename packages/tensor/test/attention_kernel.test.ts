/**
 * The optional `attention` kernel's contract, exercised through a plain-loop kernel added to the
 * CPU backend: the front end's kernel path (flattening broadcast batch dims, shared and per-slice
 * masks, the causal flag, the gradient from logsumexp) must agree with the reference decomposition.
 */
import { CpuBackend, type CpuHandle } from '@nnet/backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  type AttentionParams,
  type Backend,
  getBackend,
  manualSeed,
  randn,
  registerBackend,
  scaledDotProductAttention,
  setBackend,
  type Tensor,
  type TensorInfo,
} from '../src/index.js';

/** out = softmax(scale·q·kᵀ + mask)·v per slice, with plain loops (the kernel's documented math). */
function loopAttention(
  q: TensorInfo,
  k: TensorInfo,
  v: TensorInfo,
  mask: TensorInfo | null,
  p: AttentionParams,
  out: TensorInfo,
  lse: TensorInfo,
): void {
  const [B, L, E] = q.shape;
  const S = k.shape[1];
  const Ev = v.shape[2];
  const d = (t: TensorInfo) => (t.handle as CpuHandle).data as Float32Array;
  const [Q, K, V, O, Z] = [d(q), d(k), d(v), d(out), d(lse)];
  const M = mask ? d(mask) : null;
  const shared = mask ? mask.shape[0] === 1 : true;
  const s = new Float64Array(S);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < L; i++) {
      let mx = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < S; j++) {
        let dot = 0;
        for (let e = 0; e < E; e++) dot += Q[(b * L + i) * E + e] * K[(b * S + j) * E + e];
        let x = dot * p.scale;
        if (M) x += M[((shared ? 0 : b) * L + i) * S + j];
        if (p.causal && j > i) x = Number.NEGATIVE_INFINITY;
        s[j] = x;
        mx = Math.max(mx, x);
      }
      let total = 0;
      for (let j = 0; j < S; j++) total += Math.exp(s[j] - mx);
      Z[b * L + i] = mx + Math.log(total);
      for (let e = 0; e < Ev; e++) {
        let acc = 0;
        for (let j = 0; j < S; j++) acc += (Math.exp(s[j] - mx) / total) * V[(b * S + j) * Ev + e];
        O[(b * L + i) * Ev + e] = acc;
      }
    }
  }
}

let calls = 0;
registerBackend(
  'cpu-attention',
  () => {
    const b = new CpuBackend() as unknown as Backend;
    const wrapped = Object.create(b) as Backend & { attention: Backend['attention'] };
    Object.defineProperty(wrapped, 'name', { value: 'cpu-attention' });
    wrapped.attention = (...args: Parameters<NonNullable<Backend['attention']>>) => {
      calls++;
      loopAttention(...args);
    };
    return wrapped;
  },
  0,
);
registerBackend('cpu-plain', () => new CpuBackend(), 0);

type Case = [
  string,
  number[][],
  (q: Tensor, k: Tensor, v: Tensor, m: Tensor | null) => Tensor,
  number[] | null,
];
const cases: Case[] = [
  [
    'broadcast batch',
    [
      [2, 1, 5, 4],
      [1, 3, 6, 4],
      [3, 6, 2],
    ],
    (q, k, v) => scaledDotProductAttention(q, k, v),
    null,
  ],
  [
    'causal',
    [
      [2, 5, 4],
      [2, 7, 4],
      [2, 7, 4],
    ],
    (q, k, v) => scaledDotProductAttention(q, k, v, { isCausal: true }),
    null,
  ],
  [
    'shared float mask',
    [
      [2, 3, 5, 4],
      [2, 3, 6, 4],
      [2, 3, 6, 4],
    ],
    (q, k, v, m) => scaledDotProductAttention(q, k, v, { attnMask: m }),
    [5, 6],
  ],
  [
    'per-batch float mask',
    [
      [2, 3, 5, 4],
      [2, 3, 6, 4],
      [2, 3, 6, 4],
    ],
    (q, k, v, m) => scaledDotProductAttention(q, k, v, { attnMask: m, scale: 0.7 }),
    [2, 1, 5, 6],
  ],
];

async function run(backend: string, c: Case): Promise<number[][]> {
  await setBackend(backend);
  manualSeed(5);
  const [q, k, v] = c[1].map((s) => randn(s, { requiresGrad: true }));
  const m = c[3] ? randn(c[3], { requiresGrad: true }) : null;
  const out = c[2](q, k, v, m);
  out
    .mul(randn(out.shape as number[]))
    .sum()
    .backward();
  const grads = [q, k, v, ...(m ? [m] : [])].map((t) => Array.from(t.grad!.dataSync()));
  return [Array.from(out.dataSync()), ...grads];
}

describe('the attention kernel path agrees with the reference decomposition', () => {
  for (const c of cases) {
    it(c[0], async () => {
      const before = calls;
      const fast = await run('cpu-attention', c);
      expect(calls).toBe(before + 1);
      expect(getBackend().name).toBe('cpu-attention');
      const ref = await run('cpu-plain', c);
      expect(fast.length).toBe(ref.length);
      fast.forEach((arr, j) => {
        expect(arr.length).toBe(ref[j].length);
        arr.forEach((x, i) =>
          expect(Math.abs(x - ref[j][i])).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(ref[j][i])),
        );
      });
    });
  }

  it('dropout bypasses the kernel', async () => {
    await setBackend('cpu-attention');
    const before = calls;
    const q = randn([1, 3, 4]);
    scaledDotProductAttention(q, q, q, { dropoutP: 0.2 });
    expect(calls).toBe(before);
  });
});
