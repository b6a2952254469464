/**
 * `Embedding(numEmbeddings, embeddingDim, { paddingIdx })`: a lookup table of learned vectors.
 * Shapes: int32 indices of any shape [...] → [..., embeddingDim]; weight [numEmbeddings, embeddingDim]
 * ~ N(0, 1) (PyTorch's default), with the paddingIdx row zero and never updated by gradients.
 */
import {
  checkOptions,
  DTypeError,
  IndexError,
  indexSelect,
  noGrad,
  randn,
  type Tensor,
  tensor,
  tidy,
  ValueError,
  where,
  withOp,
} from '@nnet/tensor';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/**
 * A lookup table, PyTorch's nn.Embedding: ids int32 [*] → [*, embeddingDim], rows of weight
 * [numEmbeddings, embeddingDim] ~ N(0, 1); the paddingIdx row is zero and gets no gradient.
 *
 * ```ts
 * const emb = new Embedding(1000, 64, { paddingIdx: 0 });
 * const h = emb.forward(tensor([[1, 5, 0]], { dtype: 'int32' })); // [1, 3, 64]
 * ```
 */
export class Embedding extends Module {
  /** The table [numEmbeddings, embeddingDim] ~ N(0, 1); the paddingIdx row is zero. */
  readonly weight: Parameter;
  /** The row kept at zero with no gradient (null: none). */
  readonly paddingIdx: number | null;

  constructor(
    /** Number of rows (the largest id + 1). */
    readonly numEmbeddings: number,
    /** Width of each row. */
    readonly embeddingDim: number,
    options: { paddingIdx?: number } = {},
  ) {
    super();
    checkOptions('Embedding', options, ['paddingIdx']);
    for (const [n, v] of [
      ['numEmbeddings', numEmbeddings],
      ['embeddingDim', embeddingDim],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0)
        throw new ValueError(`Embedding: ${n} must be a positive integer, got ${v}.`);
    }
    let pad = options.paddingIdx ?? null;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings) {
        throw new IndexError(
          `Embedding: paddingIdx ${String(pad)} must be an integer in [${-numEmbeddings}, ${numEmbeddings - 1}] (a row of the ${numEmbeddings}-row table).`,
        );
      }
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.weight = this.registerParameter(
      'weight',
      withOp('Embedding', () =>
        noGrad(() =>
          tidy(() => {
            const w = randn([numEmbeddings, embeddingDim]);
            if (pad === null) return new Parameter(w);
            // Zero the padding row (with where, so it is +0 rather than -0 for negative draws).
            const keepRow = tensor(Array.from({ length: numEmbeddings }, (_, i) => i !== pad)).unsqueeze(1);
            return new Parameter(where(keepRow, w, 0));
          }),
        ),
      ),
    )!;
  }

  forward(indices: Tensor): Tensor {
    indices._check('Embedding');
    if (indices.dtype !== 'int32') {
      throw new DTypeError(
        `Embedding: indices must be int32, got ${indices.dtype}; use indices.to('int32').`,
      );
    }
    return tidy(() => {
      const flat = indices.reshape([indices.size]);
      const rows = indexSelect(this.weight, 0, flat);
      let out = rows;
      if (this.paddingIdx !== null) {
        // Same values, but no gradient flows to the padding row.
        out = where(flat.ne(this.paddingIdx).unsqueeze(1), rows, rows.detach());
      }
      return out.reshape([...indices.shape, this.embeddingDim]);
    });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}`;
  }
}
