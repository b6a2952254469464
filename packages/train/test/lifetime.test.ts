/**
 * Step-bounded reclamation (docs/memory.md): loops written as PyTorch users write them, with no
 * tidy, dispose or keep, stay flat; what the program holds on purpose is never freed under it.
 * Runs on cpu and on wasm like every test of this package.
 */
import { Linear, type Module, ReLU, Sequential } from '@nnet/layers';
import { bceWithLogits, crossEntropy } from '@nnet/loss';
import { Adam, SGD } from '@nnet/optim';
import {
  cat,
  DisposedError,
  getBackend,
  manualSeed,
  memory,
  noGrad,
  randint,
  randn,
  scope,
  type Tensor,
  tidyAsync,
  zeros,
} from '@nnet/tensor';
import { readsSynchronously } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';

const N = 256;
const STEPS = 300;
const CHECK = 100;

function mlp(): Module {
  return new Sequential(new Linear(20, 32), new ReLU(), new Linear(32, 4));
}

function data(): { X: Tensor; Y: Tensor } {
  return { X: randn([N, 20]), Y: randint(0, 4, [N], { dtype: 'int32' }) };
}

interface Snapshot {
  tensors: number;
  bytes: number;
  backendBytes: number;
}

function snap(): Snapshot {
  const m = memory();
  return { tensors: m.tensors, bytes: m.bytes, backendBytes: getBackend().memory().bytes };
}

/** Runs `step(i)` STEPS times and checks that memory at the end equals memory at step CHECK. */
function expectFlat(step: (i: number) => void): void {
  let atCheck: Snapshot | null = null;
  for (let i = 0; i < STEPS; i++) {
    step(i);
    if (i === CHECK) atCheck = snap();
  }
  expect(snap()).toEqual(atCheck);
}

// These loops read the way PyTorch users write them, with item(): they run where the backend reads
// synchronously (cpu, wasm); NNET_BACKEND=cpu-async runs the asynchronous scopes below.
describe.runIf(readsSynchronously())('a training loop with no tidy stays flat', () => {
  it('the issue’s loop: randint batches, crossEntropy, backward, step, item every 100 steps', () => {
    manualSeed(0);
    const { X, Y } = data();
    const model = mlp();
    const opt = new Adam(model.parameters(), { lr: 1e-2 });
    const logged: number[] = [];
    expectFlat((step) => {
      const idx = randint(0, N, [64], { dtype: 'int32' });
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(X.indexSelect(0, idx)), Y.indexSelect(0, idx));
      loss.backward();
      opt.step();
      if (step % 100 === 0) logged.push(loss.item());
    });
    expect(logged.length).toBe(3);
    expect(logged[2]).toBeLessThan(logged[0]);
    // Data made before the loop is still usable.
    expect(X.sum().item()).toBeTypeOf('number');
  });

  it('a loop that awaits between steps', async () => {
    manualSeed(1);
    const { X, Y } = data();
    const model = mlp();
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    let atCheck: Snapshot | null = null;
    for (let step = 0; step < STEPS; step++) {
      const idx = randint(0, N, [32], { dtype: 'int32' });
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(X.indexSelect(0, idx)), Y.indexSelect(0, idx));
      loss.backward();
      opt.step();
      await loss.data();
      await new Promise((r) => setTimeout(r, 0));
      if (step === CHECK) atCheck = snap();
    }
    // Between jobs the garbage collector may also free what earlier tests dropped, so the counts
    // can only fall here; growth of one step's tensors would show as a rise of 200 steps × ~10.
    const end = snap();
    expect(end.tensors).toBeLessThanOrEqual(atCheck!.tensors);
    expect(end.bytes).toBeLessThanOrEqual(atCheck!.bytes);
  });

  it('an evaluation loop under noGrad', () => {
    manualSeed(2);
    const { X, Y } = data();
    const model = mlp();
    model.eval();
    let correct = 0;
    noGrad(() =>
      expectFlat((i) => {
        const start = (i * 16) % N;
        const out = model.forward(X.narrow(0, start, 16));
        correct += out
          .argmax(1)
          .eq(Y.narrow(0, start, 16))
          .sum()
          .item();
      }),
    );
    expect(correct).toBeGreaterThan(0);
  });

  it('a loop that collects loss.item() numbers and one that keeps a running sum on purpose', () => {
    manualSeed(3);
    const { X, Y } = data();
    const model = mlp();
    const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const losses: number[] = [];
    let running = zeros([]);
    expectFlat(() => {
      const idx = randint(0, N, [32], { dtype: 'int32' });
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(X.indexSelect(0, idx)), Y.indexSelect(0, idx));
      loss.backward();
      opt.step();
      losses.push(loss.item());
      running = running.add(loss.detach());
    });
    const expected = losses.reduce((a, b) => a + Math.fround(b), 0);
    expect(running.item()).toBeCloseTo(expected, 1);
  });

  it('a GAN-style loop: two models, two optimizers, both losses read at the end of the iteration', () => {
    manualSeed(4);
    const G = new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 2));
    const D = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 1));
    const optG = new Adam(G.parameters(), { lr: 1e-3 });
    const optD = new Adam(D.parameters(), { lr: 1e-3 });
    const real = randn([N, 2]).mul(0.5).add(2);
    const ones = zeros([32, 1]).add(1);
    const zerosT = zeros([32, 1]);
    const seen: number[] = [];
    expectFlat(() => {
      const idx = randint(0, N, [32], { dtype: 'int32' });
      const fake = G.forward(randn([32, 8]));
      optD.zeroGrad();
      const lossD = bceWithLogits(D.forward(real.indexSelect(0, idx)), ones).add(
        bceWithLogits(D.forward(fake.detach()), zerosT),
      );
      lossD.backward();
      optD.step();
      optG.zeroGrad();
      const lossG = bceWithLogits(D.forward(fake), ones);
      lossG.backward();
      optG.step();
      seen.push(lossD.item() + lossG.item());
    });
    expect(seen.every(Number.isFinite)).toBe(true);
  });
});

