/**
 * GPT-2's building blocks with Hugging Face's parameter names: the "Conv1D" projection
 * (y = x·W + b, W stored [in, out]), causal self-attention (`attn`), the MLP (`mlp`) and the
 * pre-norm block (`h.{i}`): x += attn(ln_1(x)); x += mlp(ln_2(x)). The model that stacks them is in
 * gpt2.ts.
 */
import {
  cat,
  checkOptions,
  fmtShape,
  gelu,
  noGrad,
  ones,
  ShapeError,
  scaledDotProductAttention,
  type Tensor,
  zeros,
} from '@nnet/tensor';
import { checkNumberArg, checkPositiveInt } from './args.js';
import { Dropout } from './dropout.js';
import { normal_ } from './init.js';
import { Module } from './module.js';
import { LayerNorm } from './normalization.js';
import { Parameter } from './parameter.js';

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

/**
 * The keys of GPT2Config, for option checks (internal to the GPT-2 files).
 *
 *   checkOptions('GPT2Block', config, CONFIG_KEYS);
 */
export const CONFIG_KEYS = [
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
  /** Cached keys [N, H, T, C/H] for the T positions seen so far. */
  k: Tensor;
  /** Cached values [N, H, T, C/H] for the T positions seen so far. */
  v: Tensor;
}

/**
 * What one step of an attention layer or a block gives: its output and the grown cache.
 *
 *   const { out, cache } = block.step(x, null); // x [2, 5, 64] → out [2, 5, 64], cache.k [2, 4, 5, 16]
 */
export interface LayerStep {
  /** The output [N, T, C]. */
  out: Tensor;
  /** `past` grown by the T new positions: k, v [N, H, P + T, C/H]. */
  cache: LayerCache;
}

/**
 * HF's Conv1D: y = x·W + b with W stored [nx, nf] (in, out), initialised N(0, std²), b = 0.
 *
 * ```ts
 * const proj = new Conv1D(96, 32);   // 32 → 96, weight [32, 96]
 * ```
 */
export class Conv1D extends Module {
  /** W [nx, nf] (in, out), ~ N(0, std²) at start. */
  readonly weight: Parameter;
  /** b [nf], zeros at start. */
  readonly bias: Parameter;

