/**
 * GPT-2 against a small random-weight GPT-2 written in plain PyTorch with Hugging Face's layout
 * (fixtures/gpt2.safetensors under HF's key names, with the attn.bias / attn.masked_bias buffers
 * and without the tied lm_head.weight; fixtures/gpt2.json: logits, a loss's gradients, greedy
 * tokens), from scripts/gen_transformer_fixtures.py. Also the positional encodings.
 */
import { Generator, manualSeed, randint, type Tensor, tensor, ValueError } from '@nnet/tensor';
import { readItem, values } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import {
  type GPT2Config,
  GPT2LMHeadModel,
  LearnedPositionalEmbedding,
  pickToken,
  SinusoidalPositionalEncoding,
} from '../src/index.js';
import { dec, expectNear, type TEnc, transformerFixture, transformerTensors } from './transformer_helpers.js';

interface Gpt2Fixture {
  config: GPT2Config;
  ids: TEnc;
  logits: TEnc;
  targets: TEnc;
  loss: number;
  wteGrad: TEnc;
  cAttnGrad: TEnc;
  greedy: number[];
}

const fx = transformerFixture<Gpt2Fixture>('gpt2.json');
const hfTensors = transformerTensors('gpt2.safetensors');

function loaded(): GPT2LMHeadModel {
  const m = new GPT2LMHeadModel(fx.config);
  m.loadStateDict(hfTensors);
  return m.eval();
}

/** Mean cross-entropy of logits [N, T, V] against targets [N, T]. */
function crossEntropy(logits: Tensor, targets: Tensor): Tensor {
  const V = logits.shape[2];
  return logits
    .reshape([-1, V])
    .logSoftmax(1)
    .gather(1, targets.reshape([-1, 1]))
    .mean()
    .neg();
}

describe('GPT2LMHeadModel matches the PyTorch model with HF layout', () => {
  it('loads the HF-named safetensors strictly (buffers ignored, lm_head tied)', async () => {
    expect([...hfTensors.keys()]).toContain('transformer.h.0.attn.bias');
    expect([...hfTensors.keys()]).toContain('transformer.h.1.attn.masked_bias');
    expect(hfTensors.get('transformer.h.0.attn.c_attn.weight')!.shape).toEqual([16, 48]);
    const m = loaded();
    const keys = Object.keys(m.stateDict());
    expect(keys).toContain('transformer.h.1.mlp.c_proj.weight');
    expect(keys).not.toContain('lm_head.weight');
    // An unknown key still fails strict loading.
    const extra = new Map(hfTensors);
    extra.set('transformer.h.0.attn.c_attn.extra', hfTensors.get('transformer.ln_f.bias')!);
    expect(() => new GPT2LMHeadModel(fx.config).loadStateDict(extra)).toThrow(/unexpected keys/);
    // lm_head.weight alone stands for the tied embedding.
    const headOnly = new Map(hfTensors);
    headOnly.set('lm_head.weight', headOnly.get('transformer.wte.weight')!);
    headOnly.delete('transformer.wte.weight');
    const m2 = new GPT2LMHeadModel(fx.config);
    m2.loadStateDict(headOnly);
    await expectNear(m2.transformer.wte.weight, {
      dtype: 'float32',
      shape: [fx.config.vocabSize, fx.config.nEmbd],
      data: await values(hfTensors.get('transformer.wte.weight')!),
    });
  });

  it('loads a base-model file whose keys lack the transformer. prefix (as the published gpt2 files)', async () => {
    const bare = new Map([...hfTensors].map(([k, t]) => [k.replace(/^transformer\./, ''), t] as const));
    expect([...bare.keys()]).toContain('h.0.attn.c_attn.weight');
    const m = new GPT2LMHeadModel(fx.config);
    m.loadStateDict(bare);
    const ref = loaded();
    for (const [k, t] of Object.entries(ref.stateDict())) {
      expect(await values(m.stateDict()[k]), k).toEqual(await values(t));
    }
    // A key that is neither prefixed nor known still fails strict loading, named with the prefix.
    const wrong = new Map(bare);
    wrong.set('h.0.attn.extra', bare.get('ln_f.bias')!);
    expect(() => new GPT2LMHeadModel(fx.config).loadStateDict(wrong)).toThrow(
      /transformer\.h\.0\.attn\.extra/,
    );
  });

  it('logits and the gradients of a cross-entropy loss', async () => {
    const m = loaded();
    const logits = m.forward(dec(fx.ids));
    await expectNear(logits, fx.logits);
    const loss = crossEntropy(logits, dec(fx.targets));
    expect(Math.abs((await readItem(loss)) - fx.loss)).toBeLessThan(1e-4 * Math.abs(fx.loss) + 1e-5);
    loss.backward();
    await expectNear(m.transformer.wte.weight.grad, fx.wteGrad, 1e-4, 2e-5);
    await expectNear(m.transformer.h.at(0).attn.c_attn.weight.grad, fx.cAttnGrad, 1e-4, 2e-5);
  });

  it("greedy generation gives PyTorch's tokens, with and without the cache", async () => {
    const m = loaded();
    const prompt = dec(fx.ids).narrow(0, 0, 1);
    const cached = await m.generate(prompt, { maxNewTokens: 10 });
    const plain = await m.generate(prompt, { maxNewTokens: 10, useCache: false });
    expect(await values(cached)).toEqual(fx.greedy);
    expect(await values(plain)).toEqual(fx.greedy);
  });

  it('cached steps give the logits of the full forward', async () => {
    const m = loaded();
    const ids = dec(fx.ids);
    const full = m.forward(ids);
    const a = m.step(ids.narrow(1, 0, 4), null);
    const b = m.step(ids.narrow(1, 4, 2), a.cache);
    const c = m.step(ids.narrow(1, 6, 1), b.cache);
    const pieces = [a.logits, b.logits, c.logits];
    const want = await full.data();
    const V = fx.config.vocabSize;
    let t0 = 0;
    for (const p of pieces) {
      const T = p.shape[1];
      const got = await p.data();
      for (let n = 0; n < 2; n++)
        for (let t = 0; t < T; t++)
          for (let v = 0; v < V; v++) {
            const w = want[(n * 7 + t0 + t) * V + v];
            expect(Math.abs(got[(n * T + t) * V + v] - w)).toBeLessThan(1e-4 + 1e-4 * Math.abs(w));
          }
      t0 += T;
    }
  });

  it('sampling is seeded; top-k 1 is greedy; stop tokens end and pad a sequence', async () => {
    const m = loaded();
    const prompt = dec(fx.ids);
    const s1 = await m.generate(prompt, {
      maxNewTokens: 8,
      doSample: true,
      topK: 5,
      generator: new Generator(4),
    });
    const s2 = await m.generate(prompt, {
      maxNewTokens: 8,
      doSample: true,
      topK: 5,
      generator: new Generator(4),
    });
    expect(await values(s1)).toEqual(await values(s2));
    const k1 = await m.generate(prompt.narrow(0, 0, 1), { maxNewTokens: 10, doSample: true, topK: 1 });
    expect(await values(k1)).toEqual(fx.greedy);
    const p0 = await m.generate(prompt.narrow(0, 0, 1), { maxNewTokens: 10, doSample: true, topP: 1e-6 });
    expect(await values(p0)).toEqual(fx.greedy);
    // The first generated occurrence of the stop token ends the sequence (one prompt row: no padding).
    const stop = fx.greedy[9];
    const end = fx.greedy.indexOf(stop, 7) + 1;
    const stopped = await m.generate(prompt.narrow(0, 0, 1), { maxNewTokens: 10, stopTokens: [stop] });
    expect(await values(stopped)).toEqual(fx.greedy.slice(0, end));
    // Two rows: the one that stops is padded while the other goes on.
    const two = await m.generate(prompt, { maxNewTokens: 10, stopTokens: [stop], padTokenId: 0 });
    const row0 = (await values(two)).slice(0, two.shape[1]);
    expect(row0.slice(0, end)).toEqual(fx.greedy.slice(0, end));
    expect(row0.slice(end).every((t) => t === 0)).toBe(true);
    await expect(m.generate(prompt, { maxNewTokens: 2, temprature: 1 } as never)).rejects.toThrow(ValueError);
  });

  it('past nPositions the context slides, with and without the cache', async () => {
    const m = loaded();
    const prompt = randint(0, fx.config.vocabSize, [1, 30]);
    const a = await m.generate(prompt, { maxNewTokens: 6 });
    const b = await m.generate(prompt, { maxNewTokens: 6, useCache: false });
    expect(a.shape).toEqual([1, 36]);
    // The cache is rebuilt from the last nPositions - 1 tokens, the plain path sees nPositions.
    expect((await values(a)).slice(0, 33)).toEqual((await values(b)).slice(0, 33));
  });
});

