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

/**
 * A map-style dataset, as PyTorch's `Dataset`: `length` examples, example `i` from `get(i)`.
 * {@link DataLoader} batches any dataset, stacking what `get` returns with {@link collate}.
 *
 * @example
 * ```ts
 * const squares: Dataset<{ x: number; y: number }> = {
 *   length: 10,
 *   get: (i) => ({ x: i, y: i * i }),
 * };
 * for (const batch of new DataLoader(squares, { batchSize: 5 })) {
 *   // batch: { x: Tensor [5], y: Tensor [5] }
 * }
 * ```
 */
export interface Dataset<T> {
  /** The number of examples. */
  readonly length: number;
  /** Example `index`, an integer in `[0, length)`. */
  get(index: number): T;
}

/**
 * A dataset of tensors that share dim 0: example `i` is `[t0[i], t1[i], ...]`.
 *
 * Shapes: tensors `[N, ...]` (the same N); an example is the list of rows `[...]`, and a
 * {@link DataLoader} over it yields `[B, ...]` per tensor.
 *
 * @example
 * ```ts
 * const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]); // [4, 2]
 * const y = tensor([0, 1, 1, 0], { dtype: 'int32' }); // [4]
 * const ds = new TensorDataset(x, y);
 * ds.length;    // 4
 * ds.get(1);    // [tensor [0, 1] (shape [2]), tensor 1 (0-d)]
 * ```
 */
export class TensorDataset implements Dataset<Tensor[]> {
  /** The tensors, each `[N, ...]`. */
  readonly tensors: Tensor[];

  /**
   * @param tensors One or more tensors of the same size N in dim 0. Throws a ValueError for none
   *   and a ShapeError when their dim 0 differs.
   */
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

  /** The number of examples, N (dim 0 of the tensors). */
  get length(): number {
    return this.tensors[0].shape[0];
  }

  /** Row `index` of every tensor (views; shapes `[...]`). Throws a ValueError out of `[0, N)`. */
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

/** The options of {@link DataLoader}. */
export interface DataLoaderOptions {
  /** Examples per batch (a positive integer, default 1). */
  batchSize?: number;
  /** Draw a new order of the examples every epoch (default false). */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  /** Seed of this loader's own generator (default: draw from the library's default generator). */
  seed?: number;
}

/**
 * Stacks a list of examples into a batch, as PyTorch's default collate: tensors `[...]` are stacked
 * to `[B, ...]`, numbers become a float32 tensor `[B]`, and arrays and objects are collated element
 * by element (so `[x, y]` examples give `[X, Y]` batches). Throws a ValueError for other values.
 *
 * @example
 * ```ts
 * const batch = collate([{ x: tensor([1, 2]), y: 0 }, { x: tensor([3, 4]), y: 1 }]);
 * // { x: Tensor [2, 2], y: Tensor [2] }
 * ```
 */
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

/**
 * Iterates a {@link Dataset} in batches, as PyTorch's `DataLoader`: each epoch (each `for … of`)
 * draws an order (shuffled with `shuffle`, from a generator seeded by `seed`), takes `batchSize`
 * examples at a time and {@link collate}s them. Over a {@link TensorDataset} each batch is one
 * `indexSelect` per tensor. The caller owns each batch's tensors (dispose them, or iterate inside
 * `tidy`); `fit` disposes the batches it is given.
 *
 * Shapes: over `TensorDataset(x [N, ...], y [N, ...])` it yields `[x_b [B, ...], y_b [B, ...]]`,
 * `length` batches per epoch (`ceil(N / B)`, or `floor(N / B)` with `dropLast`).
 *
 * @example
 * ```ts
 * const x = randn([100, 3]);
 * const y = randn([100, 1]);
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true, seed: 0 });
 * loader.length; // 4 batches per epoch: ceil(100 / 32)
 * for (const [xb, yb] of loader) {
 *   xb.dispose();
 *   yb.dispose();
 * }
 * ```
 */
export class DataLoader<T = Tensor[]> implements Iterable<T> {
  /** Examples per batch. */
  readonly batchSize: number;
  /** Whether each epoch draws a new order. */
  readonly shuffle: boolean;
  /** Whether a last batch smaller than batchSize is dropped. */
  readonly dropLast: boolean;
  /** The generator that draws each epoch's order (its state goes into a resumable checkpoint). */
  readonly generator: Generator;

  /**
   * @param dataset What to batch: anything with `length` and `get(i)`.
   * @param options See {@link DataLoaderOptions}. Throws a ValueError for a dataset without
   *   `length` and `get`, an unknown option or a batchSize that is not a positive integer.
   */
  constructor(
    /** The dataset this loader batches. */
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
    return this.shuffle ? this.generator.shuffle(order) : order;
  }

  /** One epoch: the batches, each owned by the caller. */
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
