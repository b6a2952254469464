/**
 * Metrics, accumulated over batches: each `update(output, target)` adds a batch; `compute()` gives
 * the value over everything seen since `reset()`.
 *   Accuracy:     share of samples whose argmax (over dim 1) equals the class index target
 *                 (or the argmax of a one-hot / probability target)
 *   TopKAccuracy: share of samples whose target is among the k largest outputs
 *   MeanLoss:     the mean of the per-batch losses weighted by batch size
 */
import { fmtShape, noGrad, ShapeError, type Tensor, tidy, ValueError } from '@nnet/tensor';

export interface Metric {
  readonly name: string;
  reset(): void;
  update(output: Tensor, target: Tensor, loss?: number): void;
  compute(): number;
}

function targetClasses(output: Tensor, target: Tensor): Int32Array | Float32Array {
  if (target.dtype === 'int32') {
    if (target.size !== output.shape[0]) {
      throw new ShapeError(
        `accuracy: target ${fmtShape(target.shape)} must hold one class per sample of output ${fmtShape(output.shape)}.`,
      );
    }
    return target.dataSync() as Int32Array;
  }
  return target.argmax(1).dataSync() as Int32Array;
}

export class Accuracy implements Metric {
  readonly name = 'accuracy';
  private correct = 0;
  private total = 0;
  reset(): void {
    this.correct = 0;
    this.total = 0;
  }
  update(output: Tensor, target: Tensor): void {
    noGrad(() =>
      tidy(() => {
        const predicted = output.argmax(1).dataSync();
        const truth = targetClasses(output, target);
        for (let i = 0; i < predicted.length; i++) if (predicted[i] === truth[i]) this.correct++;
        this.total += predicted.length;
      }),
    );
  }
  compute(): number {
    return this.total ? this.correct / this.total : 0;
  }
}

export class TopKAccuracy implements Metric {
  readonly name: string;
  private hits = 0;
  private total = 0;
  constructor(readonly k: number) {
    if (!Number.isInteger(k) || k < 1)
      throw new ValueError(`TopKAccuracy: k must be a positive integer, got ${k}.`);
    this.name = `top${k}Accuracy`;
  }
  reset(): void {
    this.hits = 0;
    this.total = 0;
  }
  update(output: Tensor, target: Tensor): void {
    noGrad(() =>
      tidy(() => {
        const [N, C] = output.shape;
        const scores = output.dataSync();
        const truth = targetClasses(output, target);
        for (let i = 0; i < N; i++) {
          const s = scores[i * C + truth[i]];
          // The target is in the top k when fewer than k classes score strictly higher.
          let higher = 0;
          for (let c = 0; c < C; c++) if (scores[i * C + c] > s) higher++;
          if (higher < this.k) this.hits++;
        }
        this.total += N;
      }),
    );
  }
  compute(): number {
    return this.total ? this.hits / this.total : 0;
  }
}

export class MeanLoss implements Metric {
  readonly name = 'loss';
  private sum = 0;
  private count = 0;
  reset(): void {
    this.sum = 0;
    this.count = 0;
  }
  update(output: Tensor, _target: Tensor, loss?: number): void {
    if (loss === undefined) return;
    const n = output.shape[0] ?? 1;
    this.sum += loss * n;
    this.count += n;
  }
  compute(): number {
    return this.count ? this.sum / this.count : Number.NaN;
  }
}
