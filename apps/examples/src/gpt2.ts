/**
 * gpt2: text in, text out with nnet's GPT2LMHeadModel. The prompt becomes GPT-2's byte-level BPE ids
 * through the `gpt-tokenizer` package (MIT), whose `r50k_base` entry point ships GPT-2's 50257-token
 * vocabulary inside the package (nothing is fetched at run time); `generate()` appends tokens; the
 * ids are decoded back to text.
 *
 * With `weightsPath` it loads a Hugging Face GPT-2 `model.safetensors` as it is (HF's names and
 * layouts; the keys may carry the `transformer.` prefix or not, as HF's own loader accepts). The
 * shape comes from an HF `config.json` (`configPath`) or from the tensors: vocabulary and width
 * from `wte`, context from `wpe`, depth from the `h.{i}` blocks and heads as width / 64 (every
 * released GPT-2 has 64-wide heads). Without weights it builds a tiny GPT-2 with random weights and
 * GPT-2's vocabulary size: the pipeline runs, the text is gibberish.
 */
import { readFileSync } from 'node:fs';
import { type GPT2Config, GPT2LMHeadModel } from '@nnet/layers';
import { decodeSafetensors, Generator, manualSeed, type Tensor, tensor, ValueError } from '@nnet/tensor';
import { decode, EndOfText, encode, vocabularySize } from 'gpt-tokenizer/encoding/r50k_base';

/** GPT-2's end-of-text token id (50256), which ends a generated sequence. */
export const END_OF_TEXT_ID = 50256;

/** The random model used without `--weights`: GPT-2's vocabulary, a small width. */
export const TINY_GPT2: GPT2Config = {
  vocabSize: 50257,
  nPositions: 128,
  nEmbd: 32,
  nLayer: 2,
  nHead: 2,
};

export interface Gpt2Options {
  /** The text to continue (default "Hello, my name is"). */
  prompt?: string;
  /** A Hugging Face GPT-2 `model.safetensors`; without it a tiny random model runs. */
  weightsPath?: string;
  /** A Hugging Face GPT-2 `config.json` (n_layer, n_head, n_embd, n_positions, vocab_size). */
  configPath?: string;
  /** Tokens to append (default 30). */
  maxNewTokens?: number;
  /** Sampling temperature (default 1); 0 takes the most likely token each step (greedy). */
  temperature?: number;
  /** Sample among the k most likely tokens (default 50, as Hugging Face's generate). */
  topK?: number;
  /** Sample within the top-p nucleus (default: off). */
  topP?: number;
  /** Seeds the random weights (no `--weights`) and the sampling (default 0). */
  seed?: number;
  quiet?: boolean;
  /** The random model's config (the test shrinks it further). */
  tinyConfig?: GPT2Config;
}

export interface Gpt2Result {
  promptIds: number[];
  /** The generated ids only (without the prompt; stops at end-of-text, which is not included). */
  newIds: number[];
  /** The decoded continuation. */
  text: string;
  /** True when the weights are random (no `--weights`). */
  random: boolean;
  config: GPT2Config;
}

/** GPT-2's BPE ids of a text (the r50k_base encoding; `<|endoftext|>` is allowed as the special token). */
export function encodeGpt2(text: string): number[] {
  return encode(text, { allowedSpecial: new Set([EndOfText]) });
}

/** The text of GPT-2 BPE ids. */
export function decodeGpt2(ids: readonly number[]): string {
  return decode(ids);
}

/** HF's keys with the `transformer.` prefix: the `gpt2` checkpoints store the base model's names bare. */
export function withTransformerPrefix(tensors: Record<string, Tensor>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [k, t] of Object.entries(tensors))
    out.set(k.startsWith('transformer.') || k === 'lm_head.weight' ? k : `transformer.${k}`, t);
  return out;
}

/**
 * GPT-2's shape from an HF state dict (keys with the `transformer.` prefix): V and C from wte
 * [V, C], P from wpe [P, C], nLayer from the h.{i} blocks, nHead = C / 64, nInner from mlp.c_fc.
 */
export function inferGpt2Config(dict: Map<string, Tensor>): GPT2Config {
  const wte = dict.get('transformer.wte.weight') ?? dict.get('lm_head.weight');
  const wpe = dict.get('transformer.wpe.weight');
  if (!wte || !wpe || wte.shape.length !== 2 || wpe.shape.length !== 2)
    throw new ValueError(
      'gpt2: the weights have no wte.weight / wpe.weight matrices; pass a Hugging Face GPT-2 model.safetensors.',
    );
  let nLayer = 0;
  for (const k of dict.keys()) {
    const m = /^transformer\.h\.(\d+)\./.exec(k);
    if (m) nLayer = Math.max(nLayer, Number(m[1]) + 1);
  }
  const nEmbd = wte.shape[1];
  if (nEmbd % 64 !== 0)
    throw new ValueError(
      `gpt2: width ${nEmbd} is not a multiple of GPT-2's head width 64; pass --config <config.json> to give n_head.`,
    );
  const fc = dict.get('transformer.h.0.mlp.c_fc.weight');
  return {
    vocabSize: wte.shape[0],
    nPositions: wpe.shape[0],
    nEmbd,
    nLayer,
    nHead: nEmbd / 64,
    ...(fc && fc.shape.length === 2 ? { nInner: fc.shape[1] } : {}),
  };
}

