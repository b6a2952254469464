/**
 * Transformer layers as PyTorch 1.13's nn.TransformerEncoderLayer, nn.TransformerEncoder,
 * nn.TransformerDecoderLayer and nn.TransformerDecoder, with PyTorch's child names (`self_attn`,
 * `multihead_attn`, `linear1`, `linear2`, `norm1`..`norm3`, `layers.0...`, `norm`) so that state
 * dicts load both ways. The encoder and decoder layers share one body (TransformerLayerBase): the
 * decoder adds cross-attention; the stacks share TransformerStack.
 *
 * Shapes: src/tgt [L, N, dModel] and memory [S, N, dModel] ([N, L, dModel] with `batchFirst`).
 * Masks follow nn.MultiheadAttention (bool true = not allowed, float added): srcMask/tgtMask
 * [L, L], memoryMask [L, S], key padding masks [N, L] / [N, S].
 *
 * Post-norm (default):  x = norm1(x + SA(x));  x = norm2(x + FF(x))
 * Pre-norm (normFirst): x = x + SA(norm1(x));  x = x + FF(norm2(x))
 * with FF(x) = linear2(dropout(act(linear1(x)))) and act relu (default), gelu (exact), or any
 * function; the decoder adds cross-attention on the memory (`multihead_attn`, norm2) before FF (norm3).
 */
import { checkOptions, gelu, relu, type Tensor, ValueError } from '@nnet/tensor';
import { checkPositiveInt } from './args.js';
import { MultiheadAttention } from './attention.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { ModuleList } from './module_list.js';
import { LayerNorm } from './normalization.js';
import type { StateDict } from './state_dict.js';

/** The feed-forward activation: PyTorch's 'relu' or 'gelu' (exact), or any function. */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

/** Options of the encoder and decoder layers (PyTorch's keyword arguments). */
export interface TransformerLayerOptions {
  /** Hidden size of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout probability everywhere (default 0.1). */
  dropout?: number;
  /** The feed-forward activation (default 'relu'). */
  activation?: TransformerActivation;
  /** LayerNorm epsilon (default 1e-5). */
  layerNormEps?: number;
  /** Inputs are [N, L, dModel] (default false: [L, N, dModel]). */
  batchFirst?: boolean;
  /** Pre-norm: normalise before attention and feed-forward (default false). */
  normFirst?: boolean;
}

const LAYER_KEYS = ['dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst'];

function activationFn(name: string, a: TransformerActivation): (x: Tensor) => Tensor {
  if (typeof a === 'function') return a;
  if (a === 'relu') return relu;
  if (a === 'gelu') return (x) => gelu(x);
  throw new ValueError(`${name}: activation must be 'relu', 'gelu' or a function, got '${String(a)}'.`);
}

/** One residual sub-block: its function and the LayerNorm around it. */
export type SubBlock = readonly [(x: Tensor) => Tensor, LayerNorm];

/**
 * The body the encoder and decoder layers share: self-attention, optional cross-attention on a
 * memory (the decoder's), and the feed-forward network FF(x) = linear2(dropout(act(linear1(x)))),
 * each sub-block k wrapped as
 *   post-norm: x = norm_k(x + dropout_k(f_k(x)))      pre-norm (normFirst): x = x + dropout_k(f_k(norm_k(x)))
 * Children are registered in PyTorch's order (self_attn, [multihead_attn], linear1, dropout,
 * linear2, norm1.., dropout1..), so state dicts match nn.TransformerEncoderLayer / DecoderLayer.
 *
 * ```ts
 * const layer: TransformerLayerBase = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
 * layer.linear1.weight.shape; // [16, 8]
 * ```
 */