  constructor(
    /** Output features (HF's nf). */
    readonly nf: number,
    /** Input features (HF's nx). */
    readonly nx: number,
    std = 0.02,
  ) {
    super();
    checkPositiveInt('Conv1D', 'nf', nf);
    checkPositiveInt('Conv1D', 'nx', nx);
    checkNumberArg('Conv1D', 'std', std);
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

/** Options of GPT2Attention (HF's attn_pdrop, resid_pdrop, and the c_proj init's std). */
export interface GPT2AttentionOptions {
  /** Dropout probability on the attention weights (HF's attn_pdrop). */
  attnPdrop: number;
  /** Dropout probability on the projected output (HF's resid_pdrop). */
  residPdrop: number;
  /** Standard deviation of c_proj's initial weights (GPT-2 scales it by 1/√(2·nLayer)). */
  projStd: number;
}

/**
 * Causal self-attention of one block (`attn`: c_attn [C, 3C], c_proj [C, C]): x [N, T, C] → [N, T, C].
 *
 * ```ts
 * const attn = new GPT2Attention(64, 4, { attnPdrop: 0, residPdrop: 0, projStd: 0.02 });
 * const y = attn.forward(randn([2, 10, 64])); // [2, 10, 64]
 * ```
 */
export class GPT2Attention extends Module {
  /** The fused q, k, v projection, weight [C, 3C]. */
  readonly c_attn: Conv1D;
  /** The output projection, weight [C, C]. */
  readonly c_proj: Conv1D;
  /** Dropout after c_proj (probability residPdrop). */
  readonly resid_dropout: Dropout;
  private readonly attnPdrop: number;

  constructor(
    /** C, the embedding width. */
    readonly nEmbd: number,
    /** The number of heads H; C must be divisible by it. */
    readonly nHead: number,
    options: GPT2AttentionOptions,
  ) {
    super();
    checkOptions('GPT2Attention', options, ['attnPdrop', 'residPdrop', 'projStd']);
    checkPositiveInt('GPT2Attention', 'nEmbd', nEmbd);
    checkPositiveInt('GPT2Attention', 'nHead', nHead);
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
  step(x: Tensor, past: LayerCache | null): LayerStep {
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

/**
 * The block's feed-forward network (`mlp`: c_fc [C, inner], GELU-tanh, c_proj [inner, C]):
 * x [N, T, C] → [N, T, C].
 *
 * ```ts
 * const mlp = new GPT2MLP(64, 256, { residPdrop: 0, projStd: 0.02 });
 * ```
 */
export class GPT2MLP extends Module {
  /** The up projection, weight [C, inner]. */
  readonly c_fc: Conv1D;
  /** The down projection, weight [inner, C]. */
  readonly c_proj: Conv1D;
  /** Dropout after c_proj (probability residPdrop). */
  readonly dropout: Dropout;

  constructor(nEmbd: number, nInner: number, options: { residPdrop: number; projStd: number }) {
    super();
    checkOptions('GPT2MLP', options, ['residPdrop', 'projStd']);
    this.c_fc = this.registerModule('c_fc', new Conv1D(nInner, nEmbd));
    this.c_proj = this.registerModule('c_proj', new Conv1D(nEmbd, nInner, options.projStd));
    this.dropout = this.registerModule('dropout', new Dropout(options.residPdrop));
  }

  forward(x: Tensor): Tensor {
    return this.dropout.forward(this.c_proj.forward(gelu(this.c_fc.forward(x), { approximate: 'tanh' })));
  }
}

/**
 * One pre-norm block (`h.{i}`: ln_1, attn, ln_2, mlp): x [N, T, C] → [N, T, C]. Takes the full
 * config (defaults filled in, as GPT2LMHeadModel holds it).
 *
 * ```ts
 * const gpt = new GPT2LMHeadModel({ vocabSize: 65, nPositions: 128, nEmbd: 64, nLayer: 2, nHead: 4 });
 * const block = new GPT2Block(gpt.config);
 * block.forward(randn([2, 8, 64])).shape; // [2, 8, 64]
 * ```
 */
export class GPT2Block extends Module {
  /** LayerNorm before attention. */
  readonly ln_1: LayerNorm;
  /** The causal self-attention. */
  readonly attn: GPT2Attention;
  /** LayerNorm before the MLP. */
  readonly ln_2: LayerNorm;
  /** The feed-forward network. */
  readonly mlp: GPT2MLP;

  constructor(config: Required<GPT2Config>) {
    super();
    checkOptions('GPT2Block', config, CONFIG_KEYS);
    const eps = config.layerNormEpsilon;
    // HF scales the residual projections' init by 1/√(2·nLayer).
    const projStd = 0.02 / Math.sqrt(2 * config.nLayer);
    this.ln_1 = this.registerModule('ln_1', new LayerNorm(config.nEmbd, { eps }));
    this.attn = this.registerModule(
      'attn',
      new GPT2Attention(config.nEmbd, config.nHead, {
        attnPdrop: config.attnPdrop,
        residPdrop: config.residPdrop,
        projStd,
      }),
    );
    this.ln_2 = this.registerModule('ln_2', new LayerNorm(config.nEmbd, { eps }));
    this.mlp = this.registerModule(
      'mlp',
      new GPT2MLP(config.nEmbd, config.nInner, { residPdrop: config.residPdrop, projStd }),
    );
  }

  forward(x: Tensor): Tensor {
    return this.step(x, null).out;
  }

  /**
   * x [N, T, C] after `past`'s cached positions (null: none) → the block's output [N, T, C] and
   * the attention cache grown by T positions.
   *
   *   const { out, cache } = block.step(x, null); // x [2, 5, 64] → out [2, 5, 64], cache.k [2, 4, 5, 16]
   */
  step(x: Tensor, past: LayerCache | null): LayerStep {
    const a = this.attn.step(this.ln_1.forward(x), past);
    const h = x.add(a.out);
    return { out: h.add(this.mlp.forward(this.ln_2.forward(h))), cache: a.cache };
  }
}
