/**
 * Training on webgpu gives cpu's losses: an MLP (SGD with momentum and weight decay, and Adam: the
 * fused update kernels) and a CNN (conv2d, max-pool and their gradients, cross-entropy), 20 steps
 * each from the same seed, every loss read asynchronously, within 1e-4 relative. On whatever
 * adapter exists (lavapipe in CI); only a machine with no WebGPU adapter at all skips, saying why.
 */
import { CpuBackend } from '@nnet/backend-cpu';
import { Conv2d, Flatten, Linear, MaxPool2d, type Module, ReLU, Sequential, Tanh } from '@nnet/layers';
import { crossEntropy, mse } from '@nnet/loss';
import { Adam, SGD } from '@nnet/optim';
import { manualSeed, randint, randn, registerBackend, setBackend, type Tensor } from '@nnet/tensor';
import { webgpuForTests } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import { trainLosses } from './train_losses.js';

const gpu = await webgpuForTests();

type Setup = () => { net: Module; x: Tensor; y: Tensor; loss: (out: Tensor, y: Tensor) => Tensor };

const mlp: Setup = () => ({
  net: new Sequential(new Linear(20, 32), new ReLU(), new Linear(32, 16), new Tanh(), new Linear(16, 4)),
  x: randn([48, 20]),
  y: randn([48, 4]),
  loss: mse,
});

const cnn: Setup = () => ({
  net: new Sequential(
    new Conv2d(1, 4, 3, { padding: 1 }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(4, 8, 3),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(8 * 2 * 2, 5),
  ),
  x: randn([16, 1, 12, 12]),
  y: randint(0, 5, [16], { dtype: 'int32' }),
  loss: crossEntropy,
});

async function losses(backend: string, setup: Setup, optimizer: 'sgd' | 'adam'): Promise<number[]> {
  await setBackend(backend);
  manualSeed(3);
  const { net, x, y, loss } = setup();
  const opt =
    optimizer === 'sgd'
      ? new SGD(net.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 1e-3 })
      : new Adam(net.parameters(), { lr: 0.01 });
  const out = await trainLosses(20, opt, () => loss(net.forward(x), y));
  net.dispose();
  return out;
}

describe.skipIf(gpu === null)('training on webgpu gives the cpu losses', () => {
  registerBackend('cpu-agrees', () => new CpuBackend(), -1);
  if (gpu) registerBackend('webgpu-agrees', () => gpu, -1);

  for (const [name, setup, optimizer] of [
    ['MLP, SGD with momentum', mlp, 'sgd'],
    ['MLP, Adam', mlp, 'adam'],
    ['CNN (conv2d, max-pool, cross-entropy), SGD with momentum', cnn, 'sgd'],
  ] as const) {
    it(`${name}: 20 steps within 1e-4 relative`, async () => {
      const cpu = await losses('cpu-agrees', setup, optimizer);
      const webgpu = await losses('webgpu-agrees', setup, optimizer);
      expect(webgpu).toHaveLength(20);
      webgpu.forEach((l, i) =>
        expect(Math.abs(l - cpu[i]), `step ${i}: webgpu ${l}, cpu ${cpu[i]}`).toBeLessThanOrEqual(
          1e-4 * Math.abs(cpu[i]),
        ),
      );
      expect(cpu[19]).toBeLessThan(cpu[0]);
    }, 60_000);
  }
});
