/**
 * Metrics, accumulated over batches ON the device: each `update(output, target, loss)` adds a batch
 * to a kept 0-d tensor (no read, so a step never waits for the device); `await compute()` reads the
 * value over everything seen since `reset()` — one read.
 *   Accuracy:     share of samples whose argmax (over dim 1) equals the class index target
 *                 (or the argmax of a one-hot / probability target)
 *   TopKAccuracy: share of samples whose target is among the k largest outputs
 *   MeanLoss:     the mean of the per-batch losses weighted by batch size
 */
import { fmtShape, gather, noGrad, ShapeError, type Tensor, tidy, ValueError } from '@nnet/tensor';

/**
 * A metric for `fit` and `evaluate`, accumulated on the device: `update` adds a batch without
 * reading anything back, `compute` reads the value over every batch since `reset` once.
 *
 * Shapes: `update(output [N, C], target [N] int32 or [N, C], loss 0-d)`.
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
 * const loader = new DataLoader(new TensorDataset(randn([16, 2]), randint(0, 2, [16])), { batchSize: 4 });
 * const [loss, optimizer] = [new CrossEntropyLoss(), new SGD(model.parameters(), { lr: 0.1 })];
 * const history = await fit(model, loader, { loss, optimizer, metrics: [new Accuracy()] });
 * history[0].accuracy; // a number in [0, 1] (the metric's `name` is its key in the logs)
 * ```
 */
export interface Metric {
  /** The key of the metric in fit's and evaluate's logs (`accuracy`, `val_accuracy`, ...). */
  readonly name: string;
  /** Forgets every batch (and frees the accumulator). */
  reset(): void;
  /**
   * Adds one batch without reading anything back: output [N, C], target int32 [N] (or [N, C]
   * probabilities), loss the batch's mean loss as a 0-d tensor (fit and evaluate pass it).
   */
  update(output: Tensor, target: Tensor, loss?: Tensor): void;
  /** The value over the batches since `reset()`: one asynchronous read. */
  compute(): Promise<number>;
}

/**
 * A running sum held on the device as one kept 0-d tensor: `add(t)` replaces it by sum + t (the
 * old one is freed), so however many batches are added, it is one tensor.
 */
class DeviceSum {
  private value: Tensor | null = null;

  /** sum += x; x is a 0-d tensor made (or owned) by the caller. Call inside noGrad. */
  add(x: Tensor): void {
    const prev = this.value;
    this.value = tidy(() => (prev ? prev.add(x) : x.clone())).keep();
    prev?.dispose();
  }

  async read(): Promise<number> {
    return this.value ? (await this.value.data())[0] : 0;
  }

  reset(): void {
    this.value?.dispose();
    this.value = null;
  }
}

/** The class index per sample, int32 [N]: the target itself, or the argmax of a [N, C] target. */
function targetClasses(op: string, output: Tensor, target: Tensor): Tensor {
  if (output.ndim !== 2) {
    throw new ShapeError(`${op}: output must be [N, C] scores, got ${fmtShape(output.shape)}.`);
  }
  if (target.dtype === 'int32') {
    if (target.size !== output.shape[0]) {
      throw new ShapeError(
        `${op}: target ${fmtShape(target.shape)} must hold one class per sample of output ${fmtShape(output.shape)}.`,
      );
    }
    return target.reshape([output.shape[0]]);
  }
  if (target.ndim !== 2 || target.shape[0] !== output.shape[0]) {
    throw new ShapeError(
      `${op}: a probability target must be [N, C] like output ${fmtShape(output.shape)}, got ${fmtShape(target.shape)}.`,
    );
  }
  return target.argmax(1);
}

/**
 * Share of samples whose argmax over dim 1 equals the target class (the argmax of a one-hot or
 * probability target). Named `accuracy` in the logs.
 *
 * Shapes: output `[N, C]`; target int32 `[N]` (class indices) or `[N, C]`. A ShapeError otherwise.
 *
 * @example
 * ```ts
 * const acc = new Accuracy();
 * acc.update(tensor([[0.1, 0.9], [0.8, 0.2]]), tensor([1, 1], { dtype: 'int32' }));
 * await acc.compute(); // 0.5
 * ```
 */
