import '@nnet/backend-cpu';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GPT2LMHeadModel } from '@nnet/layers';
import { encodeSafetensors, manualSeed, type Tensor, tensor } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { decodeGpt2, encodeGpt2, inferGpt2Config, runGpt2, withTransformerPrefix } from '../src/gpt2.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const tiny = { vocabSize: 50257, nPositions: 16, nEmbd: 16, nLayer: 1, nHead: 2 };

describe('gpt2 example', () => {
  it("encodes with GPT-2's BPE (Hugging Face's ids) and decodes back", () => {
    expect(encodeGpt2('Hello world')).toEqual([15496, 995]);
    // GPT2TokenizerFast("gpt2")("Hello, my name is").input_ids
    expect(encodeGpt2('Hello, my name is')).toEqual([15496, 11, 616, 1438, 318]);
    expect(encodeGpt2('<|endoftext|>')).toEqual([50256]);
    const sentence = 'The quick brown fox jumps over the lazy dog, 3.14 times — naïvely!';
    expect(decodeGpt2(encodeGpt2(sentence))).toBe(sentence);
  });

  it('runs a tiny random GPT-2 end to end, reproducibly from a fixed seed', async () => {
    const a = await runGpt2({ quiet: true, tinyConfig: tiny, maxNewTokens: 4, seed: 3 });
    expect(a.random).toBe(true);
    expect(a.promptIds).toEqual([15496, 11, 616, 1438, 318]);
    expect(a.newIds.length).toBeGreaterThan(0);
    expect(a.newIds.length).toBeLessThanOrEqual(4);
    for (const id of a.newIds) expect(id >= 0 && id < 50256).toBe(true);
    expect(a.text).toBe(decodeGpt2(a.newIds));
    const b = await runGpt2({ quiet: true, tinyConfig: tiny, maxNewTokens: 4, seed: 3 });
    expect(b.newIds).toEqual(a.newIds);
  }, 60_000);

  it("loads HF's bare-key safetensors layout, infers the shape and generates as the model does", async () => {
    manualSeed(7);
    const cfg = { vocabSize: 50257, nPositions: 8, nEmbd: 64, nLayer: 2, nHead: 1 };
    const model = new GPT2LMHeadModel(cfg).eval();
    // The gpt2 checkpoints store GPT2Model's names: wte.weight, h.0.attn.c_attn.weight, ...
    const bare: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(model.stateDict())) bare[k.replace(/^transformer\./, '')] = t;
    const inferred = inferGpt2Config(withTransformerPrefix(bare));
    expect(inferred).toEqual({ ...cfg, nInner: 256 });
    const dir = mkdtempSync(join(tmpdir(), 'gpt2-'));
    const weightsPath = join(dir, 'model.safetensors');
    writeFileSync(weightsPath, encodeSafetensors(bare));
    const run = await runGpt2({
      quiet: true,
      weightsPath,
      prompt: 'Hello world',
      maxNewTokens: 3,
      temperature: 0,
    });
    expect(run.random).toBe(false);
    const ids = tensor(Int32Array.from([15496, 995]), { shape: [1, 2], dtype: 'int32' });
    const direct = Array.from(
      await (await model.generate(ids, { maxNewTokens: 3, stopTokens: [50256] })).data(),
    ).slice(2);
    const end = direct.indexOf(50256);
    expect(run.newIds).toEqual(end < 0 ? direct : direct.slice(0, end));
  }, 60_000);

  it('rejects bad options naming the flag', async () => {
    await expect(runGpt2({ quiet: true, tinyConfig: tiny, topP: 1.5 })).rejects.toThrow(/--top-p/);
    await expect(runGpt2({ quiet: true, tinyConfig: tiny, maxNewTokens: 0 })).rejects.toThrow(
      /--max-new-tokens/,
    );
  });

  it('pnpm example gpt2 runs the random model from the CLI and says its output is gibberish', () => {
    const r = spawnSync(process.execPath, [cli, 'gpt2', '--prompt', 'Hello world', '--max-new-tokens', '3'], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('RANDOM weights');
    expect(r.stdout).toContain('gibberish');
    expect(r.stdout).toContain('prompt (2 tokens): Hello world');
    const wrong = spawnSync(process.execPath, [cli, 'xor', '--top-k', '5'], { encoding: 'utf8' });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('--top-k applies only to gpt2, not xor');
  }, 60_000);
});
