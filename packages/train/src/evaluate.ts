/**
 * `evaluate` and `predict`: loss and metrics over a dataset, and the model's outputs, in eval mode
 * without gradients, yielding to the event loop between batches like `fit`.
 */
import type { Module } from '@nnet/layers';
import { cat, noGrad, type Tensor, tidy, ValueError } from '@nnet/tensor';
import type { Batches } from './fit_types.js';
import { MeanLoss, type Metric } from './metrics.js';
import type { LossFn } from './train.js';
import { Yielder } from './yield.js';

/**
 * Loss and metrics over `data` in eval mode, without gradients: accumulated on the device and read
 * once at the end. Resolves to the values by metric name (`loss` first). The model's training mode
 * is restored afterwards; the batches' tensors are disposed.
 *
 * Shapes: batches `[inputs [B, ...], targets [B, ...]]`, as for {@link fit}.
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
 * const testLoader = new DataLoader(new TensorDataset(randn([16, 2]), randint(0, 2, [16])), { batchSize: 4 });
 * const { loss, accuracy } = await evaluate(model, testLoader, {
 *   loss: new CrossEntropyLoss(),
 *   metrics: [new Accuracy()],
 * });
 * [typeof loss, typeof accuracy]; // ['number', 'number']
 * ```
 */
export async function evaluate(
  model: Module,
  data: Batches,
  options: { loss: LossFn; metrics?: Metric[]; yieldEvery?: number },
): Promise<Record<string, number>> {
  const metrics = [new MeanLoss(), ...(options.metrics ?? [])];
  const yielder = new Yielder('evaluate', options.yieldEvery);
  for (const m of metrics) m.reset();
  const wasTraining = model.training;
  model.eval();
  try {
    for (const [x, y] of data) {
      noGrad(() =>
        tidy(() => {
          const out = model.forward(x);
          const value = options.loss.forward(out, y);
          for (const m of metrics) m.update(out, y, value);
        }),
      );
      x.dispose();
      y.dispose();
      await yielder.maybeYield();
    }
  } finally {
    model.train(wasTraining);
  }
  const result: Record<string, number> = {};
  try {
    for (const m of metrics) result[m.name] = await m.compute();
  } finally {
    for (const m of metrics) m.reset(); // frees the accumulators
  }
  return result;
}

/**
 * The model's outputs for every batch's inputs, concatenated along dim 0 (eval mode, no
 * gradients). Reads nothing; yields to the event loop between batches like `fit`. The batches'
 * tensors are disposed; the caller owns the result. Throws a ValueError when `data` yields no batch.
 *
 * Shapes: batches `[inputs [B, ...], ...]` → `[N, ...out]`, N the sum of the B.
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
 * const loader = new DataLoader(new TensorDataset(randn([10, 2])), { batchSize: 4 });
 * const logits = await predict(model, loader); // [N, C]
 * const classes = logits.argmax(1);            // [N]
 * classes.shape; // [10]
 * ```
 */
export async function predict(
  model: Module,
  data: Batches,
  options: { yieldEvery?: number } = {},
): Promise<Tensor> {
  const yielder = new Yielder('predict', options.yieldEvery);
  const wasTraining = model.training;
  model.eval();
  const outputs: Tensor[] = [];
  try {
    for (const [x, ...rest] of data) {
      outputs.push(noGrad(() => model.forward(x)));
      x.dispose();
      for (const r of rest) r.dispose();
      await yielder.maybeYield();
    }
  } catch (err) {
    for (const o of outputs) o.dispose();
    throw err;
  } finally {
    model.train(wasTraining);
  }
  if (outputs.length === 0) throw new ValueError('predict: the data yielded no batches.');
  const out = cat(outputs, 0);
  for (const o of outputs) o.dispose();
  return out;
}
