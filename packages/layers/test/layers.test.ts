import {
  GradError,
  manualSeed,
  memory,
  randn,
  ShapeError,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from '@nnet/tensor';
import { readArray, readFixture, values } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import {
  Linear,
  ManualLinear,
  Module,
  NeuralNet,
  Parameter,
  ReLU,
  Sequential,
  Softmax,
  Tanh,
} from '../src/index.js';
import { checkWeightBiasCase, type WeightBiasCase } from './layer_case.js';

const fixture = readFixture<{ cases: WeightBiasCase[] }>(new URL('./fixtures/linear.json', import.meta.url));

describe('Linear matches PyTorch', () => {
  fixture.cases.forEach((c, k) => {
    it(`forward and backward, case ${k} (input ${JSON.stringify(c.x.shape)})`, async () => {
      const layer = new Linear(c.weight.shape[1], c.weight.shape[0]);
      await checkWeightBiasCase(layer, c);
    });
  });

  it('initialises like PyTorch: U(-1/sqrt(in), 1/sqrt(in)), seeded', async () => {
    manualSeed(3);
    const a = new Linear(16, 64);
    manualSeed(3);
    const b = new Linear(16, 64);
    expect(await readArray(a.weight)).toEqual(await readArray(b.weight));
    const w = await values(a.weight);
    expect(Math.max(...w)).toBeLessThanOrEqual(0.25);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-0.25);
    expect(Math.max(...w)).toBeGreaterThan(0.2);
    expect(new Linear(3, 2, { bias: false }).bias).toBeNull();
  });

  it('rejects an input of the wrong width with a ShapeError naming the fix', () => {
    const layer = new Linear(3, 2);
    expect(() => layer.forward(randn([4, 5]))).toThrow(ShapeError);
    expect(() => layer.forward(randn([4, 5]))).toThrow(
      /Linear\(3, 2\): input \[4, 5\] has 5 features.*expected 3/,
    );
  });
});

describe('Module bookkeeping', () => {
  const net = () =>
    new Sequential(
      new Linear(2, 3),
      new Tanh(),
      new Sequential(new Linear(3, 4), new ReLU()),
      new Softmax(1),
    );

  it('names parameters with dots, in registration order', () => {
    const n = net();
    expect(n.namedParameters().map(([k]) => k)).toEqual(['0.weight', '0.bias', '2.0.weight', '2.0.bias']);
    expect(n.parameters().every((p) => p instanceof Parameter && p.requiresGrad)).toBe(true);
    expect(n.children().length).toBe(4);
    expect(n.modules().length).toBe(7);
    expect(n.numParameters()).toBe(2 * 3 + 3 + 3 * 4 + 4);
    expect(NeuralNet).toBe(Sequential);
  });

  it('train() and eval() reach every descendant', () => {
    const n = net().eval();
    expect(n.modules().every((m) => !m.training)).toBe(true);
    n.train();
    expect(n.modules().every((m) => m.training)).toBe(true);
  });

  it('zeroGrad clears gradients', () => {
    const n = net();
    n.forward(randn([5, 2]))
      .sum()
      .backward();
    expect(n.parameters().every((p) => p.grad !== null)).toBe(true);
    n.zeroGrad();
    expect(n.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('stateDict round-trips into a fresh model', async () => {
    manualSeed(1);
    const a = net();
    manualSeed(2);
    const b = net();
    const x = randn([3, 2]);
    expect(await readArray(b.forward(x))).not.toEqual(await readArray(a.forward(x)));
    b.loadStateDict(a.stateDict());
    expect(await readArray(b.forward(x))).toEqual(await readArray(a.forward(x)));
  });

  it('strict loadStateDict lists every missing, unexpected and mis-shaped key', () => {
    const n = net();
    const sd = { ...n.stateDict() };
    delete sd['0.bias'];
    sd.extra = randn([1]);
    expect(() => n.loadStateDict(sd)).toThrow(ValueError);
    expect(() => n.loadStateDict(sd)).toThrow(/missing keys: '0.bias'; unexpected keys: 'extra'/);
    expect(() => n.loadStateDict({ ...n.stateDict(), '0.weight': randn([9, 9]) })).toThrow(
      /shape mismatch for '0.weight' \(model \[3, 2\], given \[9, 9\]\)/,
    );
    expect(n.loadStateDict(sd, { strict: false })).toEqual({
      missingKeys: ['0.bias'],
      unexpectedKeys: ['extra'],
    });
  });

  it('prints a readable summary with output shapes and parameter counts', () => {
    const n = net();
    n.forward(randn([5, 2]));
    const s = n.toString();
    expect(s).toContain('Sequential(\n  (0): Linear(inFeatures=2, outFeatures=3, bias=true)  → [5, 3]');
    expect(s).toContain('  (2): Sequential(\n    (0): Linear(inFeatures=3, outFeatures=4, bias=true)');
    expect(s).toContain('(3): Softmax(dim=1)');
    expect(s).toContain('Parameters: 25 (trainable 25)');
  });

  it('a custom module registers its own parameters and children', () => {
    class Affine extends Module {
      readonly scale = this.registerParameter('scale', new Parameter(tensor([2])))!;
      readonly inner = this.registerModule('inner', new Linear(1, 1));
      forward(x: Tensor): Tensor {
        return this.inner.forward(x).mul(this.scale);
      }
    }
    const m = new Affine();
    expect(m.namedParameters().map(([k]) => k)).toEqual(['scale', 'inner.weight', 'inner.bias']);
    expect(() =>
      (m as unknown as { registerModule: (n: string, m: Module) => void }).registerModule(
        'inner',
        new Tanh(),
      ),
    ).toThrow(/already registered/);
  });
});

describe('a layer with its own forward and backward (customGrad)', () => {
  it('ManualLinear trains exactly like the autograd Linear', async () => {
    manualSeed(5);
    const auto = new Linear(3, 2);
    manualSeed(5);
    const manual = new ManualLinear(3, 2);
    const x = randn([8, 3]);
    const y = randn([8, 2]);
    for (let step = 0; step < 5; step++) {
      for (const layer of [auto, manual]) {
        tidy(() => {
          layer.zeroGrad();
          const loss = layer.forward(x).sub(y).square().mean();
          loss.backward();
          for (const p of layer.parameters()) p.assign(p.sub(p.grad!.mul(0.1)));
        });
      }
    }
    const a = (await values(auto.weight)).concat(await values(auto.bias!));
    const m = (await values(manual.weight)).concat(await values(manual.bias));
    a.forEach((v, i) => expect(Math.abs(v - m[i])).toBeLessThan(1e-6));
  });
});

describe('memory', () => {
  it('forward and backward inside tidy leave memory() flat', () => {
    const n = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1));
    const x = randn([16, 4]);
    const step = () =>
      tidy(() => {
        n.zeroGrad();
        n.forward(x).square().mean().backward();
      });
    step();
    const before = memory();
    for (let i = 0; i < 50; i++) step();
    expect(memory()).toEqual(before);
    expect(() => n.forward(x).backward()).toThrow(GradError);
  });
});
