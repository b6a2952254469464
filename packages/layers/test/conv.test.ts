import { manualSeed, memory, ones, randn, ShapeError, tensor, tidy, ValueError } from '@nnet/tensor';
import { type Enc, expectClose, readArray, readFixture, t, values } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  Conv2d,
  ConvTranspose2d,
  Dropout,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
} from '../src/index.js';
import { checkWeightBiasCase, type WeightBiasCase } from './layer_case.js';

interface ConvCase extends WeightBiasCase {
  options: {
    inChannels: number;
    outChannels: number;
    kernelSize: [number, number];
    stride: number;
    padding: number | 'same';
    dilation: number;
    groups: number;
  };
}
const fx = readFixture<{
  conv: ConvCase[];
  pool: { kind: string; x: Enc; out: Enc; g: Enc; gradX: Enc }[];
}>(new URL('./fixtures/conv.json', import.meta.url));

describe('Conv2d matches PyTorch', () => {
  for (const c of fx.conv) {
    it(`forward and backward ${JSON.stringify(c.options)}`, async () => {
      const o = c.options;
      const layer = new Conv2d(o.inChannels, o.outChannels, o.kernelSize, {
        stride: o.stride,
        padding: o.padding,
        dilation: o.dilation,
        groups: o.groups,
      });
      await checkWeightBiasCase(layer, c);
    });
  }

  it('initialises weights in U(-1/sqrt(fanIn), 1/sqrt(fanIn)) with fanIn = in/groups * kH * kW', async () => {
    manualSeed(0);
    const layer = new Conv2d(8, 16, 3, { groups: 2 });
    expect(layer.weight.shape).toEqual([16, 4, 3, 3]);
    const w = await values(layer.weight);
    const bound = 1 / Math.sqrt(4 * 9);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * bound);
  });

  it('rejects a wrong channel count and bad options with typed errors', () => {
    const layer = new Conv2d(3, 8, 3);
    expect(() => layer.forward(randn([1, 4, 8, 8]))).toThrow(ShapeError);
    expect(() => layer.forward(randn([1, 4, 8, 8]))).toThrow(
      /expected input \[N, 3, H, W\], got \[1, 4, 8, 8\]/,
    );
    expect(() => layer.forward(randn([1, 3, 2, 2]))).toThrow(/larger than the padded input/);
    expect(() => new Conv2d(3, 8, 3, { groups: 2 })).toThrow(ValueError);
  });
});

describe('pooling layers match PyTorch', () => {
  const layers: Record<string, () => Sequential> = {
    maxPool2d: () => new Sequential(new MaxPool2d(3, { stride: 2, padding: 1 })),
    avgPool2d: () => new Sequential(new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false })),
    adaptiveAvgPool2d: () => new Sequential(new AdaptiveAvgPool2d(1)),
  };
  for (const c of fx.pool) {
    it(`${c.kind} forward and backward`, async () => {
      const x = t(c.x, true);
      const y = layers[c.kind]().forward(x);
      await expectClose(y, c.out);
      y.mul(t(c.g)).sum().backward();
      await expectClose(x.grad!, c.gradX);
    });
  }
});

describe('Flatten and Dropout', () => {
  it('Flatten merges all but the batch dim', () => {
    expect(new Flatten().forward(randn([2, 3, 4, 5])).shape).toEqual([2, 60]);
    expect(new Flatten(0, 1).forward(randn([2, 3, 4])).shape).toEqual([6, 4]);
  });

  it('Dropout zeroes about p of the elements, rescales the rest, and is the identity in eval()', async () => {
    manualSeed(1);
    const d = new Dropout(0.25);
    const y = await values(d.forward(ones([20000])));
    const zeros = y.filter((v) => v === 0).length / y.length;
    expect(Math.abs(zeros - 0.25)).toBeLessThan(0.02);
    expect(y.filter((v) => v !== 0).every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    d.eval();
    expect(await readArray(d.forward(tensor([1, 2, 3])))).toEqual([1, 2, 3]);
    expect(() => new Dropout(1)).toThrow(ValueError);
  });

  it('the same seed gives the same dropout mask', async () => {
    const mask = async (seed: number) => {
      manualSeed(seed);
      return readArray(new Dropout(0.5).forward(ones([64])));
    };
    expect(await mask(9)).toEqual(await mask(9));
    expect(await mask(9)).not.toEqual(await mask(10));
  });
});

describe('a small CNN', () => {
  it('trains one step inside tidy without growing memory', () => {
    manualSeed(2);
    const net = new Sequential(
      new Conv2d(1, 4, 3, { padding: 1 }),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Dropout(0.1),
      new Linear(4 * 4 * 4, 3),
    );
    const x = randn([5, 1, 8, 8]);
    const step = () =>
      tidy(() => {
        net.zeroGrad();
        net.forward(x).square().mean().backward();
        for (const p of net.parameters()) p.assign(p.sub(p.grad!.mul(0.01)));
      });
    step();
    const before = memory();
    for (let i = 0; i < 10; i++) step();
    expect(memory()).toEqual(before);
    expect(net.toString()).toContain('(0): Conv2d(1, 4, kernelSize=[3, 3], padding=1)');
  });
});

describe('ConvTranspose2d matches PyTorch', () => {
  const ct = readFixture<{
    cases: (Omit<ConvCase, 'options'> & {
      options: ConvCase['options'] & { outputPadding: number };
    })[];
  }>(new URL('./fixtures/conv_transpose.json', import.meta.url));
  for (const c of ct.cases) {
    it(`forward and backward ${JSON.stringify(c.options)}`, async () => {
      const o = c.options;
      const layer = new ConvTranspose2d(o.inChannels, o.outChannels, o.kernelSize, {
        stride: o.stride,
        padding: o.padding as number,
        outputPadding: o.outputPadding,
        dilation: o.dilation,
        groups: o.groups,
      });
      await checkWeightBiasCase(layer, c);
    });
  }

  it('rejects a wrong channel count', () => {
    expect(() => new ConvTranspose2d(3, 2, 3).forward(randn([1, 2, 4, 4]))).toThrow(
      /expected input \[N, 3, H, W\]/,
    );
  });
});

describe('AdaptiveAvgPool2d matches PyTorch for any output size', () => {
  const ad = readFixture<{
    cases: { outputSize: [number, number]; x: Enc; out: Enc; g: Enc; gradX: Enc }[];
  }>(new URL('./fixtures/adaptive.json', import.meta.url));
  for (const c of ad.cases) {
    it(`output ${c.outputSize.join('x')} from ${c.x.shape.join('x')}`, async () => {
      const x = t(c.x, true);
      const y = new AdaptiveAvgPool2d(c.outputSize).forward(x);
      await expectClose(y, c.out);
      y.mul(t(c.g)).sum().backward();
      await expectClose(x.grad!, c.gradX);
    });
  }
});