describe('pickToken', () => {
  it('temperature sharpens towards the argmax; top-p keeps the nucleus', async () => {
    const logits = Float32Array.from([0, 2, 1, -1]);
    const g = new Generator(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 2000; i++)
      counts[pickToken(logits, { doSample: true, temperature: 1, topP: 0.8, generator: g })]++;
    // softmax = [0.087, 0.644, 0.237, 0.032]: the nucleus at 0.8 is tokens 1 and 2 only.
    expect(counts[0] + counts[3]).toBe(0);
    expect(counts[1] / 2000).toBeGreaterThan(0.65);
    const cold = [0, 0, 0, 0];
    for (let i = 0; i < 500; i++)
      cold[pickToken(logits, { doSample: true, temperature: 0.05, generator: g })]++;
    expect(cold[1]).toBe(500);
  });
});

describe('positional encodings', () => {
  it("the sinusoidal table is the PyTorch tutorial's", async () => {
    const { sinusoidal } = transformerFixture<{ sinusoidal: TEnc }>('transformer_modules.json');
    const pe = new SinusoidalPositionalEncoding(8, 12);
    await expectNear(pe.positions(0, 12), sinusoidal);
    const x = tensor(new Float32Array(2 * 3 * 8), { shape: [2, 3, 8] });
    const y = pe.forward(x, 4);
    await expectNear(y.select(0, 1), { ...sinusoidal, shape: [3, 8], data: sinusoidal.data.slice(32, 56) });
    const seqFirst = new SinusoidalPositionalEncoding(8, 12, { batchFirst: false });
    await expectNear(seqFirst.forward(x.transpose(0, 1)).select(1, 0), {
      ...sinusoidal,
      shape: [3, 8],
      data: sinusoidal.data.slice(0, 24),
    });
    expect(() => pe.forward(tensor(new Float32Array(13 * 8), { shape: [1, 13, 8] }))).toThrow(/outside/);
  });

  it('learned embeddings add a trained row per position and get its gradient', async () => {
    manualSeed(2);
    const pe = new LearnedPositionalEmbedding(10, 4);
    expect(Object.keys(pe.stateDict())).toEqual(['weight']);
    const x = tensor(new Float32Array(2 * 3 * 4), { shape: [2, 3, 4] });
    pe.forward(x, 2).sum().backward();
    const g = await pe.weight.grad!.data();
    for (let p = 0; p < 10; p++)
      for (let j = 0; j < 4; j++) expect(g[p * 4 + j]).toBe(p >= 2 && p < 5 ? 2 : 0);
  });
});