export abstract class TransformerLayerBase extends Module {
  /** Self-attention over the input (dModel, nhead). */
  readonly self_attn: MultiheadAttention;
  /** Feed-forward up projection dModel → dimFeedforward. */
  readonly linear1: Linear;
  /** Dropout inside the feed-forward block. */
  readonly dropout: Dropout;
  /** Feed-forward down projection dimFeedforward → dModel. */
  readonly linear2: Linear;
  /** LayerNorm of the self-attention sub-block. */
  readonly norm1: LayerNorm;
  /** LayerNorm of sub-block 2: feed-forward (encoder) or cross-attention (decoder, whose feed-forward norm is `norm3`). */
  readonly norm2: LayerNorm;
  /** Dropout on the self-attention output. */
  readonly dropout1: Dropout;
  /** Dropout on sub-block 2's output: feed-forward (encoder) or cross-attention (decoder). */
  readonly dropout2: Dropout;
  /** Pre-norm (options.normFirst, default false). */
  readonly normFirst: boolean;
  /** Inputs are [N, L, dModel] (options.batchFirst, default false: [L, N, dModel]). */
  readonly batchFirst: boolean;
  /** The cross-attention, third norm and third dropout (decoder), else null. */
  protected readonly cross: {
    /** Cross-attention on the memory (`multihead_attn`). */
    attn: MultiheadAttention;
    /** Its LayerNorm (`norm3`). */
    norm: LayerNorm;
    /** Dropout on its output (`dropout3`). */
    dropout: Dropout;
  } | null;
  private readonly act: (x: Tensor) => Tensor;

