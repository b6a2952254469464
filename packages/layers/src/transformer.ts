/**
 * Transformer layers as PyTorch 1.13's nn.TransformerEncoderLayer, nn.TransformerEncoder,
 * nn.TransformerDecoderLayer and nn.TransformerDecoder, with PyTorch's child names (`self_attn`,
 * `multihead_attn`, `linear1`, `linear2`, `norm1`..`norm3`, `layers.0...`, `norm`) so that state
 * dicts load both ways, and `ModuleList`, their container.
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
import { checkOptions, describeValue, gelu, relu, type Tensor, ValueError } from '@nnet/tensor';
import { MultiheadAttention } from './attention.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { Module, type StateDict } from './module.js';
import { LayerNorm } from './normalization.js';

/**
 * An indexed list of modules, registered as children '0', '1', ... (PyTorch's nn.ModuleList): the
 * container of repeated blocks, whose state-dict names are `<list>.<i>.<param>`.
 *
 *   const blocks = new ModuleList([new Linear(4, 4), new Linear(4, 4)]);
 *   blocks.at(1).forward(x);
 */
export class ModuleList<M extends Module = Module> extends Module {
  private readonly items: M[] = [];

  constructor(modules: readonly M[] = []) {
    super();
    if (!Array.isArray(modules)) {
      throw new ValueError(
        `ModuleList: modules must be a list of Modules, e.g. new ModuleList([new Linear(2, 3)]), got ${describeValue(modules)}.`,
      );
    }
    for (const m of modules) this.append(m);
  }

  /** Adds a module at the end and returns this list. */
  append(m: M): this {
    this.items.push(this.registerModule(String(this.items.length), m));
    return this;
  }

  get length(): number {
    return this.items.length;
  }

  /** The i-th module (negative counts from the end). */
  at(i: number): M {
    const m = this.items.at(i);
    if (!m)
      throw new ValueError(`ModuleList.at: index ${i} is out of range for ${this.items.length} modules.`);
    return m;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }

  /** A ModuleList has no forward of its own: iterate it. */
  forward(): Tensor {
    throw new ValueError('ModuleList has no forward(); iterate over it and call each module.');
  }
}

/** The feed-forward activation: PyTorch's 'relu' or 'gelu' (exact), or any function. */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

