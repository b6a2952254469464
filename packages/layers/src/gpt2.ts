/**
 * GPT-2 with Hugging Face `GPT2LMHeadModel`'s state-dict names and layouts, so its safetensors
 * checkpoints load directly:
 *
 *   transformer.wte.weight [V, C]          transformer.wpe.weight [P, C]
 *   transformer.h.{i}.ln_1.weight/bias     transformer.h.{i}.attn.c_attn.weight [C, 3C] / bias [3C]
 *   transformer.h.{i}.attn.c_proj [C, C]   transformer.h.{i}.ln_2.weight/bias
 *   transformer.h.{i}.mlp.c_fc [C, 4C]     transformer.h.{i}.mlp.c_proj [4C, C]
 *   transformer.ln_f.weight/bias           lm_head.weight: tied to transformer.wte.weight
 *
 * The projections are HF's "Conv1D" (y = x·W + b with W stored [in, out]). Each block is
 * pre-norm: x += attn(ln_1(x)); x += mlp(ln_2(x)), with causal multi-head attention and GELU's
 * tanh approximation; logits = ln_f(x)·wteᵀ.
 *
 * The blocks are in gpt2_blocks.ts, generation in gpt2_generate.ts.
 *
 * `loadStateDict` accepts what HF writes, with or without the `transformer.` key prefix (the
 * published `gpt2` files have none): the `attn.bias` / `attn.masked_bias` buffers are ignored
 * (as HF's loader does) and `lm_head.weight`, when present, is the tied embedding (used for wte
 * when wte itself is absent, ignored otherwise). `stateDict()` lists wte once, without
 * `lm_head.weight`, as HF's safetensors files do. `generate()` decodes greedily or by sampling
 * (temperature, top-k, top-p) from a seeded generator, with a key/value cache by default.
 */
