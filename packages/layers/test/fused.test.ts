import { manualSeed, memory, noGrad, randn, type Tensor, tidy } from '@nnet/tensor';
import { values } from '@nnet/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { LeakyReLU, Linear, type Module, ReLU, Sequential, Sigmoid, Tanh } from '../src/index.js';

// The unfused reference: each child's own forward, one after another (what Sequential did before).
function chained(model: Sequential, x: Tensor): Tensor {
  let out = x;
  for (let i = 0; i < model.length; i++) out = model.at(i).forward(out);
  return out;
}

function mlp(act: () => Module): Sequential {
  manualSeed(7);
  return new Sequential(new Linear(6, 5), act(), new Linear(5, 4), act(), new Linear(4, 3));
}

/** Three SGD steps on a squared loss; returns the losses and the final parameters. */
async function train(model: Sequential, run: (x: Tensor) => Tensor): Promise<number[][]> {
  manualSeed(3);
  const x = randn([8, 6]);
  const y = randn([8, 3]);
  const out: number[][] = [];
  for (let s = 0; s < 3; s++) {
    const loss = tidy(() => {
      const l = run(x).sub(y).square().mean();
      l.backward();
      return l;
    });
    out.push(await values(loss));
    loss.dispose();
    tidy(() =>
      noGrad(() => {
        for (const p of model.parameters()) p.assign(p.sub(p.grad!.mul(0.1)));
      }),
    );
    model.zeroGrad();
  }
  for (const p of model.parameters()) out.push(await values(p));
  x.dispose();
  y.dispose();
  return out;
}

describe('Sequential fuses Linear → ReLU / Tanh / Sigmoid', () => {
  for (const [name, act] of [
    ['ReLU', () => new ReLU()],
    ['Tanh', () => new Tanh()],
    ['Sigmoid', () => new Sigmoid()],
  ] as const) {
    it(`${name}: training 3 steps fused equals the unfused chain within 1e-6`, async () => {
      // Each module's wrapper captures its class's forward when built: spy before building.
      const proto = act().constructor.prototype as { forward: (x: Tensor) => Tensor };
      const spy = vi.spyOn(proto, 'forward');
      const fusedModel = mlp(act);
      const plainModel = mlp(act);
      const before = memory();
      const fused = await train(fusedModel, (x) => fusedModel.forward(x));
      // After an await a finalizer may free earlier tests' garbage: counts may fall, never rise.
      expect(memory().tensors).toBeLessThanOrEqual(before.tensors); // no intermediate leaks on the fused path
      expect(memory().bytes).toBeLessThanOrEqual(before.bytes);
      expect(spy).not.toHaveBeenCalled(); // both pairs ran fused
      const plain = await train(plainModel, (x) => chained(plainModel, x));
      expect(spy).toHaveBeenCalled(); // the reference ran the activation modules
      spy.mockRestore();
      expect(fused.length).toBe(plain.length);
      fused.forEach((row, r) =>
        row.forEach((v, i) => expect(Math.abs(v - plain[r][i])).toBeLessThanOrEqual(1e-6)),
      );
      // The losses moved: the comparison is of real training, not of a frozen model.
      expect(fused[2][0]).not.toBe(fused[0][0]);
      fusedModel.dispose();
      plainModel.dispose();
    });
  }

  it("skips the activation module's forward, yet toString lists both with their shapes", async () => {
    const proto = vi.spyOn(ReLU.prototype, 'forward'); // before building: see above
    const model = mlp(() => new ReLU());
    const relu = model.at(1);
    const y = model.forward(randn([2, 6]));
    expect(proto).not.toHaveBeenCalled();
    proto.mockRestore();
    expect(y.shape).toEqual([2, 3]);
    const s = model.toString();
    expect(s).toContain('(0): Linear(inFeatures=6, outFeatures=5, bias=true)  → [2, 5]');
    expect(s).toContain('(1): ReLU()  → [2, 5]');
    expect(s).toContain('(4): Linear(inFeatures=4, outFeatures=3, bias=true)  → [2, 3]');
    expect(relu).toBeInstanceOf(ReLU);
    model.dispose();
  });

  it('a replaced forward, a subclass or another activation is not fused', async () => {
    manualSeed(1);
    const custom = new ReLU();
    custom.forward = (x: Tensor) => x.mul(2); // the user's own: it must run
    class MyLinear extends Linear {
      override forward(x: Tensor): Tensor {
        return super.forward(x).add(1);
      }
    }
    const x = randn([3, 2]);
    const a = new Sequential(new Linear(2, 2), custom);
    expect(await values(a.forward(x))).toEqual(await values(a.at(0).forward(x).mul(2)));
    const b = new Sequential(new MyLinear(2, 2), new ReLU());
    expect(await values(b.forward(x))).toEqual(await values(b.at(0).forward(x).relu()));
    const c = new Sequential(new Linear(2, 2), new LeakyReLU(0.5));
    expect(await values(c.forward(x))).toEqual(await values(c.at(0).forward(x).leakyRelu(0.5)));
  });

  it('a wrong input still names Linear and its sizes', () => {
    const model = mlp(() => new Tanh());
    expect(() => model.forward(randn([2, 7]))).toThrow(/Linear\(6, 5\): input \[2, 7\] has 7 features/);
  });
});
