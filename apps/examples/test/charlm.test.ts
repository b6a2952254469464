import '@nnet/backend-cpu';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCharLm } from '../src/charlm.js';
import { CHARLM_CONFIG, type CharLmConfig, encodeText, lrAt } from '../src/charlm_core.js';
import { loadCorpus } from '../src/corpus.js';

const tiny: Partial<CharLmConfig> = {
  blockSize: 16,
  nEmbd: 16,
  nLayer: 1,
  nHead: 2,
  batchSize: 4,
  steps: 4,
  warmup: 2,
  evalInterval: 2,
  valWindows: 8,
  sampleLength: 12,
};

describe('charlm', () => {
  it('reads Moby Dick from the package and encodes it with an 83-character vocabulary', () => {
    const text = loadCorpus();
    expect(text.startsWith('CHAPTER 1. Loomings.')).toBe(true);
    expect(text.length).toBe(1_190_317);
    const { vocabulary, ids } = encodeText(text);
    expect(vocabulary.length).toBe(83);
    expect(vocabulary.startsWith('\n !')).toBe(true);
    expect(Array.from(ids.subarray(0, 20), (i) => vocabulary[i]).join('')).toBe(text.slice(0, 20));
  });

  it('warms up linearly, then decays by a cosine to minLr', () => {
    const c = CHARLM_CONFIG;
    expect(lrAt(0, c)).toBeCloseTo(c.lr / c.warmup, 12);
    expect(lrAt(c.warmup - 1, c)).toBeCloseTo(c.lr, 12);
    expect(lrAt(c.warmup, c)).toBeCloseTo(c.lr, 12);
    expect(lrAt((c.warmup + c.steps) / 2, c)).toBeCloseTo((c.lr + c.minLr) / 2, 12);
    expect(lrAt(c.steps, c)).toBeCloseTo(c.minLr, 12);
  });

  it('trains a tiny model for a few steps, writes its outputs and resumes', async () => {
    const out = mkdtempSync(join(tmpdir(), 'charlm-'));
    const first = await runCharLm({ quiet: true, outDir: out, config: tiny });
    expect(first.history.map((p) => p.step)).toEqual([2, 4]);
    // Small initial weights: the loss starts near ln(83) = 4.42 nats, the uniform guess.
    for (const p of first.history) {
      expect(p.trainLoss).toBeGreaterThan(3.5);
      expect(p.trainLoss).toBeLessThan(4.8);
      expect(p.valLoss).toBeLessThan(4.8);
    }
    expect(first.bitsPerChar).toBeCloseTo(first.valLoss / Math.LN2, 10);
    expect(first.sample.length).toBe(13);
    for (const f of ['checkpoint.safetensors', 'history.json', 'samples.txt', 'curves.svg'])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'curves.svg'), 'utf8')).toContain('<svg');
    const resumed = await runCharLm({
      quiet: true,
      outDir: out,
      resume: true,
      config: { ...tiny, steps: 6 },
    });
    expect(resumed.history.map((p) => p.step)).toEqual([2, 4, 6]);
    expect(resumed.history.slice(0, 2)).toEqual(first.history);
  }, 120_000);
});
