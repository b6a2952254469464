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
 * `loadStateDict` accepts what HF writes: the `attn.bias` / `attn.masked_bias` buffers are ignored
 * (as HF's loader does) and `lm_head.weight`, when present, is the tied embedding (used for wte
 * when wte itself is absent, ignored otherwise). `stateDict()` lists wte once, without
 * `lm_head.weight`, as HF's safetensors files do. `generate()` decodes greedily or by sampling
 * (temperature, top-k, top-p) from a seeded generator, with a key/value cache by default.
 */
import {
  cat,
  checkOptions,
  DTypeError,
  defaultGenerator,
  fmtShape,
  type Generator,
  gelu,
  keep,
  noGrad,
  ones,
  ShapeError,
  scaledDotProductAttention,
  type Tensor,
  tensor,
  tidy,
  ValueError,
  zeros,
} from '@nnet/tensor';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { normal_ } from './init.js';
import { type LoadStateDictOptions, type LoadStateDictResult, Module, type StateDict } from './module.js';
import { LayerNorm } from './normalization.js';
import { Parameter } from './parameter.js';
import { ModuleList } from './transformer.js';

/** GPT-2's hyper-parameters, named like HF's GPT2Config fields (camelCase). */
export interface GPT2Config {
  /** Vocabulary size V (GPT-2: 50257). */
  vocabSize: number;
  /** Context length P, the rows of wpe (GPT-2: 1024). */
  nPositions: number;
  /** Width C (GPT-2 small: 768). */
  nEmbd: number;
  /** Number of blocks. */
  nLayer: number;
  /** Attention heads (C must be divisible by it). */
  nHead: number;
  /** Inner width of the MLP (default 4C). */
  nInner?: number;
  /** LayerNorm epsilon (default 1e-5). */
  layerNormEpsilon?: number;
  /** Dropout after the embeddings (default 0.1, HF's embd_pdrop). */
  embdPdrop?: number;
  /** Dropout on the attention weights (default 0.1, attn_pdrop). */
  attnPdrop?: number;
  /** Dropout on each residual branch (default 0.1, resid_pdrop). */
  residPdrop?: number;
}

const CONFIG_KEYS = [
  'vocabSize',
  'nPositions',
  'nEmbd',
  'nLayer',
  'nHead',
  'nInner',
  'layerNormEpsilon',
  'embdPdrop',
  'attnPdrop',
  'residPdrop',
];

/** One layer's cached keys and values, [N, H, T, C/H] each. */
export interface LayerCache {
  k: Tensor;
  v: Tensor;
}

/**
 * HF's Conv1D: y = x·W + b with W stored [nx, nf] (in, out), initialised N(0, std²), b = 0.
 *
 *   const proj = new Conv1D(96, 32);   // 32 → 96, weight [32, 96]
 */
export class Conv1D extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter;

  constructor(
    readonly nf: number,
    readonly nx: number,
    std = 0.02,
  ) {
    super();
    for (const [n, v] of [
      ['nf', nf],
      ['nx', nx],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0)
        throw new ValueError(`Conv1D: ${n} must be a positive integer, got ${v}.`);
    }
    this.weight = this.registerParameter(
      'weight',
      noGrad(() => normal_(new Parameter(zeros([nx, nf])), 0, std) as Parameter),
    )!;
    this.bias = this.registerParameter(
      'bias',
      noGrad(() => new Parameter(zeros([nf]))),
    )!;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 1 || x.shape[x.ndim - 1] !== this.nx) {
      throw new ShapeError(
        `Conv1D(${this.nf}, ${this.nx}): input ${fmtShape(x.shape)} must end in ${this.nx} features.`,
      );
    }
    return x.matmul(this.weight).add(this.bias);
  }

  override extraRepr(): string {
    return `nf=${this.nf}, nx=${this.nx}`;
  }
}

/** Causal self-attention of one block (`attn`: c_attn, c_proj). */
export class GPT2Attention extends Module {
  readonly c_attn: Conv1D;
  readonly c_proj: Conv1D;
  readonly resid_dropout: Dropout;
  private readonly attnPdrop: number;

