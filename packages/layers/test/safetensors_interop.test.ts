/**
 * safetensors interop with PyTorch, both ways, on committed fixtures (CI needs no PyTorch):
 * - a state dict PyTorch wrote loads into the same nnet network and gives PyTorch's outputs;
 * - the file nnet writes (checked byte for byte against the committed one) loaded in PyTorch gave
 *   the outputs nnet computes.
 * Regenerate: NNET_WRITE_INTEROP=1 pnpm --filter @nnet/layers exec vitest run test/safetensors_interop.test.ts
 *   then /usr/bin/python3 scripts/gen_interop_torch.py
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { decodeSafetensors, encodeSafetensors, manualSeed, randn, type Tensor, tensor } from '@nnet/tensor';
import { expectClose, readsSynchronously, values } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '../src/index.js';

const dir = new URL('./fixtures/interop/', import.meta.url);
const file = (name: string) => new URL(name, dir);

/** The same network as gen_interop_torch.py's (state-dict names 0.weight, 0.bias, 4.weight, 4.bias). */
function network(): Sequential {
  return new Sequential(
    new Conv2d(1, 3, 3, { padding: 1 }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(27, 4),
  );
}

/** The nnet model of the fixtures: seed 11. */
function nnetModel(): Sequential {
  manualSeed(11);
  return network();
}

interface Fixture {
  shape: number[];
  data: number[];
}
const readJson = (name: string): Fixture => JSON.parse(readFileSync(file(name), 'utf8'));
const fromFixture = (f: Fixture): Tensor => tensor(Float32Array.from(f.data), { shape: f.shape });

if (process.env.NNET_WRITE_INTEROP === '1') {
  const model = nnetModel();
  writeFileSync(file('nnet_model.safetensors'), encodeSafetensors(model.stateDict(), { source: 'nnet' }));
  const x = randn([2, 1, 6, 6]);
  writeFileSync(file('input.json'), `${JSON.stringify({ shape: x.shape, data: await values(x) })}\n`);
}

/** The model's output on the committed input against the outputs PyTorch stored in `name`. */
const expectTorchOut = (model: Sequential, name: string) =>
  expectClose(model.forward(fromFixture(readJson('input.json'))), readJson(name), 1e-5, 1e-5);

describe('safetensors interop with PyTorch', () => {
  it('the fixtures are committed', () => {
    for (const name of [
      'input.json',
      'nnet_model.safetensors',
      'nnet_model.torch_out.json',
      'torch_model.safetensors',
      'torch_model.torch_out.json',
    ])
      expect(existsSync(file(name)), name).toBe(true);
  });

  it('a state dict PyTorch wrote loads into nnet and gives PyTorch outputs', async () => {
    const { tensors, metadata } = decodeSafetensors(
      new Uint8Array(readFileSync(file('torch_model.safetensors'))),
    );
    expect(metadata.source).toBe('gen_interop_torch.py');
    const model = network();
    model.loadStateDict(tensors);
    model.eval();
    await expectTorchOut(model, 'torch_model.torch_out.json');
  });

  // encodeSafetensors reads synchronously: on a backend without readSync (NNET_BACKEND=cpu-async)
  // this needs @nnet/tensor's asynchronous encoder.
  it.runIf(readsSynchronously())(
    'the file nnet writes is the committed one, and PyTorch computed the outputs nnet computes from it',
    async () => {
      const model = nnetModel();
      const written = encodeSafetensors(model.stateDict(), { source: 'nnet' });
      expect(Buffer.from(written).equals(readFileSync(file('nnet_model.safetensors')))).toBe(true);
      model.eval();
      await expectTorchOut(model, 'nnet_model.torch_out.json');
    },
  );
});
