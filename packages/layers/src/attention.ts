/**
 * `MultiheadAttention(embedDim, numHeads, options)`, as PyTorch 1.13's nn.MultiheadAttention.
 *
 * Shapes: query [L, N, E] (key [S, N, kdim], value [S, N, vdim]); [N, L, E] with `batchFirst`;
 * [L, E] unbatched. Output [L, N, E] (or as the input's layout); weights [N, L, S] averaged over
 * heads, or [N, H, L, S] with `averageAttnWeights: false`.
 *
 *   q = query·Wqᵀ + bq, k = key·Wkᵀ + bk, v = value·Wvᵀ + bv, split into H heads of E/H
 *   headᵢ = softmax(qᵢ·kᵢᵀ/√(E/H) + mask)·vᵢ,  out = concat(heads)·Woᵀ + bo
 *
 * Parameters with PyTorch's names, so state dicts load both ways: `in_proj_weight` [3E, E] and
 * `in_proj_bias` [3E] — or, when kdim or vdim differ from E, `q_proj_weight` [E, E],
 * `k_proj_weight` [E, kdim], `v_proj_weight` [E, vdim] — and `out_proj.weight` [E, E],
 * `out_proj.bias` [E]. Initialisation as PyTorch's: Xavier-uniform projections, zero biases.
 *
 * Masks follow PyTorch's nn.MultiheadAttention convention (not F.scaled_dot_product_attention's):
 * a bool mask is true where attention is NOT allowed, a float mask is added to the scores.
 * `keyPaddingMask` [N, S] ([S] unbatched) hides keys; `attnMask` is [L, S] or [N·H, L, S].
 * Not supported (rejected with an error): add_bias_kv and add_zero_attn.
 */
import {
  checkOptions,
  DTypeError,
  defaultGenerator,
  fmtShape,
  full,
  type Generator,
  linear,
  noGrad,
  rand,
  ShapeError,
  scalar,
  scaledDotProductAttention,
  softmax,
  type Tensor,
  tidy,
  ValueError,
  where,
  zeros,
} from '@nnet/tensor';
import { xavierUniform_ } from './init.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** Construction options of `MultiheadAttention` (PyTorch's keyword arguments). */
export interface MultiheadAttentionOptions {
  /** Dropout probability on the attention weights in training (default 0). */
  dropout?: number;
  /** Biases on the input and output projections (default true). */
  bias?: boolean;
  /** Feature size of the keys (default embedDim). */
  kdim?: number;
  /** Feature size of the values (default embedDim). */
  vdim?: number;
  /** Inputs and output are [N, L, E] instead of [L, N, E] (default false). */
  batchFirst?: boolean;
  /** The dropout masks' generator (default: the library's seeded one). */
  generator?: Generator;
}

/** Per-call options of `MultiheadAttention.attend` (PyTorch's forward keywords). */
export interface AttendOptions {
  /** [N, S] ([S] unbatched): bool true = ignore that key, or float added to its scores. */
  keyPaddingMask?: Tensor | null;
  /** [L, S] or [N·H, L, S]: bool true = not allowed, or float added to the scores. */
  attnMask?: Tensor | null;
  /** Return the attention weights (default true, as PyTorch's). */
  needWeights?: boolean;
  /** Average the weights over heads (default true). */
  averageAttnWeights?: boolean;
  /** A causal mask (query i sees keys j <= i); may replace attnMask. */
  isCausal?: boolean;
}

const ATTEND_KEYS = ['keyPaddingMask', 'attnMask', 'needWeights', 'averageAttnWeights', 'isCausal'];

/** A [rows, cols] parameter initialised Xavier-uniform. */
function xavierParameter(rows: number, cols: number): Parameter {
  return noGrad(() => {
    const p = new Parameter(zeros([rows, cols]));
    xavierUniform_(p);
    return p;
  });
}