import {
  checkOptions,
  DTypeError,
  fmtShape,
  noGrad,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '@nnet/tensor';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { CONFIG_KEYS, GPT2Block, type GPT2Config, type LayerCache } from './gpt2_blocks.js';
import { type GenerateOptions, generate } from './gpt2_generate.js';
import { normal_ } from './init.js';
import { Module } from './module.js';
import { ModuleList } from './module_list.js';
import { LayerNorm } from './normalization.js';
import type { LoadStateDictOptions, LoadStateDictResult, StateDict } from './state_dict.js';

/**
 * The trunk (`transformer`: wte, wpe, h, ln_f): ids [N, T] int32 → hidden states [N, T, C].
 * Takes the full config (defaults filled in, as GPT2LMHeadModel holds it).
 *
 * ```ts
 * const gpt = new GPT2LMHeadModel({ vocabSize: 65, nPositions: 128, nEmbd: 64, nLayer: 2, nHead: 4 });
 * const ids = randint(0, 65, [2, 8]); // [N, T] int32 token ids
 * const trunk = new GPT2Model(gpt.config);
 * const h = trunk.forward(ids); // [N, T, nEmbd]
 * h.shape; // [2, 8, 64]
 * ```
 */
export class GPT2Model extends Module {
  /** Token embedding, weight [vocabSize, nEmbd]. */
  readonly wte: Embedding;
  /** Position embedding, weight [nPositions, nEmbd]. */
  readonly wpe: Embedding;
  /** Dropout on the summed embeddings (probability embdPdrop). */
  readonly drop: Dropout;
  /** The nLayer blocks (`h.{i}`). */
  readonly h: ModuleList<GPT2Block>;
  /** The final LayerNorm. */
  readonly ln_f: LayerNorm;

  /**
   * The full config, defaults filled in.
   * @param config The full config, defaults filled in.
   */
  constructor(readonly config: Required<GPT2Config>) {
    super();
    checkOptions('GPT2Model', config, CONFIG_KEYS);
    this.wte = this.registerModule('wte', new Embedding(config.vocabSize, config.nEmbd));
    this.wpe = this.registerModule('wpe', new Embedding(config.nPositions, config.nEmbd));
    noGrad(() => {
      normal_(this.wte.weight, 0, 0.02);
      normal_(this.wpe.weight, 0, 0.02);
    });
    this.drop = this.registerModule('drop', new Dropout(config.embdPdrop));
    this.h = this.registerModule(
      'h',
      new ModuleList(Array.from({ length: config.nLayer }, () => new GPT2Block(config))),
    );
    this.ln_f = this.registerModule('ln_f', new LayerNorm(config.nEmbd, { eps: config.layerNormEpsilon }));
  }

  forward(ids: Tensor): Tensor {
    return this.step(ids, null).out;
  }

  /** ids [N, T] after the cached positions of `past` (one entry per block). */
  step(
    ids: Tensor,
    past: LayerCache[] | null,
  ): {
    /** Hidden states [N, T, nEmbd] after ln_f. */
    out: Tensor;
    /** One grown LayerCache per block. */
    cache: LayerCache[];
  } {
    ids._check('GPT2Model');
    if (ids.dtype !== 'int32')
      throw new DTypeError(`GPT2Model: ids must be int32 token ids, got ${ids.dtype}; use ids.to('int32').`);
    if (ids.ndim !== 2) throw new ShapeError(`GPT2Model: ids must be [N, T], got ${fmtShape(ids.shape)}.`);
    const T = ids.shape[1];
    const P = past ? past[0].k.shape[2] : 0;
    if (P + T > this.config.nPositions) {
      throw new ShapeError(
        `GPT2Model: ${P + T} positions exceed nPositions ${this.config.nPositions}; crop the input to the last ${this.config.nPositions} tokens.`,
      );
    }
    const pos = tensor(
      Int32Array.from({ length: T }, (_, i) => P + i),
      { dtype: 'int32' },
    );
    let x = this.drop.forward(this.wte.forward(ids).add(this.wpe.forward(pos)));
    const cache: LayerCache[] = [];
    for (const block of this.h) {
      const r = block.step(x, past ? past[cache.length] : null);
      x = r.out;
      cache.push(r.cache);
    }
    return { out: this.ln_f.forward(x), cache };
  }
}

/**
 * GPT-2 with its language-model head (logits over the vocabulary), HF's GPT2LMHeadModel.
 *
 * ```ts
 * const gpt = new GPT2LMHeadModel({ vocabSize: 65, nPositions: 128, nEmbd: 64, nLayer: 2, nHead: 4 });
 * const bytes = encodeSafetensors(gpt.stateDict()); // or an HF checkpoint's file
 * gpt.loadStateDict(decodeSafetensors(bytes).tensors);
 * const ids = randint(0, 65, [2, 8]); // [N, T] int32 token ids
 * const logits = gpt.forward(ids);                        // ids [N, T] int32 → [N, T, V]
 * const out = await gpt.generate(ids, { maxNewTokens: 50, doSample: true, topK: 10 });
 * [logits.shape, out.shape]; // [[2, 8, 65], [2, 58]]
 * ```
 */
export class GPT2LMHeadModel extends Module {
  /** The full config, defaults filled in. */
  readonly config: Required<GPT2Config>;
  /** The trunk (wte, wpe, h, ln_f); the head reuses wte's weight. */
  readonly transformer: GPT2Model;

  constructor(config: GPT2Config) {
    super();
    checkOptions('GPT2LMHeadModel', config, CONFIG_KEYS);
    for (const k of ['vocabSize', 'nPositions', 'nEmbd', 'nLayer', 'nHead'] as const) {
      const v = config[k];
      if (!Number.isInteger(v) || v <= 0)
        throw new ValueError(`GPT2LMHeadModel: config.${k} must be a positive integer, got ${String(v)}.`);
    }
    if (config.nEmbd % config.nHead !== 0)
      throw new ValueError(
        `GPT2LMHeadModel: nEmbd ${config.nEmbd} must be divisible by nHead ${config.nHead}.`,
      );
    this.config = {
      nInner: 4 * config.nEmbd,
      layerNormEpsilon: 1e-5,
      embdPdrop: 0.1,
      attnPdrop: 0.1,
      residPdrop: 0.1,
      ...config,
    };
    this.transformer = this.registerModule('transformer', new GPT2Model(this.config));
  }

  /** ids [N, T] int32 → logits [N, T, V]. */
  forward(ids: Tensor): Tensor {
    return this.step(ids, null).logits;
  }

  /** Logits for ids after the cached positions, and the grown cache (see `generate`). */
  step(
    ids: Tensor,
    past: LayerCache[] | null,
  ): {
    /** Next-token logits [N, T, vocabSize]. */
    logits: Tensor;
    /** One grown LayerCache per block (pass it as `past` next). */
    cache: LayerCache[];
  } {
    const { out, cache } = this.transformer.step(ids, past);
    return { logits: out.matmul(this.transformer.wte.weight.t()), cache };
  }

  /**
   * HF's keys: drops the attn.bias / attn.masked_bias buffers, maps a tied lm_head.weight, and
   * accepts a base-model file whose keys lack the `transformer.` prefix (`wte.weight`, `h.0.…`: how
   * the published `gpt2` checkpoints are saved; HF's loader adds the prefix the same way).
   */
  override loadStateDict(
    dict: StateDict | Map<string, Tensor>,
    options: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    let entries = new Map(dict instanceof Map ? dict : Object.entries(dict));
    if (![...entries.keys()].some((k) => k.startsWith('transformer.'))) {
      entries = new Map(
        [...entries].map(([k, t]) => [k === 'lm_head.weight' ? k : `transformer.${k}`, t] as const),
      );
    }
    for (const k of [...entries.keys()]) {
      if (/^transformer\.h\.\d+\.attn\.(masked_)?bias$/.test(k)) entries.delete(k);
    }
    const head = entries.get('lm_head.weight');
    if (head) {
      entries.delete('lm_head.weight');
      if (!entries.has('transformer.wte.weight')) entries.set('transformer.wte.weight', head);
    }
    return super.loadStateDict(entries, options);
  }

  /**
   * Appends up to `maxNewTokens` tokens to each row of ids [N, T] (int32) and returns [N, T + n].
   * Greedy by default; `doSample` draws from softmax(logits / temperature) restricted to the top-k
   * tokens and the top-p nucleus, from the seeded generator. With the cache (default) each step
   * feeds only the new token; past nPositions the context slides (the cache is rebuilt from the
   * last nPositions - 1 tokens). Runs without gradients; reads the logits asynchronously.
   */
  generate(ids: Tensor, options: GenerateOptions = {}): Promise<Tensor> {
    return generate(this, ids, options);
  }

  override extraRepr(): string {
    const c = this.config;
    return `vocabSize=${c.vocabSize}, nPositions=${c.nPositions}, nEmbd=${c.nEmbd}, nLayer=${c.nLayer}, nHead=${c.nHead}`;
  }
}
