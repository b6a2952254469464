/**
 * CTC loss against PyTorch's F.ctc_loss (fixtures/ctc.json from scripts/gen_ops_fixtures.py):
 * values and gradients (of the logits under logSoftmax), padded and concatenated targets, reductions, empty
 * targets and impossible alignments.
 */
import '@nnet/backend-cpu';
import { readFileSync } from 'node:fs';
import { randn, type Tensor, tensor } from '@nnet/tensor';
import { type Enc, expectClose, gradcheck, t } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import { CTCLoss, ctc } from '../src/index.js';

interface Case {
  name: string;
  logits: Enc;
  targets: Enc;
  inputLengths: number[];
  targetLengths: number[];
  options: { blank: number; reduction: 'mean' | 'sum' | 'none'; zeroInfinity: boolean };
  out: Enc;
  weight: Enc;
  grad: Enc;
}
const { cases } = JSON.parse(readFileSync(new URL('./fixtures/ctc.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

describe('ctc matches PyTorch', () => {
  for (const c of cases) {
    it(c.name, async () => {
      // Gradients are compared on the logits before logSoftmax (see the generator for why).
      const logits = t(c.logits, true);
      const lp = logits.logSoftmax(2);
      const targets = tensor(c.targets.data, { shape: c.targets.shape, dtype: 'int32' });
      const out = new CTCLoss(c.options).forward(lp, targets, c.inputLengths, c.targetLengths);
      await expectClose(out, c.out, 2e-4, 2e-5);
      out.mul(t(c.weight)).sum().backward();
      await expectClose(logits.grad!, c.grad, 2e-4, 2e-5);
    });
  }
  it('the gradient w.r.t. the log-probabilities themselves matches finite differences', async () => {
    const targets = tensor(
      [
        [1, 2],
        [3, 3],
      ],
      { dtype: 'int32' },
    );
    const loss = (lp: Tensor) => ctc(lp, targets, [5, 5], [2, 2], { reduction: 'sum' });
    await gradcheck(loss, [randn([5, 2, 4]).logSoftmax(2)], { stride: 3 });
  });
  it('reports an impossible alignment as +Infinity without zeroInfinity', async () => {
    const lp = randn([2, 1, 3]).logSoftmax(2);
    const out = ctc(lp, tensor([[1, 1]], { dtype: 'int32' }), [2], [2], { reduction: 'none' });
    expect((await out.data())[0]).toBe(Number.POSITIVE_INFINITY);
  });
  it('rejects bad lengths and shapes', () => {
    const lp = randn([4, 2, 3]).logSoftmax(2);
    const tg = tensor(
      [
        [1, 2],
        [1, 1],
      ],
      { dtype: 'int32' },
    );
    expect(() => ctc(lp, tg, [4], [2, 2])).toThrow(/inputLengths must list one length per sample \(2\)/);
    expect(() => ctc(lp, tg, [4, 4], [2, 2, 2])).toThrow(/targetLengths must list one length per sample/);
    expect(() => ctc(lp, tg, [5, 4], [2, 2])).toThrow(/inputLengths\[0\] = 5 must be an integer in \[1, 4\]/);
    expect(() => ctc(lp, tg, [4, 4], [2, 1.5])).toThrow(/targetLengths\[1\] = 1.5/);
    expect(() => ctc(lp, tg, [4, 4], [2, 2], { blank: 3 })).toThrow(/blank 3/);
    expect(() => ctc(lp.select(0, 0), tg, [4, 4], [2, 2])).toThrow(/\[T, N, C\]/);
  });
});
