/**
 * safetensors interop with PyTorch, both ways, on committed fixtures (CI needs no PyTorch):
 * - a state dict PyTorch wrote loads into the same nnet network and gives PyTorch's outputs;
 * - the file nnet writes (checked byte for byte against the committed one) loaded in PyTorch gave
 *   the outputs nnet computes.
 * Two networks: a small CNN (gen_interop_torch.py) and a CNN + MLP with BatchNorm2d/BatchNorm1d
 * whose buffers, num_batches_tracked (I64) included, and F16/BF16 copies PyTorch strict-loads
 * (gen_interop_dtypes.py, which also checks the F16/BF16 bytes are PyTorch's own rounding).
 * Regenerate: NNET_WRITE_INTEROP=1 pnpm --filter @nnet/layers exec vitest run test/safetensors_interop.test.ts
 *   then /usr/bin/python3 scripts/gen_interop_torch.py and /usr/bin/python3 scripts/gen_interop_dtypes.py
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  decodeSafetensors,
  encodeSafetensorsAsync,
  manualSeed,
  noGrad,
  rand,
  randn,
  type Tensor,
  tensor,
} from '@nnet/tensor';
import { expectClose as expectCloseDefault, readItem, values } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
} from '../src/index.js';

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

/** gen_interop_dtypes.py's network: state-dict names 0.*, 1.* (BatchNorm2d), 5.*, 6.* (BatchNorm1d), 8.*. */
function bnNetwork(): Sequential {
  return new Sequential(
    new Conv2d(1, 4, 3, { padding: 1 }),
    new BatchNorm2d(4),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(36, 8),
    new BatchNorm1d(8),
    new ReLU(),
    new Linear(8, 3),
  );
}

/**
 * The nnet BatchNorm model of the fixtures: seed 12, BatchNorm affine parameters and running
 * statistics drawn (not computed, so every backend writes the same bytes) and a count of 7.
 */
function nnetBnModel(): Sequential {
  manualSeed(12);
  const model = bnNetwork();
  noGrad(() => {
    for (const bn of [model.children()[1], model.children()[6]] as (BatchNorm1d | BatchNorm2d)[]) {
      const c = bn.numFeatures;
      bn.weight!.assign(rand([c]).add(0.5));
      bn.bias!.assign(randn([c]).mul(0.1));
      bn.runningMean!.assign(randn([c]).mul(0.2));
      bn.runningVar!.assign(rand([c]).add(0.5));
      bn.numBatchesTracked!.assign(tensor(7, { dtype: 'int32' }));
    }
  });
  return model;
}
const BN_VARIANTS = [
  ['nnet_bn', 'F32'],
  ['nnet_bn_f16', 'F16'],
  ['nnet_bn_bf16', 'BF16'],
] as const;
const encodeBn = (model: Sequential, floatDtype: 'F32' | 'F16' | 'BF16') =>
  encodeSafetensorsAsync(model.stateDict(), { floatDtype, intDtype: 'I64', metadata: { format: 'pt' } });

interface Fixture {
  shape: number[];
  data: number[];
}
const readJson = (name: string): Fixture => JSON.parse(readFileSync(file(name), 'utf8'));
const fromFixture = (f: Fixture): Tensor => tensor(Float32Array.from(f.data), { shape: f.shape });

/** Within 1e-5 + 1e-5·|want| of PyTorch's values (read asynchronously: runs on every backend). */
const expectClose = (actual: Tensor, expected: Fixture) => expectCloseDefault(actual, expected, 1e-5, 1e-5);

if (process.env.NNET_WRITE_INTEROP === '1') {
  const model = nnetModel();
  writeFileSync(
    file('nnet_model.safetensors'),
    await encodeSafetensorsAsync(model.stateDict(), { metadata: { source: 'nnet' } }),
  );
  for (const [name, dtype] of BN_VARIANTS)
    writeFileSync(file(`${name}.safetensors`), await encodeBn(nnetBnModel(), dtype));
  const x = randn([2, 1, 6, 6]);
  writeFileSync(file('input.json'), `${JSON.stringify({ shape: x.shape, data: await values(x) })}\n`);
}

describe('safetensors interop with PyTorch', () => {
  it('the fixtures are committed', async () => {
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
    await expectClose(
      model.forward(fromFixture(readJson('input.json'))),
      readJson('torch_model.torch_out.json'),
    );
  });

  it('the file nnet writes is the committed one, and PyTorch computed the outputs nnet computes from it', async () => {
    const model = nnetModel();
    const written = await encodeSafetensorsAsync(model.stateDict(), { metadata: { source: 'nnet' } });
    expect(Buffer.from(written).equals(readFileSync(file('nnet_model.safetensors')))).toBe(true);
    model.eval();
    await expectClose(
      model.forward(fromFixture(readJson('input.json'))),
      readJson('nnet_model.torch_out.json'),
    );
  });
});

describe('BatchNorm state dicts with PyTorch (num_batches_tracked, F16, BF16)', () => {
  const torchBn = JSON.parse(readFileSync(file('torch_bn.json'), 'utf8')) as {
    keys: string[];
    input: Fixture;
    eval_out: Fixture;
    train_out: Fixture;
    buffers_after_step: Record<string, Fixture>;
  };
  const x = () => fromFixture(torchBn.input);

  it('PyTorch’s file loads strictly, in PyTorch’s key order, and gives its outputs in eval and train mode', async () => {
    const { tensors } = decodeSafetensors(new Uint8Array(readFileSync(file('torch_bn.safetensors'))));
    expect(tensors['1.num_batches_tracked'].dtype).toBe('int32'); // stored as I64
    const model = bnNetwork();
    expect(Object.keys(model.stateDict())).toEqual(torchBn.keys);
    expect(model.loadStateDict(tensors)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(await readItem(model.stateDict()['6.num_batches_tracked'])).toBe(3);
    model.eval();
    await expectClose(model.forward(x()), torchBn.eval_out);
    // One training step: batch statistics, running statistics and the count move as in PyTorch.
    model.train();
    await expectClose(model.forward(x()), torchBn.train_out);
    const sd = model.stateDict();
    for (const [k, want] of Object.entries(torchBn.buffers_after_step)) await expectClose(sd[k], want);
    expect(await readItem(sd['1.num_batches_tracked'])).toBe(4);
  });

  for (const [name, dtype] of BN_VARIANTS) {
    it(`nnet writes ${name}.safetensors (${dtype}, counts as I64) as committed; PyTorch strict-loaded it and computed nnet’s outputs`, async () => {
      const model = nnetBnModel();
      const written = await encodeBn(model, dtype);
      expect(Buffer.from(written).equals(readFileSync(file(`${name}.safetensors`)))).toBe(true);
      const header = JSON.parse(
        new TextDecoder().decode(
          written.subarray(8, 8 + Number(new DataView(written.buffer).getBigUint64(0, true))),
        ),
      );
      expect(header['1.num_batches_tracked']).toMatchObject({ dtype: 'I64', shape: [] });
      expect(header['0.weight'].dtype).toBe(dtype);
      // nnet reads its own file back (F16/BF16 rounded) and computes what PyTorch computed from it.
      const back = bnNetwork();
      back.loadStateDict(decodeSafetensors(written).tensors);
      back.eval();
      await expectClose(back.forward(x()), readJson(`${name}.torch_out.json`));
    });
  }
});