/** A mask in sdpa's additive form: bool true (= not allowed) → -Infinity, float as is. */
function additive(mask: Tensor): Tensor {
  return mask.dtype === 'bool' ? where(mask, scalar(Number.NEGATIVE_INFINITY), scalar(0)) : mask;
}

/**
 * Multi-head attention, PyTorch's nn.MultiheadAttention with its parameter names (in_proj_weight
 * [3E, E], in_proj_bias [3E], or q/k/v_proj_weight when kdim/vdim differ; out_proj). query
 * [L, N, E], key [S, N, kdim], value [S, N, vdim] ([N, ·, ·] with batchFirst) → output [L, N, E]
 * and, with needWeights, the attention weights [N, L, S] (averaged over heads).
 *
 * ```ts
 * const [q, k, v] = [randn([2, 5, 64]), randn([2, 7, 64]), randn([2, 7, 64])]; // [N, L, E], [N, S, E]
 * const keyPaddingMask = tensor([[0, 0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 0, 0, 0]], { dtype: 'bool' }); // [N, S]
 * const mha = new MultiheadAttention(64, 4, { batchFirst: true });
 * const { output, weights } = mha.attend(q, k, v, { keyPaddingMask, needWeights: true });
 * [output.shape, weights?.shape]; // [[2, 5, 64], [2, 5, 7]]
 * ```
 */
export class MultiheadAttention extends Module {
  /** Per-head width E / numHeads. */
  readonly headDim: number;
  /** Key features (default embedDim). */
  readonly kdim: number;
  /** Value features (default embedDim). */
  readonly vdim: number;
  /** Inputs are [N, ·, ·] (default false: [L or S, N, ·]). */
  readonly batchFirst: boolean;
  /** Dropout probability on the attention weights in training (default 0). */
  readonly dropout: number;
  /** [3E, E] when kdim = vdim = E, else null. */
  readonly in_proj_weight: Parameter | null;
  /** [E, E] when kdim or vdim differ from E, else null. */
  readonly q_proj_weight: Parameter | null;
  /** [E, kdim] when kdim or vdim differ from E, else null. */
  readonly k_proj_weight: Parameter | null;
  /** [E, vdim] when kdim or vdim differ from E, else null. */
  readonly v_proj_weight: Parameter | null;
  /** [3E], zeros at start (null with bias: false). */
  readonly in_proj_bias: Parameter | null;
  /** The output projection E → E. */
  readonly out_proj: Linear;
  private readonly generator: Generator;

