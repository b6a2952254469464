import { CpuBackend } from '@nnet/backend-cpu';
import { createWasmBackend } from '@nnet/backend-wasm';
import { Linear, ReLU, Sequential, Tanh } from '@nnet/layers';
import { crossEntropy, mse } from '@nnet/loss';
import { SGD } from '@nnet/optim';
import { manualSeed, memory, randint, randn, registerBackend, setBackend, tensor, tidy } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { trainLosses } from './train_losses.js';

// The same seeded training on the pure-JS and the WebAssembly backend gives the same losses.
describe('training is identical on cpu and wasm', () => {
  registerBackend('cpu-check', () => new CpuBackend(), -1);
  registerBackend('wasm-check', () => createWasmBackend(), -1);

  async function xorLosses(backend: string): Promise<number[]> {
    await setBackend(backend);
    manualSeed(1);
    const x = tensor([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    const y = tensor([
      [1, 0],
      [0, 1],
      [0, 1],
      [1, 0],
    ]);
    const net = new Sequential(new Linear(2, 2), new Tanh(), new Linear(2, 2));
    const opt = new SGD(net.parameters(), { lr: 0.05 });
    return trainLosses(300, opt, () => mse(net.forward(x), y, { reduction: 'sum' }));
  }

  async function mlpLosses(backend: string): Promise<number[]> {
    await setBackend(backend);
    manualSeed(7);
    const x = randn([64, 20]);
    const y = randint(0, 5, [64]);
    const net = new Sequential(new Linear(20, 32), new ReLU(), new Linear(32, 5));
    const opt = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
    return trainLosses(50, opt, () => crossEntropy(net.forward(x), y));
  }

  for (const [name, run] of [
    ['XOR', xorLosses],
    ['an MLP on random data', mlpLosses],
  ] as const) {
    it(`${name}: the same losses to 1e-4 relative`, async () => {
      const cpu = await run('cpu-check');
      const wasm = await run('wasm-check');
      expect(wasm.length).toBe(cpu.length);
      wasm.forEach((l, i) =>
        expect(Math.abs(l - cpu[i])).toBeLessThanOrEqual(1e-4 * Math.abs(cpu[i]) + 1e-7),
      );
      expect(cpu[cpu.length - 1]).toBeLessThan(cpu[0]);
    }, 60_000);
  }

  it('a training loop on wasm keeps memory flat', async () => {
    await setBackend('wasm-check');
    const x = randn([32, 8]);
    const net = new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 1));
    const opt = new SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
    const step = () =>
      tidy(() => {
        opt.zeroGrad();
        net.forward(x).square().mean().backward();
        opt.step();
      });
    step();
    const before = memory();
    for (let i = 0; i < 100; i++) step();
    expect(memory()).toEqual(before);
  }, 60_000);
});
