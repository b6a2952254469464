import { ShapeError, type Tensor, tensor, ValueError } from '@nnet/tensor';
import { type Enc, readFixture, t } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';

/** The fixture's tolerances (logits of magnitude 1e4 lose float32 digits): rtol 2e-4, atol 2e-5. */
const RTOL = 2e-4;
const ATOL = 2e-5;

import { bce, bceWithLogits, crossEntropy, huber, klDiv, l1, nll, smoothL1 } from '../src/index.js';
import { checkLossCase, type LossCase } from './loss_case.js';

interface Case extends LossCase {
  loss: string;
  options: Record<string, unknown>;
}
const { cases } = readFixture<{ cases: Case[] }>(new URL('./fixtures/more_losses.json', import.meta.url));
/** Options as the functions take them: encoded tensors (weight, posWeight) decoded. */
function options(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k, v && typeof v === 'object' && 'data' in v ? t(v as Enc) : v]),
  );
}
const FNS: Record<string, (x: Tensor, y: Tensor, o: Record<string, unknown>) => Tensor> = {
  l1: (x, y, o) => l1(x, y, o),
  smoothL1: (x, y, o) => smoothL1(x, y, o),
  huber: (x, y, o) => huber(x, y, o),
  crossEntropy: (x, y, o) => crossEntropy(x, y, o),
  nll: (x, y, o) => nll(x, y, o),
  bce: (x, y, o) => bce(x, y, o),
  bceWithLogits: (x, y, o) => bceWithLogits(x, y, o),
  klDiv: (x, y, o) => klDiv(x, y, o),
};

describe('losses match PyTorch, including logits of magnitude 1e4', () => {
  cases.forEach((c, k) => {
    it(`${c.loss} #${k} ${JSON.stringify(Object.fromEntries(Object.entries(c.options).filter(([, v]) => typeof v !== 'object')))}`, async () => {
      await checkLossCase(c, (x, y) => FNS[c.loss](x, y, options(c.options)), RTOL, ATOL);
    });
  });
});

describe('bad input', () => {
  it('gives typed errors naming the problem', () => {
    const x = tensor([[1, 2]]);
    expect(() => l1(x, tensor([1, 2]))).toThrow(ShapeError);
    expect(() =>
      crossEntropy(tensor([[1, 2, 3]]), tensor([0], { dtype: 'int32' }), { weight: tensor([1, 1]) }),
    ).toThrow(/weight must have shape \[3\]/);
    expect(() =>
      crossEntropy(tensor([[1, 2]]), tensor([0], { dtype: 'int32' }), { labelSmoothing: 2 }),
    ).toThrow(ValueError);
    expect(() => nll(tensor([[1, 2]]), tensor([[0.5, 0.5]]))).toThrow(/int32 class indices/);
    expect(() => klDiv(x, x, { reduction: 'avg' as never })).toThrow(/batchmean/);
  });
});