  constructor(
    /** E, the query and output width. */
    readonly embedDim: number,
    /** The number of heads; must divide embedDim. */
    readonly numHeads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    checkOptions('MultiheadAttention', options, [
      'dropout',
      'bias',
      'kdim',
      'vdim',
      'batchFirst',
      'generator',
    ]);
    for (const [n, v] of [
      ['embedDim', embedDim],
      ['numHeads', numHeads],
      ['kdim', options.kdim ?? embedDim],
      ['vdim', options.vdim ?? embedDim],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0)
        throw new ValueError(`MultiheadAttention: ${n} must be a positive integer, got ${v}.`);
    }
    if (embedDim % numHeads !== 0) {
      throw new ValueError(
        `MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}.`,
      );
    }
    this.dropout = options.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout < 1))
      throw new ValueError(`MultiheadAttention: dropout must be in [0, 1), got ${this.dropout}.`);
    this.headDim = embedDim / numHeads;
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    this.batchFirst = options.batchFirst ?? false;
    this.generator = options.generator ?? defaultGenerator;
    const same = this.kdim === embedDim && this.vdim === embedDim;
    if (same) {
      this.in_proj_weight = this.registerParameter('in_proj_weight', xavierParameter(3 * embedDim, embedDim));
      this.q_proj_weight = this.k_proj_weight = this.v_proj_weight = null;
    } else {
      this.in_proj_weight = null;
      this.q_proj_weight = this.registerParameter('q_proj_weight', xavierParameter(embedDim, embedDim));
      this.k_proj_weight = this.registerParameter('k_proj_weight', xavierParameter(embedDim, this.kdim));
      this.v_proj_weight = this.registerParameter('v_proj_weight', xavierParameter(embedDim, this.vdim));
    }
    const bias = options.bias ?? true;
    this.in_proj_bias = this.registerParameter(
      'in_proj_bias',
      bias ? new Parameter(zeros([3 * embedDim])) : null,
    );
    this.out_proj = this.registerModule('out_proj', new Linear(embedDim, embedDim, { bias }));
    if (bias) noGrad(() => this.out_proj.bias!.assign(zeros([embedDim])));
  }

  /** The attention output alone (no weights); key and value default to the query (self-attention). */
  forward(query: Tensor, key?: Tensor, value?: Tensor): Tensor {
    return this.attend(query, key ?? query, value ?? key ?? query, { needWeights: false }).output;
  }

  /**
   * PyTorch's forward: the output and, with `needWeights` (the default), the attention weights
   * (after dropout, as PyTorch 1.13 returns them).
   *
   *   const mha = new MultiheadAttention(16, 4, { batchFirst: true });
   *   const { output, weights } = mha.attend(x, x, x, { keyPaddingMask: pad });  // [N, L, 16], [N, L, L]
   */
  attend(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    options: AttendOptions = {},
  ): {
    /** The attention output [L, N, E] ([N, L, E] with batchFirst). */
    output: Tensor;
    /** The attention weights [N, L, S] ([N, H, L, S] with averageAttnWeights: false), null without needWeights. */
    weights: Tensor | null;
  } {
    checkOptions('MultiheadAttention', options, ATTEND_KEYS);
    const name = `MultiheadAttention(${this.embedDim}, ${this.numHeads})`;
    const unbatched = query.ndim === 2;
    const want = unbatched ? 2 : 3;
    for (const [n, t, d] of [
      ['query', query, this.embedDim],
      ['key', key, this.kdim],
      ['value', value, this.vdim],
    ] as const) {
      t._check(name);
      if (t.ndim !== want || t.shape[want - 1] !== d) {
        const layout = unbatched ? `[len, ${d}]` : this.batchFirst ? `[N, len, ${d}]` : `[len, N, ${d}]`;
        throw new ShapeError(
          `${name}: ${n} must be ${layout} (the query has ${query.ndim} dims), got ${fmtShape(t.shape)}.`,
        );
      }
    }
    return tidy(() => {
      // Everything as [N, len, features].
      const toBatch = (t: Tensor) => (unbatched ? t.unsqueeze(0) : this.batchFirst ? t : t.transpose(0, 1));
      const q0 = toBatch(query);
      const k0 = toBatch(key);
      const v0 = toBatch(value);
      const [N, L] = q0.shape;
      const S = k0.shape[1];
      if (k0.shape[0] !== N || v0.shape[0] !== N || v0.shape[1] !== S) {
        throw new ShapeError(
          `${name}: key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} must share the batch and length, and match the query's batch ${N}.`,
        );
      }
      const mask = this.mergeMasks(name, options, N, L, S, unbatched);
      const [q, k, v] = this.project(query, key, value, q0, k0, v0);
      const H = this.numHeads;
      const heads = (t: Tensor, len: number) => t.reshape([N, len, H, this.headDim]).transpose(1, 2);
      const qh = heads(q, L);
      const kh = heads(k, S);
      const vh = heads(v, S);
      const p = this.training ? this.dropout : 0;
      const needWeights = options.needWeights ?? true;
      let o: Tensor;
      let weights: Tensor | null = null;
      if (!needWeights) {
        o = scaledDotProductAttention(qh, kh, vh, { attnMask: mask, dropoutP: p, generator: this.generator });
      } else {
        const s = qh.matmul(kh.transpose(-1, -2)).mul(1 / Math.sqrt(this.headDim));
        let w = softmax(mask ? s.add(mask) : s, -1);
        if (p > 0) w = w.mul(rand(w.shape, { generator: this.generator }).ge(p)).mul(1 / (1 - p));
        o = w.matmul(vh);
        weights = (options.averageAttnWeights ?? true) ? w.mean(1) : w;
        if (unbatched) weights = weights.squeeze(0);
      }
      let out = this.out_proj.forward(o.transpose(1, 2).reshape([N, L, this.embedDim]));
      out = unbatched ? out.squeeze(0) : this.batchFirst ? out : out.transpose(0, 1);
      return { output: out, weights };
    });
  }

  /** q, k, v projected, each [N, len, E]. */
  private project(query: Tensor, key: Tensor, value: Tensor, q0: Tensor, k0: Tensor, v0: Tensor): Tensor[] {
    const E = this.embedDim;
    const b = this.in_proj_bias;
    const bias = (i: number) => (b ? b.narrow(0, i * E, E) : null);
    if (this.in_proj_weight) {
      if (query === key && key === value) {
        // Self-attention: one product with the whole [3E, E] projection.
        return linear(q0, this.in_proj_weight, b).chunk(3, -1);
      }
      const w = (i: number) => this.in_proj_weight!.narrow(0, i * E, E);
      return [linear(q0, w(0), bias(0)), linear(k0, w(1), bias(1)), linear(v0, w(2), bias(2))];
    }
    return [
      linear(q0, this.q_proj_weight!, bias(0)),
      linear(k0, this.k_proj_weight!, bias(1)),
      linear(v0, this.v_proj_weight!, bias(2)),
    ];
  }

  /** One additive float mask broadcastable to [N, H, L, S] (or null), from PyTorch-convention masks. */
  private mergeMasks(
    name: string,
    options: AttendOptions,
    N: number,
    L: number,
    S: number,
    unbatched: boolean,
  ): Tensor | null {
    const H = this.numHeads;
    let out: Tensor | null = null;
    const kpm = options.keyPaddingMask ?? null;
    const am = options.attnMask ?? null;
    for (const m of [kpm, am]) {
      if (m === null) continue;
      m._check(name);
      if (m.dtype !== 'bool' && m.dtype !== 'float32')
        throw new DTypeError(
          `${name}: masks must be bool (true = masked) or float32 (added), got ${m.dtype}.`,
        );
    }
    if (kpm) {
      const want = unbatched ? [S] : [N, S];
      if (kpm.ndim !== want.length || kpm.shape.some((d, i) => d !== want[i]))
        throw new ShapeError(
          `${name}: keyPaddingMask must be ${fmtShape(want)}, got ${fmtShape(kpm.shape)}.`,
        );
      out = additive(kpm).reshape([N, 1, 1, S]);
    }
    if (am) {
      const is2d = am.ndim === 2 && am.shape[0] === L && am.shape[1] === S;
      const is3d = am.ndim === 3 && am.shape[0] === N * H && am.shape[1] === L && am.shape[2] === S;
      if (!is2d && !is3d) {
        throw new ShapeError(
          `${name}: attnMask must be [${L}, ${S}] or [${N * H}, ${L}, ${S}] (batch × heads), got ${fmtShape(am.shape)}.`,
        );
      }
      const a = is3d ? additive(am).reshape([N, H, L, S]) : additive(am);
      out = out ? out.add(a) : a;
    }
    if (options.isCausal) {
      const causal = full([L, S], Number.NEGATIVE_INFINITY).triu(1);
      out = out ? out.add(causal) : causal;
    }
    return out;
  }

  override extraRepr(): string {
    const extra =
      this.kdim !== this.embedDim || this.vdim !== this.embedDim
        ? `, kdim=${this.kdim}, vdim=${this.vdim}`
        : '';
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}${extra}, batchFirst=${this.batchFirst}`;
  }
}