/** Options of the encoder and decoder layers (PyTorch's keyword arguments). */
export interface TransformerLayerOptions {
  /** Hidden size of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout probability everywhere (default 0.1). */
  dropout?: number;
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

function checkDims(name: string, dModel: number, nhead: number, ff: number): void {
  for (const [n, v] of [
    ['dModel', dModel],
    ['nhead', nhead],
    ['dimFeedforward', ff],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0)
      throw new ValueError(`${name}: ${n} must be a positive integer, got ${v}.`);
  }
}

/** Copies `src`'s parameters into a fresh module made by `make` (PyTorch's deepcopy of a layer). */
function copies<M extends Module>(src: M, n: number, make: () => M): M[] {
  if (!Number.isInteger(n) || n <= 0) throw new ValueError(`numLayers must be a positive integer, got ${n}.`);
  const state: StateDict = src.stateDict();
  return Array.from({ length: n }, (_, i) => {
    if (i === 0) return src;
    const m = make();
    m.loadStateDict(state);
    return m;
  });
}

/**
 * One encoder block: self-attention and a feed-forward network, each with a residual connection
 * and LayerNorm (post-norm by default, pre-norm with `normFirst`).
 *
 *   const layer = new TransformerEncoderLayer(64, 4, { dimFeedforward: 256, batchFirst: true });
 *   const y = layer.forward(x);                 // x, y [N, L, 64]
 */
export class TransformerEncoderLayer extends Module {
  readonly self_attn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  readonly normFirst: boolean;
  readonly batchFirst: boolean;
  private readonly act: (x: Tensor) => Tensor;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    readonly options: TransformerLayerOptions = {},
  ) {
    super();
    checkOptions('TransformerEncoderLayer', options, LAYER_KEYS);
    const ff = options.dimFeedforward ?? 2048;
    checkDims('TransformerEncoderLayer', dModel, nhead, ff);
    const p = options.dropout ?? 0.1;
    const eps = options.layerNormEps ?? 1e-5;
    this.batchFirst = options.batchFirst ?? false;
    this.normFirst = options.normFirst ?? false;
    this.act = activationFn('TransformerEncoderLayer', options.activation ?? 'relu');
    this.self_attn = this.registerModule(
      'self_attn',
      new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: this.batchFirst }),
    );
    this.linear1 = this.registerModule('linear1', new Linear(dModel, ff));
    this.dropout = this.registerModule('dropout', new Dropout(p));
    this.linear2 = this.registerModule('linear2', new Linear(ff, dModel));
    this.norm1 = this.registerModule('norm1', new LayerNorm(dModel, { eps }));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dModel, { eps }));
    this.dropout1 = this.registerModule('dropout1', new Dropout(p));
    this.dropout2 = this.registerModule('dropout2', new Dropout(p));
  }

  /** src [L, N, dModel] ([N, L, dModel] batch-first); srcMask [L, L]; srcKeyPaddingMask [N, L]. */
  forward(src: Tensor, srcMask?: Tensor | null, srcKeyPaddingMask?: Tensor | null): Tensor {
    const sa = (x: Tensor) =>
      this.dropout1.forward(
        this.self_attn.attend(x, x, x, {
          attnMask: srcMask ?? null,
          keyPaddingMask: srcKeyPaddingMask ?? null,
          needWeights: false,
        }).output,
      );
    const ff = (x: Tensor) =>
      this.dropout2.forward(this.linear2.forward(this.dropout.forward(this.act(this.linear1.forward(x)))));
    let x = src;
    if (this.normFirst) {
      x = x.add(sa(this.norm1.forward(x)));
      return x.add(ff(this.norm2.forward(x)));
    }
    x = this.norm1.forward(x.add(sa(x)));
    return this.norm2.forward(x.add(ff(x)));
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}, normFirst=${this.normFirst}`;
  }
}

/**
 * A stack of `numLayers` copies of an encoder layer (each starting with the given layer's weights,
 * as PyTorch's deepcopy), with an optional final norm.
 *
 *   const enc = new TransformerEncoder(new TransformerEncoderLayer(64, 4), 6, { norm: new LayerNorm(64) });
 */
export class TransformerEncoder extends Module {
  readonly layers: ModuleList<TransformerEncoderLayer>;
  readonly norm: LayerNorm | null;

  constructor(
    encoderLayer: TransformerEncoderLayer,
    numLayers: number,
    options: { norm?: LayerNorm | null } = {},
  ) {
    super();
    checkOptions('TransformerEncoder', options, ['norm']);
    const make = () =>
      new TransformerEncoderLayer(encoderLayer.dModel, encoderLayer.nhead, encoderLayer.options);
    this.layers = this.registerModule('layers', new ModuleList(copies(encoderLayer, numLayers, make)));
    this.norm = options.norm ? this.registerModule('norm', options.norm) : null;
  }

  forward(src: Tensor, mask?: Tensor | null, srcKeyPaddingMask?: Tensor | null): Tensor {
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, mask, srcKeyPaddingMask);
    return this.norm ? this.norm.forward(x) : x;
  }
}

/**
 * One decoder block: causal-capable self-attention, cross-attention on the encoder's memory and a
 * feed-forward network, each with a residual connection and LayerNorm.
 *
 *   const layer = new TransformerDecoderLayer(64, 4, { batchFirst: true });
 *   const y = layer.forward(tgt, memory, causalMask);   // tgt [N, T, 64], memory [N, S, 64]
 */
export class TransformerDecoderLayer extends Module {
  readonly self_attn: MultiheadAttention;
  readonly multihead_attn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly norm3: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  readonly dropout3: Dropout;
  readonly normFirst: boolean;
  readonly batchFirst: boolean;
  private readonly act: (x: Tensor) => Tensor;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    readonly options: TransformerLayerOptions = {},
  ) {
    super();
    checkOptions('TransformerDecoderLayer', options, LAYER_KEYS);
    const ff = options.dimFeedforward ?? 2048;
    checkDims('TransformerDecoderLayer', dModel, nhead, ff);
    const p = options.dropout ?? 0.1;
    const eps = options.layerNormEps ?? 1e-5;
    this.batchFirst = options.batchFirst ?? false;
    this.normFirst = options.normFirst ?? false;
    this.act = activationFn('TransformerDecoderLayer', options.activation ?? 'relu');
    const mha = () => new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: this.batchFirst });
    this.self_attn = this.registerModule('self_attn', mha());
    this.multihead_attn = this.registerModule('multihead_attn', mha());
    this.linear1 = this.registerModule('linear1', new Linear(dModel, ff));
    this.dropout = this.registerModule('dropout', new Dropout(p));
    this.linear2 = this.registerModule('linear2', new Linear(ff, dModel));
    this.norm1 = this.registerModule('norm1', new LayerNorm(dModel, { eps }));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dModel, { eps }));
    this.norm3 = this.registerModule('norm3', new LayerNorm(dModel, { eps }));
    this.dropout1 = this.registerModule('dropout1', new Dropout(p));
    this.dropout2 = this.registerModule('dropout2', new Dropout(p));
    this.dropout3 = this.registerModule('dropout3', new Dropout(p));
  }

  /** PyTorch's argument order: tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask. */
  forward(
    tgt: Tensor,
    memory: Tensor,
    tgtMask?: Tensor | null,
    memoryMask?: Tensor | null,
    tgtKeyPaddingMask?: Tensor | null,
    memoryKeyPaddingMask?: Tensor | null,
  ): Tensor {
    const sa = (x: Tensor) =>
      this.dropout1.forward(
        this.self_attn.attend(x, x, x, {
          attnMask: tgtMask ?? null,
          keyPaddingMask: tgtKeyPaddingMask ?? null,
          needWeights: false,
        }).output,
      );
    const mha = (x: Tensor) =>
      this.dropout2.forward(
        this.multihead_attn.attend(x, memory, memory, {
          attnMask: memoryMask ?? null,
          keyPaddingMask: memoryKeyPaddingMask ?? null,
          needWeights: false,
        }).output,
      );
    const ff = (x: Tensor) =>
      this.dropout3.forward(this.linear2.forward(this.dropout.forward(this.act(this.linear1.forward(x)))));
    let x = tgt;
    if (this.normFirst) {
      x = x.add(sa(this.norm1.forward(x)));
      x = x.add(mha(this.norm2.forward(x)));
      return x.add(ff(this.norm3.forward(x)));
    }
    x = this.norm1.forward(x.add(sa(x)));
    x = this.norm2.forward(x.add(mha(x)));
    return this.norm3.forward(x.add(ff(x)));
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}, normFirst=${this.normFirst}`;
  }
}