  constructor(
    readonly nEmbd: number,
    readonly nHead: number,
    options: { attnPdrop: number; residPdrop: number; projStd: number },
  ) {
    super();
    this.c_attn = this.registerModule('c_attn', new Conv1D(3 * nEmbd, nEmbd));
    this.c_proj = this.registerModule('c_proj', new Conv1D(nEmbd, nEmbd, options.projStd));
    this.resid_dropout = this.registerModule('resid_dropout', new Dropout(options.residPdrop));
    this.attnPdrop = options.attnPdrop;
  }

  /** x [N, T, C] → [N, T, C]. */
  forward(x: Tensor): Tensor {
    return this.step(x, null).out;
  }

  /** x [N, T, C] after `past` cached positions; returns the output and the grown cache. */
  step(x: Tensor, past: LayerCache | null): { out: Tensor; cache: LayerCache } {
    const [N, T, C] = x.shape;
    const H = this.nHead;
    const heads = (t: Tensor) => t.reshape([N, T, H, C / H]).transpose(1, 2);
    const [q, k0, v0] = this.c_attn.forward(x).split(C, 2).map(heads);
    const k = past ? cat([past.k, k0], 2) : k0;
    const v = past ? cat([past.v, v0], 2) : v0;
    const P = past ? past.k.shape[2] : 0;
    const dropoutP = this.training ? this.attnPdrop : 0;
    let y: Tensor;
    if (P === 0) y = scaledDotProductAttention(q, k, v, { isCausal: true, dropoutP });
    else if (T === 1) y = scaledDotProductAttention(q, k, v, { dropoutP });
    else {
      // Query i sits at position P + i and sees keys 0..P + i.
      const mask = ones([T, P + T], { dtype: 'bool' }).tril(P);
      y = scaledDotProductAttention(q, k, v, { attnMask: mask, dropoutP });
    }
    const out = this.resid_dropout.forward(this.c_proj.forward(y.transpose(1, 2).reshape([N, T, C])));
    return { out, cache: { k, v } };
  }
}

/** The block's feed-forward network (`mlp`: c_fc, GELU-tanh, c_proj). */
export class GPT2MLP extends Module {
  readonly c_fc: Conv1D;
  readonly c_proj: Conv1D;
  readonly dropout: Dropout;

  constructor(nEmbd: number, nInner: number, options: { residPdrop: number; projStd: number }) {
    super();
    this.c_fc = this.registerModule('c_fc', new Conv1D(nInner, nEmbd));
    this.c_proj = this.registerModule('c_proj', new Conv1D(nEmbd, nInner, options.projStd));
    this.dropout = this.registerModule('dropout', new Dropout(options.residPdrop));
  }

  forward(x: Tensor): Tensor {
    return this.dropout.forward(this.c_proj.forward(gelu(this.c_fc.forward(x), { approximate: 'tanh' })));
  }
}

/** One pre-norm block (`h.{i}`: ln_1, attn, ln_2, mlp). */
export class GPT2Block extends Module {
  readonly ln_1: LayerNorm;
  readonly attn: GPT2Attention;
  readonly ln_2: LayerNorm;
  readonly mlp: GPT2MLP;

  constructor(config: Required<GPT2Config>) {
    super();
    const eps = config.layerNormEpsilon;
    // HF scales the residual projections' init by 1/√(2·nLayer).
    const projStd = 0.02 / Math.sqrt(2 * config.nLayer);
    this.ln_1 = this.registerModule('ln_1', new LayerNorm(config.nEmbd, { eps }));
    this.attn = this.registerModule(
      'attn',
      new GPT2Attention(config.nEmbd, config.nHead, { ...config, projStd }),
    );
    this.ln_2 = this.registerModule('ln_2', new LayerNorm(config.nEmbd, { eps }));
    this.mlp = this.registerModule('mlp', new GPT2MLP(config.nEmbd, config.nInner, { ...config, projStd }));
  }

  forward(x: Tensor): Tensor {
    return this.step(x, null).out;
  }

  step(x: Tensor, past: LayerCache | null): { out: Tensor; cache: LayerCache } {
    const a = this.attn.step(this.ln_1.forward(x), past);
    const h = x.add(a.out);
    return { out: h.add(this.mlp.forward(this.ln_2.forward(h))), cache: a.cache };
  }
}

