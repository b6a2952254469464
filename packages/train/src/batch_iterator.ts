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

export interface Batch {
  inputs: Tensor;
  targets: Tensor;
}

export class BatchIterator {
  readonly batchSize: number;
  readonly shuffle: boolean;
  private readonly generator: RandomGenerator;

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
    if (this.shuffle) {
      // Fisher–Yates with the seeded generator.
      for (let i = starts.length - 1; i > 0; i--) {
        const j = this.generator.int(0, i + 1);
        [starts[i], starts[j]] = [starts[j], starts[i]];
      }
    }
    return starts;
  }

  /**
   * Yields batches. Like the seed, shuffling reorders whole batches of consecutive rows; pass
   * `{ shuffleRows: true }` to `iterate` to draw every batch from a full permutation instead.
   * The caller owns (and disposes) each batch's tensors.
   */
  *iterate(inputs: Tensor, targets: Tensor, options: { shuffleRows?: boolean } = {}): Generator<Batch> {
    if (inputs.ndim === 0 || targets.ndim === 0 || inputs.shape[0] !== targets.shape[0]) {
      throw new ShapeError(
        `BatchIterator: inputs ${fmtShape(inputs.shape)} and targets ${fmtShape(targets.shape)} must have the same size in dim 0 (one target per example).`,
      );
    }
    const n = inputs.shape[0];
    if (options.shuffleRows && this.shuffle) {
      const order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = this.generator.int(0, i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
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