/**
 * A stack of `numLayers` copies of a decoder layer with an optional final norm.
 *
 *   const dec = new TransformerDecoder(new TransformerDecoderLayer(64, 4), 6);
 *   const y = dec.forward(tgt, memory, tgtMask);
 */
export class TransformerDecoder extends Module {
  readonly layers: ModuleList<TransformerDecoderLayer>;
  readonly norm: LayerNorm | null;

  constructor(
    decoderLayer: TransformerDecoderLayer,
    numLayers: number,
    options: { norm?: LayerNorm | null } = {},
  ) {
    super();
    checkOptions('TransformerDecoder', options, ['norm']);
    const make = () =>
      new TransformerDecoderLayer(decoderLayer.dModel, decoderLayer.nhead, decoderLayer.options);
    this.layers = this.registerModule('layers', new ModuleList(copies(decoderLayer, numLayers, make)));
    this.norm = options.norm ? this.registerModule('norm', options.norm) : null;
  }

  forward(
    tgt: Tensor,
    memory: Tensor,
    tgtMask?: Tensor | null,
    memoryMask?: Tensor | null,
    tgtKeyPaddingMask?: Tensor | null,
    memoryKeyPaddingMask?: Tensor | null,
  ): Tensor {
    let x = tgt;
    for (const layer of this.layers)
      x = layer.forward(x, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
    return this.norm ? this.norm.forward(x) : x;
  }
}