export class Accuracy implements Metric {
  /** `'accuracy'`. */
  readonly name = 'accuracy';
  private readonly correct = new DeviceSum();
  private total = 0;
  reset(): void {
    this.correct.reset();
    this.total = 0;
  }
  update(output: Tensor, target: Tensor): void {
    noGrad(() =>
      tidy(() => {
        const truth = targetClasses('Accuracy', output, target);
        this.correct.add(output.argmax(1).eq(truth).sum());
      }),
    );
    this.total += output.shape[0];
  }
  async compute(): Promise<number> {
    return this.total ? (await this.correct.read()) / this.total : 0;
  }
}

/**
 * Share of samples whose target class is among the k highest scores (fewer than k classes score
 * strictly higher than it). Named `top<k>Accuracy` in the logs.
 *
 * Shapes: output `[N, C]`; target int32 `[N]` or `[N, C]` (its argmax is the class).
 *
 * @example
 * ```ts
 * const top2 = new TopKAccuracy(2); // name 'top2Accuracy'
 * top2.update(tensor([[0.5, 0.3, 0.2]]), tensor([1], { dtype: 'int32' }));
 * await top2.compute(); // 1: class 1 has the second highest score
 * ```
 */
export class TopKAccuracy implements Metric {
  /** `top<k>Accuracy`, e.g. `'top5Accuracy'`. */
  readonly name: string;
  private readonly hits = new DeviceSum();
  private total = 0;
  /**
   * @param k How many of the highest scores count as a hit (a positive integer; a ValueError
   *   otherwise).
   */
  constructor(
    /** How many of the highest scores count as a hit. */
    readonly k: number,
  ) {
    if (!Number.isInteger(k) || k < 1)
      throw new ValueError(`TopKAccuracy: k must be a positive integer, got ${k}.`);
    this.name = `top${k}Accuracy`;
  }
  reset(): void {
    this.hits.reset();
    this.total = 0;
  }
  update(output: Tensor, target: Tensor): void {
    noGrad(() =>
      tidy(() => {
        const truth = targetClasses('TopKAccuracy', output, target).unsqueeze(1); // [N, 1]
        const score = gather(output, 1, truth); // [N, 1]: each sample's target score
        const higher = output.gt(score).sum(1); // [N]: classes scoring strictly higher
        this.hits.add(higher.lt(this.k).sum());
      }),
    );
    this.total += output.shape[0];
  }
  async compute(): Promise<number> {
    return this.total ? (await this.hits.read()) / this.total : 0;
  }
}

/**
 * The mean of the per-batch losses weighted by batch size (NaN before any batch); `fit` and
 * `evaluate` add it first, as `loss`.
 *
 * Shapes: `update(output [N, ...], target, loss 0-d)`; a batch without a loss is skipped.
 *
 * @example
 * ```ts
 * const m = new MeanLoss();
 * m.update(zeros([2, 1]), zeros([2, 1]), tensor(1)); // 2 samples at loss 1
 * m.update(zeros([1, 1]), zeros([1, 1]), tensor(4)); // 1 sample at loss 4
 * await m.compute(); // 2
 * ```
 */
export class MeanLoss implements Metric {
  /** `'loss'`. */
  readonly name = 'loss';
  private readonly sum = new DeviceSum();
  private count = 0;
  reset(): void {
    this.sum.reset();
    this.count = 0;
  }
  update(output: Tensor, _target: Tensor, loss?: Tensor): void {
    if (loss === undefined) return;
    const n = output.shape[0] ?? 1;
    noGrad(() => tidy(() => this.sum.add(loss.mul(n))));
    this.count += n;
  }
  async compute(): Promise<number> {
    return this.count ? (await this.sum.read()) / this.count : Number.NaN;
  }
}
