import { memory, noGrad, type Tensor, tensor } from '@nnet/tensor';
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

describe('importOnnx of the GPT-2 file', () => {
  it("keeps Hugging Face's state-dict names, trains with PyTorch's gradients, and frees what a forward makes", async () => {
    const fx = fixtureJson<Fixture & { grad: Record<string, Enc> }>('torch_gpt2.json');
    const before = memory();
    const gpt = importOnnx(fixtureBytes('torch_gpt2.onnx'));
    const named = new Map(gpt.namedParameters());
    expect(named.get('transformer.wte.weight')?.shape).toEqual([50, 16]);
    expect(named.get('transformer.h.1.mlp.c_proj.weight')?.shape).toEqual([64, 16]);
    // The exporter writes the tied lm_head as its own transposed initializer: the one other name.
    const untied = [...named.keys()].filter((n) => !n.startsWith('transformer.'));
    expect(untied.length).toBe(1);
    const head = named.get(untied[0])!;
    expect(head.shape).toEqual([16, 50]);
    const ids = decode(fx.cases[0].inputs.ids);
    const during = memory();
    noGrad(() => gpt.forward(ids)).dispose();
    expect(memory()).toEqual(during);

    const w = decode(fx.grad.weights);
    const logits = gpt.forward(ids);
    const weighted = logits.mul(w);
    const loss = weighted.sum();
    loss.backward();
    for (const [n, p] of named) expect(p.grad?.shape, n).toEqual(p.shape);
    // PyTorch's wte gradient is the embedding's part plus the tied head's.
    const wte = named.get('transformer.wte.weight')!;
    const headT = head.grad!.transpose(0, 1);
    const tied = wte.grad!.add(headT);
    const checks: [string, Tensor][] = [
      ['transformer.wte.weight', tied],
      ['transformer.h.0.attn.c_attn.weight', named.get('transformer.h.0.attn.c_attn.weight')!.grad!],
    ];
    let worst = 0;
    for (const [name, got] of checks) {
      const data = await got.data();
      fx.grad[name].data.forEach((want, i) => {
        const d = Math.abs(data[i] - want);
        expect(d).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(want));
        worst = Math.max(worst, d);
      });
    }
    measured.gpt2_grad = Number(worst.toExponential(2));
    for (const t of [logits, weighted, loss, headT, tied, w, ids]) t.dispose();
    gpt.dispose();
    for (const p of named.values()) p.grad?.dispose();
    // After an await a finalizer may free earlier tests' garbage: counts may fall, never rise.
    expect(memory().tensors).toBeLessThanOrEqual(before.tensors);
    expect(memory().bytes).toBeLessThanOrEqual(before.bytes);
  });
});