describe.runIf(readsSynchronously())('what the program holds is never freed under it', () => {
  it('a tensor made after step() and used in the next step survives; one left unused throws, saying why', () => {
    manualSeed(5);
    const { X, Y } = data();
    const model = mlp();
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    let next = randint(0, N, [16], { dtype: 'int32' });
    let stale: Tensor | null = null;
    for (let step = 0; step < 10; step++) {
      const idx = next;
      opt.zeroGrad();
      const out = model.forward(X.indexSelect(0, idx));
      const loss = crossEntropy(out, Y.indexSelect(0, idx));
      loss.backward();
      opt.step();
      // Read right after step(): the grace of one step.
      expect(out.argmax(1).shape).toEqual([16]);
      next = randint(0, N, [16], { dtype: 'int32' }); // made after step(), used in the next step
      if (step === 3) stale = loss;
    }
    expect(() => stale!.item()).toThrow(DisposedError);
    expect(() => stale!.item()).toThrow(/freed automatically at optimizer step .*keep\(\)/);
    // Parameters, gradients and optimizer state are held.
    for (const p of model.parameters()) {
      expect(p.isDisposed).toBe(false);
      expect(p.grad?.isDisposed).toBe(false);
    }
  });

  it('kept tensors and data made before the loop (used rarely) are never freed', () => {
    manualSeed(6);
    const { X, Y } = data();
    const validation = randn([8, 20]); // made before the loop, used every 50 steps
    const model = mlp();
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    let best: Tensor | null = null;
    for (let step = 0; step < 120; step++) {
      const idx = randint(0, N, [16], { dtype: 'int32' });
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(X.indexSelect(0, idx)), Y.indexSelect(0, idx));
      loss.backward();
      opt.step();
      if (step === 7) best = loss.detach().keep();
      if (step % 50 === 0) noGrad(() => model.forward(validation).sum().item());
    }
    expect(best!.item()).toBeTypeOf('number');
    expect(validation.isDisposed).toBe(false);
  });

  it('a tensor made inside the loop and used every step (a mask made lazily) survives', () => {
    manualSeed(7);
    const { X, Y } = data();
    const model = mlp();
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    let weights: Tensor | null = null;
    for (let step = 0; step < 20; step++) {
      weights ??= zeros([4]).add(1); // made at step 0... or later in real programs
      const idx = randint(0, N, [16], { dtype: 'int32' });
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(X.indexSelect(0, idx)), Y.indexSelect(0, idx), {
        weight: weights,
      });
      loss.backward();
      opt.step();
    }
    expect(weights!.isDisposed).toBe(false);
  });

  it('outputs collected under noGrad without being touched stay until the program uses them', () => {
    manualSeed(8);
    const model = mlp();
    const batches = Array.from({ length: 40 }, () => randn([4, 20]));
    const outs = noGrad(() => batches.map((b) => model.forward(b)));
    expect(outs.every((o) => !o.isDisposed)).toBe(true);
    const all = noGrad(() => cat(outs, 0));
    expect(all.shape).toEqual([160, 4]);
  });
});

describe('asynchronous scopes', () => {
  it('tidyAsync frees what it made across awaits and keeps what it returns', async () => {
    const made: Tensor[] = [];
    const kept = await tidyAsync(async () => {
      const a = randn([4, 4]);
      await new Promise((r) => setTimeout(r, 1));
      const b = a.matmul(a);
      await b.data();
      made.push(a, b);
      return b.sum();
    });
    expect(made.map((t) => t.isDisposed)).toEqual([true, true]);
    expect(() => made[0].sum()).toThrow(/end of the tidyAsync\(\)\/scope\(\) that made it/);
    expect(kept.isDisposed).toBe(false);
    kept.dispose();
  });

  it('interleaved scopes never free what another one still uses or returned', async () => {
    const tick = () => new Promise((r) => setTimeout(r, 1));
    const made: Tensor[] = [];
    const log: string[] = [];
    const a = tidyAsync(async () => {
      const x = randn([3]);
      await tick();
      const y = x.mul(2);
      await tick();
      log.push(`a:${(await y.data()).length}`);
      made.push(x);
      return y;
    });
    const b = (async () => {
      using s = scope();
      const u = randn([5]);
      await tick();
      await tick();
      const v = u.add(1); // made while a's scope is open too: freed only when both have closed
      await tick();
      log.push(`b:${(await v.data()).length}`);
      made.push(u, v);
      expect(s.isOpen).toBe(true);
    })();
    const [ya] = await Promise.all([a, b]);
    expect(log.sort()).toEqual(['a:3', 'b:5']);
    expect(made.every((t) => t.isDisposed)).toBe(true);
    expect(ya.isDisposed).toBe(false);
    expect(await ya.data()).toHaveLength(3);
    ya.dispose();
  });
});
