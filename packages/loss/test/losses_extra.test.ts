/**
 * The margin, embedding and likelihood losses against PyTorch (fixtures/losses_extra.json from
 * scripts/gen_ops_fixtures.py): values and input gradients for each reduction.
 */
import '@nnet/backend-cpu';
import { readFileSync } from 'node:fs';
import { type Tensor, tensor, ValueError } from '@nnet/tensor';
import { type Enc, expectClose, t } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import {
  cosineEmbedding,
  gaussianNll,
  hingeEmbedding,
  marginRanking,
  multiLabelSoftMargin,
  poissonNll,
  TripletMarginLoss,
  tripletMargin,
} from '../src/index.js';

interface Case {
  loss: string;
  name: string;
  options: Record<string, unknown>;
  inputs: Enc[];
  out: Enc;
  weight: Enc;
  grads: (Enc | null)[];
}
const { cases } = JSON.parse(
  readFileSync(new URL('./fixtures/losses_extra.json', import.meta.url), 'utf8'),
) as { cases: Case[] };

type O = Record<string, never>;
const FNS: Record<string, (xs: Tensor[], o: O) => Tensor> = {
  marginRanking: ([a, b, y], o) => marginRanking(a, b, y, o),
  hingeEmbedding: ([x, y], o) => hingeEmbedding(x, y, o),
  cosineEmbedding: ([a, b, y], o) => cosineEmbedding(a, b, y, o),
  tripletMargin: ([a, p, n], o) => new TripletMarginLoss(o).forward(a, p, n),
  poissonNll: ([x, y], o) => poissonNll(x, y, o),
  gaussianNll: ([x, y, v], o) => gaussianNll(x, y, v, o),
  multiLabelSoftMargin: ([x, y, w], o) => multiLabelSoftMargin(x, y, w ? { ...o, weight: w } : o),
};

describe('margin, embedding and likelihood losses match PyTorch', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const xs = c.inputs.map((e, i) => t(e, c.grads[i] !== null));
      const options = Object.fromEntries(Object.entries(c.options).filter(([k]) => k !== 'weight')) as O;
      const out = FNS[c.loss](xs, options);
      await expectClose(out, c.out, 2e-4, 2e-5);
      out.mul(t(c.weight)).sum().backward();
      c.grads.forEach((g, i) => {
        if (g) expectClose(xs[i].grad!, g, 2e-4, 2e-5);
      });
    });
  }
  it('rejects unknown options and mismatched shapes', () => {
    const a = tensor([1, 2]);
    expect(() => marginRanking(a, a, a, { margni: 1 } as never)).toThrow(/unknown option 'margni'/);
    expect(() => tripletMargin(a, a, tensor([1, 2, 3]))).toThrow(/negative \[3\] must have the shape/);
    expect(() => gaussianNll(a, a, tensor([1, 2, 3]))).toThrow(/var \[3\]/);
    expect(() => poissonNll(a, a, { reduction: 'avg' as never })).toThrow(ValueError);
  });
});
