/**
 * Scaled dot-product attention against PyTorch 2's documented math (fixtures/sdpa.json,
 * from scripts/gen_transformer_fixtures.py): values and the gradients of sum(out · W) w.r.t. q, k,
 * v and a float mask, at rtol 1e-4, on the backend the test setup selects (cpu, then wasm).
 */
import {
  DTypeError,
  eye,
  manualSeed,
  ones,
  randn,
  ShapeError,
  scaledDotProductAttention,
  type Tensor,
  ValueError,
} from '@nnet/tensor';
import { values } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import { dec, expectNear, type TEnc, transformerFixture } from './transformer_helpers.js';

interface SdpaCase {
  name: string;
  q: TEnc;
  k: TEnc;
  v: TEnc;
  mask?: TEnc;
  isCausal: boolean;
  scale: number | null;
  out: TEnc;
  weight: TEnc;
  grads: TEnc[];
  maskGrad?: TEnc;
}

const { cases } = transformerFixture<{ cases: SdpaCase[] }>('sdpa.json');

describe('scaledDotProductAttention matches PyTorch', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const q = dec(c.q, true);
      const k = dec(c.k, true);
      const v = dec(c.v, true);
      const mask = c.mask ? dec(c.mask, c.maskGrad !== undefined) : null;
      const out = scaledDotProductAttention(q, k, v, {
        attnMask: mask,
        isCausal: c.isCausal,
        scale: c.scale,
      });
      await expectNear(out, c.out);
      out.mul(dec(c.weight)).sum().backward();
      await expectNear(q.grad, c.grads[0]);
      await expectNear(k.grad, c.grads[1]);
      await expectNear(v.grad, c.grads[2]);
      if (c.maskGrad) await expectNear(mask!.grad, c.maskGrad);
    });
  }

  it('the method form is the same op', async () => {
    const c = cases[0];
    const a = dec(c.q).scaledDotProductAttention(dec(c.k), dec(c.v));
    await expectNear(a, c.out);
  });
});

describe('scaledDotProductAttention dropout and errors', () => {
  it('dropout zeroes weights with the seeded generator, and the gradient uses the same mask', async () => {
    const q = randn([2, 6, 4]);
    const k = randn([2, 6, 4]);
    const v = randn([2, 6, 4], { requiresGrad: true });
    manualSeed(3);
    const a = scaledDotProductAttention(q, k, v, { dropoutP: 0.5 });
    manualSeed(3);
    const b = scaledDotProductAttention(q, k, v, { dropoutP: 0.5 });
    expect(await values(a)).toEqual(await values(b));
    const plain = scaledDotProductAttention(q, k, v);
    expect(await values(a)).not.toEqual(await values(plain));
    // out is linear in v: out = (P ⊙ D)·v, so sum(out) = Σ (P ⊙ D)ᵀ·1 · v and the gradient of
    // sum(out) w.r.t. v is (P ⊙ D)ᵀ·1; with v = identity columns, out itself reveals P ⊙ D.
    a.sum().backward();
    manualSeed(3);
    const pd = scaledDotProductAttention(q, k, eye(6).expand([2, 6, 6]), { dropoutP: 0.5 });
    const want = pd.sum(1, true).transpose(1, 2).expand([2, 6, 4]);
    const got = await v.grad!.data();
    const w = await want.contiguous().data();
    for (let i = 0; i < w.length; i++) expect(got[i]).toBeCloseTo(w[i], 4);
  });

  it('rejects bad options and shapes with typed errors', async () => {
    const q = randn([2, 3, 4]);
    const bad = { attnMsk: ones([3, 3]) } as unknown as Parameters<typeof scaledDotProductAttention>[3];
    expect(() => scaledDotProductAttention(q, q, q, bad)).toThrow(/unknown option 'attnMsk'/);
    expect(() => scaledDotProductAttention(q, randn([2, 3, 5]), q)).toThrow(ShapeError);
    expect(() => scaledDotProductAttention(q, q, randn([2, 4, 4]))).toThrow(ShapeError);
    expect(() => scaledDotProductAttention(q, q, q, { attnMask: ones([3, 3]), isCausal: true })).toThrow(
      ValueError,
    );
    expect(() => scaledDotProductAttention(q, q, q, { attnMask: ones([4, 3]) })).toThrow(ShapeError);
    expect(() => scaledDotProductAttention(q, q, q, { attnMask: ones([3, 3], { dtype: 'int32' }) })).toThrow(
      DTypeError,
    );
    expect(() => scaledDotProductAttention(q, q, q, { dropoutP: 1 })).toThrow(ValueError);
    expect(() => scaledDotProductAttention(randn([4]) as Tensor, q, q)).toThrow(ShapeError);
  });
});
