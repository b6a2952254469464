/**
 * Datasets and the DataLoader.
 *   Dataset<T>: `length` and `get(i)` → one example (tensors or plain values).
 *   TensorDataset(...tensors): example i is the i-th row (dim 0) of each tensor.
 *   DataLoader(dataset, { batchSize, shuffle, dropLast, seed }): iterates batches, collating
 *   examples by stacking tensors along a new dim 0 (numbers become a float32 tensor). Shuffling
 *   uses a generator seeded from `seed` (or the library's default generator), so the same seed
 *   gives the same batches on every backend. The caller disposes each batch (or iterates in tidy).
 */
import {
  checkOptions,
  checkTensor,
  defaultGenerator,
  describeValue,
  fmtShape,
  Generator,
  indexSelect,
  ShapeError,
  stack,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from '@nnet/tensor';

export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
}

export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ValueError('TensorDataset: give at least one tensor.');
    tensors.forEach((t, i) => checkTensor('TensorDataset', t, `tensor ${i}`));
    const n = tensors[0].shape[0];
    for (const t of tensors) {
      if (t.ndim === 0 || t.shape[0] !== n) {
        throw new ShapeError(
          `TensorDataset: every tensor needs the same size in dim 0 (one row per example), got ${tensors.map((x) => fmtShape(x.shape)).join(', ')}.`,
        );
      }
    }
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  get(index: number): Tensor[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new ValueError(`TensorDataset.get: index ${index} is out of range for ${this.length} examples.`);
    }
    return this.tensors.map((t) => t.select(0, index));
  }

  /** The rows at `indices` of every tensor, gathered in one op per tensor (what DataLoader uses). */
  rows(indices: readonly number[]): Tensor[] {
    return tidy(() => {
      const idx = tensor([...indices], { dtype: 'int32' });
      return this.tensors.map((t) => indexSelect(t, 0, idx));
    });
  }
}

export interface DataLoaderOptions {
  batchSize?: number;
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  /** Seed of this loader's own generator (default: draw from the library's default generator). */
  seed?: number;
}

/** Stacks a list of examples (tensors, arrays of tensors, numbers, or objects of them) into a batch. */
export function collate(examples: readonly unknown[]): unknown {
  const first = examples[0];
  if (typeof first === 'number') return tensor(examples as number[]);
  if (first && typeof first === 'object' && 'dtype' in first && 'shape' in first)
    return stack(examples as Tensor[], 0);
  if (Array.isArray(first)) return first.map((_, i) => collate(examples.map((e) => (e as unknown[])[i])));
  if (first && typeof first === 'object') {
    return Object.fromEntries(
      Object.keys(first).map((k) => [k, collate(examples.map((e) => (e as Record<string, unknown>)[k]))]),
    );
  }
  throw new ValueError(
    `collate: cannot batch examples of type ${typeof first}; return tensors, numbers, arrays or objects of them.`,
  );
}

export class DataLoader<T = Tensor[]> implements Iterable<T> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  /** The generator that draws each epoch's order (its state goes into a resumable checkpoint). */
  readonly generator: Generator;

  constructor(
    readonly dataset: Dataset<unknown>,
    options: DataLoaderOptions = {},
  ) {
    const ds = dataset as Partial<Dataset<unknown>> | null;
    if (
      typeof ds !== 'object' ||
      ds === null ||
      typeof ds.length !== 'number' ||
      typeof ds.get !== 'function'
    ) {
      throw new ValueError(
        `DataLoader: dataset must have a length and get(i), such as new TensorDataset(x, y), got ${describeValue(dataset)}.`,
      );
    }
    checkOptions('DataLoader', options, ['batchSize', 'shuffle', 'dropLast', 'seed']);
    this.batchSize = options.batchSize ?? 1;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    if (!Number.isInteger(this.batchSize) || this.batchSize <= 0) {
      throw new ValueError(`DataLoader: batchSize must be a positive integer, got ${this.batchSize}.`);
    }
    this.generator = options.seed === undefined ? defaultGenerator : new Generator(options.seed);
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** This epoch's example order. */
  private order(): number[] {
    const order = Array.from({ length: this.dataset.length }, (_, i) => i);
    if (this.shuffle) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = this.generator.int(0, i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
    }
    return order;
  }

  *[Symbol.iterator](): Iterator<T> {
    const order = this.order();
    for (let b = 0; b < this.length; b++) {
      const ids = order.slice(b * this.batchSize, (b + 1) * this.batchSize);
      if (this.dataset instanceof TensorDataset) {
        yield this.dataset.rows(ids) as T;
      } else {
        yield tidy(() => collate(ids.map((i) => this.dataset.get(i)))) as T;
      }
    }
  }
}
