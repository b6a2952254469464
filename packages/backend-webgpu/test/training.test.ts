/**
 * An MLP trained for 20 steps on webgpu gives cpu's losses to 1e-4 (relative), reading every loss
 * asynchronously (`await loss.data()`), with SGD+momentum and with Adam (the fused update kernels).
 */
import '@nnet/backend-cpu';
import { Linear, ReLU, Sequential, Tanh } from '@nnet/layers';
import { mse } from '@nnet/loss';
import { Adam, SGD } from '@nnet/optim';
import { manualSeed, randn, registerBackend, setBackend, tidy } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { tryBackend } from './adapter.js';

const probe = await tryBackend();
const suite = 'backend' in probe ? describe : describe.skip;

async function losses(backend: string, optimizer: 'sgd' | 'adam'): Promise<number[]> {
  await setBackend(backend);
  manualSeed(3);
  const x = randn([48, 20]);
  const y = randn([48, 4]);
  const net = new Sequential(
    new Linear(20, 32),
    new ReLU(),
    new Linear(32, 16),
    new Tanh(),
    new Linear(16, 4),
  );
  const opt: SGD | Adam =
    optimizer === 'sgd'
      ? new SGD(net.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 1e-3 })
      : new Adam(net.parameters(), { lr: 0.01 });
  const out: number[] = [];
  for (let step = 0; step < 20; step++) {
    const loss = tidy(() => {
      opt.zeroGrad();
      const l = mse(net.forward(x), y);
      l.backward();
      opt.step();
      return l;
    });
    out.push((await loss.data())[0]);
    loss.dispose();
  }
  return out;
}

suite('training on webgpu matches cpu', () => {
  if ('backend' in probe) registerBackend('webgpu-test', () => probe.backend, -1);

  for (const optimizer of ['sgd', 'adam'] as const) {
    it(`MLP, 20 steps of ${optimizer}: the same losses within 1e-4`, async () => {
      const cpu = await losses('cpu', optimizer);
      const gpu = await losses('webgpu-test', optimizer);
      expect(gpu).toHaveLength(20);
      gpu.forEach((l, i) =>
        expect(Math.abs(l - cpu[i]), `step ${i}`).toBeLessThanOrEqual(1e-4 * Math.abs(cpu[i])),
      );
      expect(cpu[19]).toBeLessThan(cpu[0]);
    });
  }
});