  protected constructor(
    name: string,
    /** The model width (last dim of the input). */
    readonly dModel: number,
    /** The number of attention heads; must divide dModel. */
    readonly nhead: number,
    /** The options as given (defaults not filled in). */
    readonly options: TransformerLayerOptions,
    crossAttention: boolean,
  ) {
    super();
    checkOptions(name, options, LAYER_KEYS);
    const ff = options.dimFeedforward ?? 2048;
    checkPositiveInt(name, 'dModel', dModel);
    checkPositiveInt(name, 'nhead', nhead);
    checkPositiveInt(name, 'dimFeedforward', ff);
    const p = options.dropout ?? 0.1;
    const eps = options.layerNormEps ?? 1e-5;
    this.batchFirst = options.batchFirst ?? false;
    this.normFirst = options.normFirst ?? false;
    this.act = activationFn(name, options.activation ?? 'relu');
    const mha = () => new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: this.batchFirst });
    const norm = () => new LayerNorm(dModel, { eps });
    this.self_attn = this.registerModule('self_attn', mha());
    const crossAttn = crossAttention ? this.registerModule('multihead_attn', mha()) : null;
    this.linear1 = this.registerModule('linear1', new Linear(dModel, ff));
    this.dropout = this.registerModule('dropout', new Dropout(p));
    this.linear2 = this.registerModule('linear2', new Linear(ff, dModel));
    this.norm1 = this.registerModule('norm1', norm());
    this.norm2 = this.registerModule('norm2', norm());
    const norm3 = crossAttn ? this.registerModule('norm3', norm()) : null;
    this.dropout1 = this.registerModule('dropout1', new Dropout(p));
    this.dropout2 = this.registerModule('dropout2', new Dropout(p));
    const dropout3 = crossAttn ? this.registerModule('dropout3', new Dropout(p)) : null;
    this.cross = crossAttn && norm3 && dropout3 ? { attn: crossAttn, norm: norm3, dropout: dropout3 } : null;
  }

  /** Self-attention of x (sub-block 1, with dropout1). */
  protected selfAttention(x: Tensor, mask?: Tensor | null, keyPaddingMask?: Tensor | null): Tensor {
    const { output } = this.self_attn.attend(x, x, x, {
      attnMask: mask ?? null,
      keyPaddingMask: keyPaddingMask ?? null,
      needWeights: false,
    });
    return this.dropout1.forward(output);
  }

  /** The feed-forward network, with the last sub-block's dropout. */
  protected feedForward(x: Tensor): Tensor {
    const y = this.linear2.forward(this.dropout.forward(this.act(this.linear1.forward(x))));
    return (this.cross ? this.cross.dropout : this.dropout2).forward(y);
  }

  /** Applies the sub-blocks in order, each as a post-norm or pre-norm residual. */
  protected residual(x: Tensor, blocks: readonly SubBlock[]): Tensor {
    let h = x;
    for (const [f, norm] of blocks)
      h = this.normFirst ? h.add(f(norm.forward(h))) : norm.forward(h.add(f(h)));
    return h;
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}, normFirst=${this.normFirst}`;
  }
}

/**
 * One encoder block: self-attention and a feed-forward network, each with a residual connection
 * and LayerNorm (post-norm by default, pre-norm with `normFirst`). src [L, N, dModel]
 * ([N, L, dModel] batch-first) → the same shape.
 *
 * ```ts
 * const x = randn([2, 16, 64]);
 * const layer = new TransformerEncoderLayer(64, 4, { dimFeedforward: 256, batchFirst: true });
 * const y = layer.forward(x);                 // x, y [N, L, 64]
 * y.shape; // [2, 16, 64]
 * ```
 */
export class TransformerEncoderLayer extends TransformerLayerBase {
  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super('TransformerEncoderLayer', dModel, nhead, options, false);
  }

  /** src [L, N, dModel] ([N, L, dModel] batch-first); srcMask [L, L]; srcKeyPaddingMask [N, L]. */
  forward(src: Tensor, srcMask?: Tensor | null, srcKeyPaddingMask?: Tensor | null): Tensor {
    return this.residual(src, [
      [(x) => this.selfAttention(x, srcMask, srcKeyPaddingMask), this.norm1],
      [(x) => this.feedForward(x), this.norm2],
    ]);
  }
}

/**
 * The optional masks of a decoder's forward, after tgt and memory, in PyTorch's order: tgtMask
 * [T, T], memoryMask [T, S], tgtKeyPaddingMask [N, T], memoryKeyPaddingMask [N, S] (bool: true
 * masks out; float: added to the scores); null or left out: none.
 *
 *   dec.forward(tgt, memory, causalMask, null, tgtPadding); // DecoderMasks = [causalMask, null, tgtPadding]
 */
export type DecoderMasks = [
  tgtMask?: Tensor | null,
  memoryMask?: Tensor | null,
  tgtKeyPaddingMask?: Tensor | null,
  memoryKeyPaddingMask?: Tensor | null,
];

/**
 * One decoder block: causal-capable self-attention, cross-attention on the encoder's memory and a
 * feed-forward network, each with a residual connection and LayerNorm. tgt [T, N, dModel] and
 * memory [S, N, dModel] ([N, ·, dModel] batch-first) → tgt's shape.
 *
 * ```ts
 * const tgt = randn([2, 10, 64]);
 * const memory = randn([2, 12, 64]);
 * const causalMask = full([10, 10], Number.NEGATIVE_INFINITY).triu(1);
 * const layer = new TransformerDecoderLayer(64, 4, { batchFirst: true });
 * const y = layer.forward(tgt, memory, causalMask);   // tgt [N, T, 64], memory [N, S, 64]
 * y.shape; // [2, 10, 64]
 * ```
 */
export class TransformerDecoderLayer extends TransformerLayerBase {
  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super('TransformerDecoderLayer', dModel, nhead, options, true);
  }

  private get parts(): NonNullable<TransformerLayerBase['cross']> {
    // Always set for a decoder layer (built with cross-attention).
    return this.cross as NonNullable<TransformerLayerBase['cross']>;
  }

  /** The cross-attention on the memory (PyTorch's `multihead_attn`). */
  get multihead_attn(): MultiheadAttention {
    return this.parts.attn;
  }

  /** The LayerNorm of the feed-forward sub-block. */
  get norm3(): LayerNorm {
    return this.parts.norm;
  }

  /** The dropout of the feed-forward sub-block. */
  get dropout3(): Dropout {
    return this.parts.dropout;
  }

  /** PyTorch's argument order: tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask. */
  forward(tgt: Tensor, memory: Tensor, ...masks: DecoderMasks): Tensor {
    const [tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask] = masks;
    const crossAttention = (x: Tensor) =>
      this.dropout2.forward(
        this.multihead_attn.attend(x, memory, memory, {
          attnMask: memoryMask ?? null,
          keyPaddingMask: memoryKeyPaddingMask ?? null,
          needWeights: false,
        }).output,
      );
    return this.residual(tgt, [
      [(x) => this.selfAttention(x, tgtMask, tgtKeyPaddingMask), this.norm1],
      [crossAttention, this.norm2],
      [(x) => this.feedForward(x), this.norm3],
    ]);
  }
}

/**
 * The part of TransformerEncoder and TransformerDecoder they share: `numLayers` copies of a layer
 * (each starting with the given layer's weights, as PyTorch's deepcopy) under `layers.{i}`, and an
 * optional final `norm`.
 *
 * ```ts
 * const enc: TransformerStack<TransformerEncoderLayer> = new TransformerEncoder(new TransformerEncoderLayer(8, 2), 3);
 * enc.layers.length; // 3
 * ```
 */
export abstract class TransformerStack<L extends TransformerLayerBase> extends Module {
  /** The numLayers layers (`layers.{i}`). */
  readonly layers: ModuleList<L>;
  /** The final LayerNorm (null: none). */
  readonly norm: LayerNorm | null;

  protected constructor(
    name: string,
    layer: L,
    numLayers: number,
    options: { norm?: LayerNorm | null },
    /** The layer's class: each copy is made with `layer`'s dModel, nhead and options, then its state. */
    layerClass: new (dModel: number, nhead: number, options: TransformerLayerOptions) => L,
  ) {
    super();
    checkOptions(name, options, ['norm']);
    checkPositiveInt(name, 'numLayers', numLayers);
    const state: StateDict = layer.stateDict();
    const copies = Array.from({ length: numLayers }, (_, i) => {
      if (i === 0) return layer;
      const m = new layerClass(layer.dModel, layer.nhead, layer.options);
      m.loadStateDict(state);
      return m;
    });
    this.layers = this.registerModule('layers', new ModuleList(copies));
    this.norm = options.norm ? this.registerModule('norm', options.norm) : null;
  }

  /** The final norm, if any. */
  protected finish(x: Tensor): Tensor {
    return this.norm ? this.norm.forward(x) : x;
  }
}

/**
 * A stack of `numLayers` copies of an encoder layer with an optional final norm:
 * src [L, N, dModel] ([N, L, dModel] batch-first) → the same shape.
 *
 * ```ts
 * const enc = new TransformerEncoder(new TransformerEncoderLayer(64, 4), 6, { norm: new LayerNorm(64) });
 * ```
 */
export class TransformerEncoder extends TransformerStack<TransformerEncoderLayer> {
  constructor(
    encoderLayer: TransformerEncoderLayer,
    numLayers: number,
    options: { norm?: LayerNorm | null } = {},
  ) {
    super('TransformerEncoder', encoderLayer, numLayers, options, TransformerEncoderLayer);
  }

  /** src [L, N, dModel]; mask [L, L]; srcKeyPaddingMask [N, L]. */
  forward(src: Tensor, mask?: Tensor | null, srcKeyPaddingMask?: Tensor | null): Tensor {
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, mask, srcKeyPaddingMask);
    return this.finish(x);
  }
}

/**
 * A stack of `numLayers` copies of a decoder layer with an optional final norm:
 * tgt [T, N, dModel], memory [S, N, dModel] → tgt's shape.
 *
 * ```ts
 * const tgt = randn([10, 2, 64]);    // [T, N, 64]
 * const memory = randn([12, 2, 64]); // [S, N, 64]
 * const tgtMask = full([10, 10], Number.NEGATIVE_INFINITY).triu(1); // causal
 * const dec = new TransformerDecoder(new TransformerDecoderLayer(64, 4), 6);
 * const y = dec.forward(tgt, memory, tgtMask);
 * y.shape; // [10, 2, 64]
 * ```
 */
export class TransformerDecoder extends TransformerStack<TransformerDecoderLayer> {
  constructor(
    decoderLayer: TransformerDecoderLayer,
    numLayers: number,
    options: { norm?: LayerNorm | null } = {},
  ) {
    super('TransformerDecoder', decoderLayer, numLayers, options, TransformerDecoderLayer);
  }

  /** PyTorch's argument order, as TransformerDecoderLayer.forward. */
  forward(tgt: Tensor, memory: Tensor, ...masks: DecoderMasks): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = layer.forward(x, memory, ...masks);
    return this.finish(x);
  }
}