/** GPT2Config from an HF GPT-2 `config.json` (n_layer, n_head, n_embd, n_positions, vocab_size). */
export function configFromHf(json: Record<string, unknown>): GPT2Config {
  const num = (k: string): number => {
    const v = json[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      throw new ValueError(`gpt2: config.json's ${k} must be a positive integer, got ${JSON.stringify(v)}.`);
    return v;
  };
  const config: GPT2Config = {
    vocabSize: num('vocab_size'),
    nPositions: num('n_positions'),
    nEmbd: num('n_embd'),
    nLayer: num('n_layer'),
    nHead: num('n_head'),
  };
  if (typeof json.n_inner === 'number') config.nInner = json.n_inner;
  if (typeof json.layer_norm_epsilon === 'number') config.layerNormEpsilon = json.layer_norm_epsilon;
  return config;
}

function checkNumber(name: string, v: number, ok: boolean, want: string): void {
  if (!ok) throw new ValueError(`gpt2: ${name} must be ${want}, got ${String(v)}.`);
}

export async function runGpt2(options: Gpt2Options = {}): Promise<Gpt2Result> {
  const prompt = options.prompt ?? 'Hello, my name is';
  const maxNewTokens = options.maxNewTokens ?? 30;
  const temperature = options.temperature ?? 1;
  const topK = options.topK ?? 50;
  const seed = options.seed ?? 0;
  checkNumber(
    '--max-new-tokens',
    maxNewTokens,
    Number.isInteger(maxNewTokens) && maxNewTokens > 0,
    'a positive integer',
  );
  checkNumber(
    '--temperature',
    temperature,
    Number.isFinite(temperature) && temperature >= 0,
    'a number ≥ 0 (0: greedy)',
  );
  checkNumber('--top-k', topK, Number.isInteger(topK) && topK > 0, 'a positive integer');
  if (options.topP !== undefined)
    checkNumber('--top-p', options.topP, options.topP > 0 && options.topP <= 1, 'in (0, 1]');
  const log = options.quiet ? () => {} : (s: string) => console.log(s);
  manualSeed(seed);

  let model: GPT2LMHeadModel;
  let config: GPT2Config;
  const random = options.weightsPath === undefined;
  if (options.weightsPath === undefined) {
    config = options.tinyConfig ?? TINY_GPT2;
    model = new GPT2LMHeadModel(config);
    log(
      `gpt2: NO --weights, so this is a tiny GPT-2 with RANDOM weights (${config.nLayer} layers × ${config.nEmbd} wide, ` +
        `vocabulary ${config.vocabSize}): the output below is gibberish. Pass --weights <model.safetensors> ` +
        `(Hugging Face's gpt2) for real text.`,
    );
  } else {
    const dict = withTransformerPrefix(
      decodeSafetensors(new Uint8Array(readFileSync(options.weightsPath))).tensors,
    );
    config =
      options.configPath === undefined
        ? inferGpt2Config(dict)
        : configFromHf(JSON.parse(readFileSync(options.configPath, 'utf8')) as Record<string, unknown>);
    model = new GPT2LMHeadModel(config);
    model.loadStateDict(dict);
    log(
      `gpt2: ${options.weightsPath}: ${config.nLayer} layers × ${config.nEmbd} wide, ${config.nHead} heads, context ` +
        `${config.nPositions}, ${model.numParameters().toLocaleString('en-US')} parameters`,
    );
  }
  if (config.vocabSize < vocabularySize)
    throw new ValueError(
      `gpt2: the model's vocabulary (${config.vocabSize}) is smaller than GPT-2's tokenizer (${vocabularySize}); pass a GPT-2 checkpoint.`,
    );
  model.eval();

  // An empty prompt starts from end-of-text, as Hugging Face's GPT-2 does.
  const promptIds = prompt === '' ? [END_OF_TEXT_ID] : encodeGpt2(prompt);
  if (promptIds.length >= config.nPositions)
    throw new ValueError(
      `gpt2: the prompt is ${promptIds.length} tokens, the model's context is ${config.nPositions}; shorten the prompt.`,
    );
  const ids = tensor(Int32Array.from(promptIds), { shape: [1, promptIds.length], dtype: 'int32' });
  const out = await model.generate(ids, {
    maxNewTokens,
    doSample: temperature > 0,
    ...(temperature > 0
      ? { temperature, topK, ...(options.topP !== undefined ? { topP: options.topP } : {}) }
      : {}),
    generator: new Generator(seed + 1),
    stopTokens: [END_OF_TEXT_ID],
  });
  const all = Array.from(await out.data());
  const generated = all.slice(promptIds.length);
  const end = generated.indexOf(END_OF_TEXT_ID);
  const newIds = end < 0 ? generated : generated.slice(0, end);
  const text = decodeGpt2(newIds);
  log(`prompt (${promptIds.length} tokens): ${prompt}`);
  log(`${newIds.length} new tokens${random ? ' (random weights: gibberish)' : ''}:\n${prompt}${text}`);
  return { promptIds, newIds, text, random, config };
}
