import { noGrad, type Tensor, tensor } from '@nnet/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { importOnnx } from '../src/index.js';
import { fixtureBytes, fixtureJson } from './helpers.js';

type Enc = { shape: number[]; dtype: 'float32' | 'int32' | 'bool'; data: number[] };
interface Fixture {
  torch: string;
  opset: number;
  cases: { inputs: Record<string, Enc>; outputs: Record<string, Enc> }[];
}

function decode(e: Enc): Tensor {
  if (e.dtype === 'float32') return tensor(Float32Array.from(e.data), { shape: e.shape });
  if (e.dtype === 'int32') return tensor(Int32Array.from(e.data), { shape: e.shape, dtype: 'int32' });
  return tensor(Uint8Array.from(e.data), { shape: e.shape, dtype: 'bool' });
}

const measured: Record<string, number> = {};
afterAll(() =>
  console.log(
    'max |nnet - PyTorch| on imported attention, newer-layer and GPT-2 files:',
    JSON.stringify(measured),
  ),
);

describe('importOnnx runs torch.onnx.export files of the attention and newer layers and GPT-2 like PyTorch (rtol 1e-4, atol 1e-5)', () => {
  for (const name of [
    'attn_mha',
    'attn_mha_kdim',
    'attn_encoder',
    'attn_encoder_opset17',
    'attn_decoder',
    'attn_text',
    'extra_activations',
    'extra_conv1d',
    'extra_conv3d',
    'gpt2',
  ]) {
    it(`${name}: two batch and sequence sizes, every output`, async () => {
      const fx = fixtureJson<Fixture>(`torch_${name}.json`);
      const model = importOnnx(fixtureBytes(`torch_${name}.onnx`));
      expect(model.opset).toBe(fx.opset);
      let worst = 0;
      const sizes = new Set<string>();
      for (const { inputs, outputs } of fx.cases) {
        expect(model.inputNames).toEqual(Object.keys(inputs));
        const given = Object.fromEntries(Object.entries(inputs).map(([n, e]) => [n, decode(e)]));
        sizes.add(JSON.stringify(Object.values(inputs).map((e) => e.shape)));
        const got = noGrad(() => model.run(given));
        expect(Object.keys(got)).toEqual(Object.keys(outputs));
        for (const [n, want] of Object.entries(outputs)) {
          expect(got[n].shape).toEqual(want.shape);
          const data = await got[n].data();
          want.data.forEach((w, i) => {
            const d = Math.abs(data[i] - w);
            expect(d).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(w));
            worst = Math.max(worst, d);
          });
          got[n].dispose();
        }
        for (const t of Object.values(given)) t.dispose();
      }
      // The second case has other batch (and sequence) sizes than the export's example.
      expect(sizes.size).toBe(2);
      measured[name] = Number(worst.toExponential(2));
      model.dispose();
    });
  }
});
