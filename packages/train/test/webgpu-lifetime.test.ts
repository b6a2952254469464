/**
 * A training loop with no tidy or dispose, reading its loss asynchronously, keeps a bounded number
 * of GPU storages: the front end's step-bounded reclamation frees each step's intermediates on
 * this backend too. Its own file, so no other test's leftovers (freed whenever the garbage
 * collector runs) move the count.
 */
import { Linear, ReLU, Sequential } from '@nnet/layers';
import { mse } from '@nnet/loss';
import { Adam } from '@nnet/optim';
import { manualSeed, randn, registerBackend, setBackend } from '@nnet/tensor';
import { webgpuForTests } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';

const gpu = await webgpuForTests();

describe.skipIf(gpu === null)('memory on webgpu', () => {
  it('40 steps with no tidy: no step leaves a GPU storage behind', async () => {
    if (!gpu) return;
    const backend = gpu;
    registerBackend('webgpu-lifetime', () => backend, -1);
    await setBackend('webgpu-lifetime');
    manualSeed(5);
    const x = randn([32, 10]);
    const y = randn([32, 2]);
    const net = new Sequential(new Linear(10, 16), new ReLU(), new Linear(16, 2));
    const opt = new Adam(net.parameters(), { lr: 0.01 });
    const storages: number[] = [];
    for (let step = 0; step < 40; step++) {
      opt.zeroGrad();
      const loss = mse(net.forward(x), y);
      loss.backward();
      opt.step();
      await loss.data();
      storages.push(backend.memory().storages);
    }
    // Warm-up fills the optimizer state and the first rounds; after it, no growth at all.
    expect(Math.max(...storages.slice(10))).toBeLessThanOrEqual(storages[9]);
    expect(storages[39]).toBeLessThan(60);
  });
});
