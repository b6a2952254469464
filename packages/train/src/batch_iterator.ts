/**
 * `BatchIterator`: splits (inputs, targets) along dim 0 into batches, optionally shuffled with the
 * library's seeded generator, so the same seed gives the same batches on every backend.
 */
import {
  defaultGenerator,
  fmtShape,
  indexSelect,
  type Generator as RandomGenerator,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '@nnet/tensor';

/** One batch of {@link BatchIterator.iterate}: rows `[s, s + B)` of the inputs and of the targets. */
export interface Batch {
  /** The batch's inputs, `[B, ...]` (B = batchSize, fewer in the last batch). */
  inputs: Tensor;
  /** The batch's targets, `[B, ...]`, row i the target of input row i. */
  targets: Tensor;
}

/**
 * Splits (inputs, targets) along dim 0 into batches of `batchSize` rows, shuffled (by default) with
 * the library's seeded generator or the one given. `train()` uses it; `fit` takes a
 * {@link DataLoader}.
 *
 * Shapes: inputs `[N, ...]` and targets `[N, ...]` give `ceil(N / batchSize)` batches of
 * `[B, ...]`.
 *
 * @example
 * ```ts
 * const it = new BatchIterator({ batchSize: 2, shuffle: false });
 * const x = tensor([[0, 0], [0, 1], [1, 0]]); // [3, 2]
 * const y = tensor([[0], [1], [1]]);          // [3, 1]
 * for (const { inputs, targets } of it.iterate(x, y)) {
 *   inputs.shape; // [2, 2], then [1, 2]
 *   inputs.dispose();
 *   targets.dispose();
 * }
 * ```
 */
export class BatchIterator {
  /** Rows per batch (default 32); the last batch may have fewer. */
  readonly batchSize: number;
  /** Whether each epoch shuffles (default true). */
  readonly shuffle: boolean;
  private readonly generator: RandomGenerator;

  /**
   * @param options `batchSize` (a positive integer, default 32), `shuffle` (default true) and the
   *   `generator` shuffling draws from (default: the library's default generator). Throws a
   *   ValueError for a batchSize that is not a positive integer.
   */
  constructor(options: { batchSize?: number; shuffle?: boolean; generator?: RandomGenerator } = {}) {
    this.batchSize = options.batchSize ?? 32;
    this.shuffle = options.shuffle ?? true;
    this.generator = options.generator ?? defaultGenerator;
    if (!Number.isInteger(this.batchSize) || this.batchSize <= 0) {
      throw new ValueError(`BatchIterator: batchSize must be a positive integer, got ${this.batchSize}.`);
    }
  }

  /** The batch start offsets, in the (possibly shuffled) order of this epoch. */
  private starts(n: number): number[] {
    const starts: number[] = [];
    for (let s = 0; s < n; s += this.batchSize) starts.push(s);
    return this.shuffle ? this.generator.shuffle(starts) : starts;
  }

  /**
   * Yields the batches of inputs `[N, ...]` and targets `[N, ...]` (`[B, ...]` each). By default
   * shuffling reorders whole batches of consecutive rows (one draw per batch, and each batch a
   * contiguous slice: cheap for large data sets);
   * `{ shuffleRows: true }` draws every batch from a full permutation of the rows instead.
   * The caller owns (and disposes) each batch's tensors. Throws a ShapeError when inputs and
   * targets differ in dim 0 or either is 0-d.
   *
   * @example
   * ```ts
   * const x = randn([40, 3]);
   * const y = randn([40, 1]);
   * for (const b of new BatchIterator({ batchSize: 16 }).iterate(x, y, { shuffleRows: true })) {
   *   b.inputs.dispose();
   *   b.targets.dispose();
   * }
   * ```
   */
  *iterate(inputs: Tensor, targets: Tensor, options: { shuffleRows?: boolean } = {}): Generator<Batch> {
    if (inputs.ndim === 0 || targets.ndim === 0 || inputs.shape[0] !== targets.shape[0]) {
      throw new ShapeError(
        `BatchIterator: inputs ${fmtShape(inputs.shape)} and targets ${fmtShape(targets.shape)} must have the same size in dim 0 (one target per example).`,
      );
    }
    const n = inputs.shape[0];
    if (options.shuffleRows && this.shuffle) {
      const order = this.generator.shuffle(Array.from({ length: n }, (_, i) => i));
      for (let s = 0; s < n; s += this.batchSize) {
        const idx = tensor(order.slice(s, s + this.batchSize), { dtype: 'int32' });
        const batch = { inputs: indexSelect(inputs, 0, idx), targets: indexSelect(targets, 0, idx) };
        idx.dispose();
        yield batch;
      }
      return;
    }
    for (const s of this.starts(n)) {
      const len = Math.min(this.batchSize, n - s);
      yield { inputs: inputs.narrow(0, s, len), targets: targets.narrow(0, s, len) };
    }
  }
}
