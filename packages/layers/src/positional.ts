/**
 * Positional encodings for sequence models.
 *
 *   SinusoidalPositionalEncoding(dModel, maxLen): adds the fixed table of "Attention Is All You
 *     Need" (PyTorch tutorial's PositionalEncoding), pe[pos, 2i] = sin(pos / 10000^(2i/dModel)),
 *     pe[pos, 2i+1] = cos(pos / 10000^(2i/dModel)). The table is a constant, not in the state dict.
 *   LearnedPositionalEmbedding(maxLen, dModel): adds a learned row per position, `weight`
 *     [maxLen, dModel] ~ N(0, 1) like Embedding (GPT-2's `wpe`).
 *
 * Both take x [N, L, dModel] (batchFirst, the default) or [L, N, dModel] and an optional start
 * position (for decoding with a cache), and apply dropout (default 0) after the addition.
 */
import {
  arange,
  checkOptions,
  cos,
  fmtShape,
  type Generator,
  keep,
  noGrad,
  randn,
  ShapeError,
  sin,
  stack,
  type Tensor,
  tidy,
  ValueError,
} from '@nnet/tensor';
import { Dropout } from './dropout.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** Options of the positional encodings. */
export interface PositionalOptions {
  /** Dropout after adding the positions (default 0). */
  dropout?: number;
  /** x is [N, L, dModel] (default true) or [L, N, dModel]. */
  batchFirst?: boolean;
  /** The dropout masks' generator. */
  generator?: Generator;
}

abstract class PositionalBase extends Module {
  /** Dropout after adding the positions (probability options.dropout, default 0). */
  readonly drop: Dropout;
  /** x is [N, L, dModel] (default true) or [L, N, dModel]. */
  readonly batchFirst: boolean;

  constructor(
    /** The most positions it encodes (positions 0 .. maxLen - 1). */
    readonly maxLen: number,
    /** The model width (last dim of x). */
    readonly dModel: number,
    options: PositionalOptions,
  ) {
    super();
    checkOptions(this.constructor.name, options, ['dropout', 'batchFirst', 'generator']);
    for (const [n, v] of [
      ['maxLen', maxLen],
      ['dModel', dModel],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0)
        throw new ValueError(`${this.constructor.name}: ${n} must be a positive integer, got ${v}.`);
    }
    this.batchFirst = options.batchFirst ?? true;
    this.drop = this.registerModule('drop', new Dropout(options.dropout ?? 0, options.generator));
  }

  /** The [length, dModel] rows for positions start .. start + length - 1. */
  abstract positions(start: number, length: number): Tensor;

  /**
   * Throws a ShapeError unless positions start .. start + length - 1 lie in 0 .. maxLen - 1.
   *
   *   this.checkRange(start, x.shape[1]);
   */
  protected checkRange(start: number, length: number): void {
    if (!Number.isInteger(start) || start < 0 || start + length > this.maxLen) {
      throw new ShapeError(
        `${this.constructor.name}: positions ${start}..${start + length - 1} are outside 0..${this.maxLen - 1} (maxLen ${this.maxLen}).`,
      );
    }
  }

  /** x + positions, then dropout. x [N, L, dModel] (or [L, N, dModel] when not batchFirst). */
  forward(x: Tensor, start: Tensor | number = 0): Tensor {
    if (x.ndim !== 3 || x.shape[2] !== this.dModel) {
      throw new ShapeError(
        `${this.constructor.name}: x must be ${this.batchFirst ? '[N, L' : '[L, N'}, ${this.dModel}], got ${fmtShape(x.shape)}.`,
      );
    }
    // The offset is host-side state (positions already cached), never a device value: reading one
    // would need a synchronous read, which a GPU backend cannot do.
    if (typeof start !== 'number' || !Number.isInteger(start)) {
      throw new ValueError(
        `${this.constructor.name}: start must be an integer position, got ${String(start)}.`,
      );
    }
    const s = start;
    return tidy(() => {
      const L = this.batchFirst ? x.shape[1] : x.shape[0];
      const p = this.positions(s, L);
      return this.drop.forward(x.add(this.batchFirst ? p : p.unsqueeze(1)));
    });
  }

  override extraRepr(): string {
    return `maxLen=${this.maxLen}, dModel=${this.dModel}`;
  }
}

/**
 * Fixed sine/cosine position table added to the input.
 *
 * ```ts
 * const tokenEmbeddings = randn([2, 16, 64]); // [N, L, 64]
 * const pe = new SinusoidalPositionalEncoding(64, 512);
 * const y = pe.forward(tokenEmbeddings);      // [N, L, 64]
 * y.shape; // [2, 16, 64]
 * ```
 */
export class SinusoidalPositionalEncoding extends PositionalBase {
  /** [maxLen, dModel] (kept; not a parameter or a buffer). */
  readonly table: Tensor;

  constructor(dModel: number, maxLen = 5000, options: PositionalOptions = {}) {
    super(maxLen, dModel, options);
    this.table = keep(
      noGrad(() =>
        tidy(() => {
          const pos = arange(0, maxLen, 1, { dtype: 'float32' }).unsqueeze(1);
          const half = Math.ceil(dModel / 2);
          // div[i] = exp(-2i·ln(10000)/dModel), as PyTorch's tutorial computes it.
          const div = arange(0, 2 * half, 2, { dtype: 'float32' })
            .mul(-Math.log(10000) / dModel)
            .exp();
          const angle = pos.mul(div);
          // Interleave sin (even columns) and cos (odd columns), then drop a padding column.
          const both = stack([sin(angle), cos(angle)], 2).reshape([maxLen, 2 * half]);
          return both.narrow(1, 0, dModel).contiguous();
        }),
      ),
    );
  }

  positions(start: number, length: number): Tensor {
    this.checkRange(start, length);
    return this.table.narrow(0, start, length);
  }

  override dispose(): void {
    super.dispose();
    this.table.dispose();
  }
}

/**
 * A learned vector per position added to the input (GPT-2's `wpe`).
 *
 * ```ts
 * const tokenEmbeddings = randn([2, 16, 64]); // [N, L, 64]
 * const pe = new LearnedPositionalEmbedding(256, 64);
 * const y = pe.forward(tokenEmbeddings);      // [N, L, 64]
 * y.shape; // [2, 16, 64]
 * ```
 */
export class LearnedPositionalEmbedding extends PositionalBase {
  /** The table [maxLen, dModel] ~ N(0, 1), one learned row per position. */
  readonly weight: Parameter;

  constructor(maxLen: number, dModel: number, options: PositionalOptions = {}) {
    super(maxLen, dModel, options);
    this.weight = this.registerParameter(
      'weight',
      noGrad(() => tidy(() => new Parameter(randn([maxLen, dModel])))),
    )!;
  }

  positions(start: number, length: number): Tensor {
    this.checkRange(start, length);
    return this.weight.narrow(0, start, length);
  }
}
