import { memory, randn, ShapeError, type Tensor, tidy } from '@nnet/tensor';
import { type Enc, expectClose as expectCloseDefault, readFixture, t } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';

const expectClose = (got: Parameters<typeof expectCloseDefault>[0], want: Enc) =>
  expectCloseDefault(got, want, 2e-4, 2e-5);

import { GRU, LSTM, RNN } from '../src/index.js';

interface Case {
  kind: 'RNN' | 'LSTM' | 'GRU';
  options: { numLayers: number; batchFirst: boolean; nonlinearity: 'tanh' | 'relu' };
  params: Record<string, Enc>;
  x: Enc;
  state: Enc[] | null;
  out: Enc;
  hN: Enc;
  cN: Enc | null;
  gOut: Enc;
  gH: Enc;
  gradX: Enc;
  gradParams: Record<string, Enc>;
}
const { cases } = readFixture<{
  cases: Case[];
}>(new URL('./fixtures/recurrent.json', import.meta.url));

describe('recurrent layers match PyTorch', () => {
  cases.forEach((c, k) => {
    it(`${c.kind} #${k} ${JSON.stringify(c.options)}${c.x.shape.length === 2 ? ' unbatched' : ''}`, async () => {
      const opts = { numLayers: c.options.numLayers, batchFirst: c.options.batchFirst };
      const layer =
        c.kind === 'RNN'
          ? new RNN(4, 3, { ...opts, nonlinearity: c.options.nonlinearity })
          : c.kind === 'GRU'
            ? new GRU(4, 3, opts)
            : new LSTM(4, 3, opts);
      layer.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([n, e]) => [n, t(e)])));
      const x = t(c.x, true);
      let out: Tensor;
      let hN: Tensor;
      if (layer instanceof LSTM) {
        const [o, [h, cell]] = layer.forwardWithState(
          x,
          c.state ? [t(c.state[0]), t(c.state[1])] : undefined,
        );
        out = o;
        hN = h;
        await expectClose(cell, c.cN!);
      } else {
        [out, hN] = layer.forwardWithState(x, c.state ? t(c.state[0]) : undefined);
      }
      await expectClose(out, c.out);
      await expectClose(hN, c.hN);
      out
        .mul(t(c.gOut))
        .sum()
        .add(hN.mul(t(c.gH)).sum())
        .backward();
      await expectClose(x.grad!, c.gradX);
      for (const [name, p] of layer.namedParameters()) expectClose(p.grad!, c.gradParams[name]);
    });
  });
});

describe('recurrent layers: errors and memory', () => {
  it('rejects an input of the wrong rank or width, and a mis-shaped initial state', () => {
    const lstm = new LSTM(4, 3);
    expect(() => lstm.forward(randn([2, 3, 4, 5]))).toThrow(ShapeError);
    expect(() => lstm.forward(randn([2, 3, 4, 5]))).toThrow(/input must be 3-D \[T, N, 4\]/);
    expect(() => lstm.forward(randn([5, 2, 3]))).toThrow(/has 3 features, expected inputSize 4/);
    expect(() => new GRU(4, 3).forwardWithState(randn([5, 2, 4]), randn([1, 3, 3]))).toThrow(
      /initial hidden state must have shape \[1, 2, 3\]/,
    );
  });

  it('a training step through an LSTM leaves memory flat', () => {
    const lstm = new LSTM(4, 6, { numLayers: 2 });
    const x = randn([7, 3, 4]);
    const step = () =>
      tidy(() => {
        lstm.zeroGrad();
        lstm.forward(x).square().mean().backward();
      });
    step();
    const before = memory();
    for (let i = 0; i < 5; i++) step();
    expect(memory()).toEqual(before);
  });
});