/** The trunk (`transformer`: wte, wpe, h, ln_f): ids [N, T] → hidden states [N, T, C]. */
export class GPT2Model extends Module {
  readonly wte: Embedding;
  readonly wpe: Embedding;
  readonly drop: Dropout;
  readonly h: ModuleList<GPT2Block>;
  readonly ln_f: LayerNorm;

  constructor(readonly config: Required<GPT2Config>) {
    super();
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
  step(ids: Tensor, past: LayerCache[] | null): { out: Tensor; cache: LayerCache[] } {
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

/** Options of `GPT2LMHeadModel.generate`. */
export interface GenerateOptions {
  /** How many tokens to append (default 20). */
  maxNewTokens?: number;
  /** Sample from the distribution (true) or take the most likely token (false, the default). */
  doSample?: boolean;
  /** Divides the logits before sampling (default 1). */
  temperature?: number;
  /** Sample among the k most likely tokens only. */
  topK?: number;
  /** Sample among the smallest set of tokens whose probabilities sum to at least p (nucleus). */
  topP?: number;
  /** The sampling generator (default: the library's seeded one). */
  generator?: Generator;
  /** Token ids that end a sequence; a finished sequence is padded with padTokenId. */
  stopTokens?: readonly number[];
  /** Fills finished sequences (default: the stop token that ended them). */
  padTokenId?: number;
  /** Reuse the keys and values of earlier positions (default true). */
  useCache?: boolean;
}

const GENERATE_KEYS = [
  'maxNewTokens',
  'doSample',
  'temperature',
  'topK',
  'topP',
  'generator',
  'stopTokens',
  'padTokenId',
  'useCache',
];

/** The next token from one row of logits: greedy, or sampled after temperature, top-k and top-p. */
export function pickToken(
  logits: Float32Array,
  options: { doSample: boolean; temperature: number; topK?: number; topP?: number; generator: Generator },
): number {
  const V = logits.length;
  if (!options.doSample) {
    let best = 0;
    for (let i = 1; i < V; i++) if (logits[i] > logits[best]) best = i;
    return best;
  }
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => logits[b] - logits[a]);
  const k = Math.min(options.topK ?? V, V);
  const top = order.slice(0, k);
  const m = logits[top[0]];
  const w = top.map((i) => Math.exp((logits[i] - m) / options.temperature));
  const total = w.reduce((a, b) => a + b, 0);
  let keepN = top.length;
  if (options.topP !== undefined && options.topP < 1) {
    let acc = 0;
    for (let j = 0; j < top.length; j++) {
      acc += w[j] / total;
      if (acc >= options.topP) {
        keepN = j + 1;
        break;
      }
    }
  }
  const kept = w.slice(0, keepN);
  const keptTotal = kept.reduce((a, b) => a + b, 0);
  let u = options.generator.uniform() * keptTotal;
  for (let j = 0; j < keepN; j++) {
    u -= kept[j];
    if (u < 0) return top[j];
  }
  return top[keepN - 1];
}

/**
 * GPT-2 with its language-model head (logits over the vocabulary), HF's GPT2LMHeadModel.
 *
 *   const gpt = new GPT2LMHeadModel({ vocabSize: 65, nPositions: 128, nEmbd: 64, nLayer: 2, nHead: 4 });
 *   gpt.loadStateDict(decodeSafetensors(bytes).tensors);   // an HF checkpoint's tensors
 *   const logits = gpt.forward(ids);                        // ids [N, T] int32 → [N, T, V]
 *   const out = await gpt.generate(ids, { maxNewTokens: 50, doSample: true, topK: 10 });
 */
export class GPT2LMHeadModel extends Module {
  readonly config: Required<GPT2Config>;
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
  step(ids: Tensor, past: LayerCache[] | null): { logits: Tensor; cache: LayerCache[] } {
    const { out, cache } = this.transformer.step(ids, past);
    return { logits: out.matmul(this.transformer.wte.weight.t()), cache };
  }

  /** HF's keys: drops the attn.bias / attn.masked_bias buffers, maps a tied lm_head.weight. */
  override loadStateDict(
    dict: StateDict | Map<string, Tensor>,
    options: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    const entries = new Map(dict instanceof Map ? dict : Object.entries(dict));
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
  async generate(ids: Tensor, options: GenerateOptions = {}): Promise<Tensor> {
    checkOptions('generate', options, GENERATE_KEYS);
    ids._check('generate');
    if (ids.dtype !== 'int32' || ids.ndim !== 2 || ids.shape[1] === 0)
      throw new ShapeError(
        `generate: ids must be int32 [N, T] with T >= 1, got ${ids.dtype} ${fmtShape(ids.shape)}.`,
      );
    const maxNew = options.maxNewTokens ?? 20;
    const temperature = options.temperature ?? 1;
    if (!Number.isInteger(maxNew) || maxNew < 0)
      throw new ValueError(`generate: maxNewTokens must be an integer >= 0, got ${maxNew}.`);
    if (!(temperature > 0)) throw new ValueError(`generate: temperature must be > 0, got ${temperature}.`);
    if (options.topK !== undefined && !(Number.isInteger(options.topK) && options.topK > 0))
      throw new ValueError(`generate: topK must be a positive integer, got ${options.topK}.`);
    if (options.topP !== undefined && !(options.topP > 0 && options.topP <= 1))
      throw new ValueError(`generate: topP must be in (0, 1], got ${options.topP}.`);
    const pick = {
      doSample: options.doSample ?? false,
      temperature,
      topK: options.topK,
      topP: options.topP,
      generator: options.generator ?? defaultGenerator,
    };
    const useCache = options.useCache ?? true;
    const stops = new Set(options.stopTokens ?? []);
    const [N] = ids.shape;
    const V = this.config.vocabSize;
    const P = this.config.nPositions;
    const rows = await ids.data();
    const seqs = Array.from({ length: N }, (_, n) =>
      Array.from(rows.subarray(n * ids.shape[1], (n + 1) * ids.shape[1])),
    );
    const done: (number | null)[] = new Array(N).fill(null);
    let cache: LayerCache[] | null = null;
    const dropCache = () => {
      for (const c of cache ?? []) {
        c.k.dispose();
        c.v.dispose();
      }
      cache = null;
    };
    const wasTraining = this.training;
    this.eval();
    try {
      for (let step = 0; step < maxNew && done.some((d) => d === null); step++) {
        const len = seqs[0].length;
        if (useCache && cache && (cache as LayerCache[])[0].k.shape[2] + 1 > P) dropCache();
        const feedFrom = useCache && cache ? len - 1 : Math.max(0, len - (useCache ? P - 1 : P));
        const last = noGrad(() =>
          tidy(() => {
            const input = tensor(Int32Array.from(seqs.flatMap((s) => s.slice(feedFrom))), {
              shape: [N, len - feedFrom],
              dtype: 'int32',
            });
            const r = this.step(input, useCache ? cache : null);
            if (useCache) {
              const old = cache;
              cache = r.cache.map((c) => ({ k: keep(c.k), v: keep(c.v) }));
              for (const c of old ?? []) {
                c.k.dispose();
                c.v.dispose();
              }
            }
            return r.logits.narrow(1, len - feedFrom - 1, 1).contiguous();
          }),
        );
        const logits = (await last.data()) as Float32Array;
        last.dispose();
        for (let n = 0; n < N; n++) {
          let tok: number;
          if (done[n] !== null) tok = options.padTokenId ?? (done[n] as number);
          else {
            tok = pickToken(logits.subarray(n * V, (n + 1) * V), pick);
            if (stops.has(tok)) done[n] = tok;
          }
          seqs[n].push(tok);
        }
      }
    } finally {
      dropCache();
      this.train(wasTraining);
    }
    return tensor(Int32Array.from(seqs.flat()), { shape: [N, seqs[0].length], dtype: 'int32' });
  }

  override extraRepr(): string {
    const c = this.config;
    return `vocabSize=${c.vocabSize}, nPositions=${c.nPositions}, nEmbd=${c.nEmbd}, nLayer=${c.nLayer}, nHead=${c.nHead}`;
  }
}
