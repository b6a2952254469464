/**
 * Margin and embedding losses, as PyTorch's:
 *   marginRanking(x1, x2, y):      max(0, -y·(x1 - x2) + margin)
 *   hingeEmbedding(x, y):          x where y = 1, max(0, margin - x) where y = -1
 *   cosineEmbedding(x1, x2, y):    1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1
 *   tripletMargin(a, p, n):        max(d(a, p) - d(a, n) + margin, 0), d the p-norm distance of rows
 *   multiLabelSoftMargin(x, y):    -mean over classes of y·log σ(x) + (1 - y)·log σ(-x)
 * each followed by the reduction ('mean' by default, 'sum' or 'none'). Gradients by composition.
 */
import {
  checkOptions,
  checkTensor,
  describeValue,
  fmtShape,
  logsigmoid,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
  where,
} from '@nnet/tensor';
import { lossModule } from './loss_module.js';
import { checkReduction, type Reduction, reduce } from './mse.js';

function sameShape(op: string, names: string[], ts: Tensor[]): void {
  ts.forEach((t, i) => checkTensor(op, t, names[i]));
  const s = ts[0].shape;
  ts.forEach((t, i) => {
    if (t.ndim !== s.length || t.shape.some((d, k) => d !== s[k])) {
      throw new ShapeError(
        `${op}: ${names[i]} ${fmtShape(t.shape)} must have the shape of ${names[0]} ${fmtShape(s)}; pass tensors of one shape.`,
      );
    }
  });
}

/** The margin option as a number (default `fallback`); throws a ValueError naming `op` otherwise. */
function marginOf(op: string, options: { margin?: number }, fallback: number): number {
  const m = options.margin ?? fallback;
  if (typeof m !== 'number') {
    throw new ValueError(
      `${op}: margin must be a number, got ${describeValue(m)}; e.g. { margin: ${fallback} }.`,
    );
  }
  return m;
}

/** Options of the margin losses. */
export interface MarginOptions {
  /** The margin (default 0 for marginRanking and cosineEmbedding, 1 for hingeEmbedding). */
  margin?: number;
  /** 'mean' (default): the average over elements; 'sum'; 'none': the per-element loss [*]. */
  reduction?: Reduction;
}

/**
 * Margin ranking loss: max(0, -y·(x1 - x2) + margin), y = 1 when x1 should rank higher, -1 when
 * x2 should.
 *
 * ```ts
 * const scoresA = tensor([0.5, 0.1, 0.3]);
 * const scoresB = tensor([0.2, 0.4, 0.3]);
 * marginRanking(scoresA, scoresB, tensor([1, -1, 1]), { margin: 0.1 }).item(); // 0.0333333
 * ```
 */
export function marginRanking(x1: Tensor, x2: Tensor, y: Tensor, options: MarginOptions = {}): Tensor {
  checkOptions('marginRanking', options, ['margin', 'reduction']);
  const reduction = checkReduction('marginRanking', options.reduction ?? 'mean');
  sameShape('marginRanking', ['x1', 'x2', 'y'], [x1, x2, y]);
  const margin = marginOf('marginRanking', options, 0);
  return tidy(() => reduce(y.neg().mul(x1.sub(x2)).add(margin).relu(), reduction));
}

/**
 * Hinge embedding loss, PyTorch's F.hinge_embedding_loss: x where y = 1, max(0, margin - x)
 * where y = -1 (margin default 1), for x a distance [*] and y ∈ {1, -1} of the same shape.
 *
 * ```ts
 * const distances = tensor([0.5, 0.5, 2]);
 * hingeEmbedding(distances, tensor([1, -1, 1])).item(); // 1
 * ```
 */
export function hingeEmbedding(x: Tensor, y: Tensor, options: MarginOptions = {}): Tensor {
  checkOptions('hingeEmbedding', options, ['margin', 'reduction']);
  const reduction = checkReduction('hingeEmbedding', options.reduction ?? 'mean');
  sameShape('hingeEmbedding', ['input', 'target'], [x, y]);
  const margin = marginOf('hingeEmbedding', options, 1);
  return tidy(() => {
    // PyTorch's form: both terms where y is neither 1 nor -1.
    const hinge = where(y.ne(1), x.neg().add(margin).relu(), 0);
    const linear = where(y.ne(-1), x, 0);
    return reduce(hinge.add(linear), reduction);
  });
}

/**
 * Cosine embedding loss of rows x1, x2 [N, D] (or [D]) with y [N] ∈ {1, -1}: 1 - cos where y = 1,
 * max(0, cos - margin) where y = -1; cos = Σx1·x2 / √((Σx1² + 1e-12)(Σx2² + 1e-12)), PyTorch's.
 *
 * ```ts
 * const a = tensor([[1, 0], [1, 0]]);
 * const b = tensor([[1, 0], [0, 1]]);
 * cosineEmbedding(a, b, tensor([1, -1])).item(); // 0: a match with cos 1, a non-match with cos 0 (a, b [2, D])
 * ```
 */
export function cosineEmbedding(x1: Tensor, x2: Tensor, y: Tensor, options: MarginOptions = {}): Tensor {
  checkOptions('cosineEmbedding', options, ['margin', 'reduction']);
  const reduction = checkReduction('cosineEmbedding', options.reduction ?? 'mean');
  sameShape('cosineEmbedding', ['x1', 'x2'], [x1, x2]);
  checkTensor('cosineEmbedding', y, 'y');
  if (x1.ndim < 1 || x1.ndim > 2 || y.ndim !== x1.ndim - 1 || (x1.ndim === 2 && y.shape[0] !== x1.shape[0])) {
    throw new ShapeError(
      `cosineEmbedding: expects x1, x2 [N, D] with y [N] (or [D] with a 0-d y), got ${fmtShape(x1.shape)} and y ${fmtShape(y.shape)}; give y one ±1 per row.`,
    );
  }
  const margin = marginOf('cosineEmbedding', options, 0);
  const EPS = 1e-12;
  return tidy(() => {
    const d = x1.ndim - 1;
    const dot = x1.mul(x2).sum(d);
    const m1 = x1.mul(x1).sum(d).add(EPS);
    const m2 = x2.mul(x2).sum(d).add(EPS);
    const cos = dot.div(m1.mul(m2).sqrt());
    const pos = where(y.eq(1), cos.neg().add(1), 0);
    const neg = where(y.eq(-1), cos.sub(margin).relu(), 0);
    return reduce(pos.add(neg), reduction);
  });
}

/**
 * Options of tripletMargin: margin (default 1), p (norm degree, default 2), eps, swap, reduction.
 */
export interface TripletMarginOptions extends MarginOptions {
  /** The norm degree of the distance (default 2). */
  p?: number;
  /** Added to the differences before the norm (default 1e-6, PyTorch's pairwise_distance). */
  eps?: number;
  /** Use min(d(a, n), d(p, n)) as the negative distance (the distance swap). */
  swap?: boolean;
}

/** ‖a - b + eps‖_p over the last dim (PyTorch's pairwise_distance). */
function pairwiseDistance(a: Tensor, b: Tensor, p: number, eps: number): Tensor {
  return a.sub(b).add(eps).norm(p, -1);
}

/**
 * Triplet margin loss: max(d(a, p) - d(a, n) + margin, 0) per row of anchor, positive and
 * negative [N, D] (or [D]); margin default 1, d the p-norm distance (PyTorch's pairwise_distance).
 *
 * ```ts
 * const anchor = tensor([[0, 0]]);
 * const positive = tensor([[0, 1]]);
 * const negative = tensor([[1, 1]]);
 * tripletMargin(anchor, positive, negative, { margin: 0.5 }).item(); // 0.0857869
 * ```
 */
export function tripletMargin(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  options: TripletMarginOptions = {},
): Tensor {
  checkOptions('tripletMargin', options, ['margin', 'reduction', 'p', 'eps', 'swap']);
  const reduction = checkReduction('tripletMargin', options.reduction ?? 'mean');
  sameShape('tripletMargin', ['anchor', 'positive', 'negative'], [anchor, positive, negative]);
  if (anchor.ndim < 1 || anchor.ndim > 2) {
    throw new ShapeError(
      `tripletMargin: expects [N, D] or [D] inputs, got ${fmtShape(anchor.shape)}; flatten the features into the last dim.`,
    );
  }
  const p = options.p ?? 2;
  if (typeof p !== 'number' || !(p > 0))
    throw new ValueError(`tripletMargin: p must be a number > 0 (the norm degree), got ${String(p)}.`);
  const eps = options.eps ?? 1e-6;
  const margin = marginOf('tripletMargin', options, 1);
  return tidy(() => {
    const dPos = pairwiseDistance(anchor, positive, p, eps);
    let dNeg = pairwiseDistance(anchor, negative, p, eps);
    if (options.swap) dNeg = dNeg.minimum(pairwiseDistance(positive, negative, p, eps));
    return reduce(dPos.sub(dNeg).add(margin).relu(), reduction);
  });
}

/**
 * Options of multiLabelSoftMargin: weight [C] per class, reduction.
 */
export interface MultiLabelSoftMarginOptions {
  /** A per-class weight [C]. */
  weight?: Tensor;
  /** 'mean' (default): the average over samples; 'sum'; 'none': the loss per sample [N]. */
  reduction?: Reduction;
}

/**
 * Multi-label soft margin loss of logits x [N, C] (or [C]) and 0/1 targets y of the same shape:
 * -(1/C)·Σ_c w_c·(y·log σ(x) + (1 - y)·log σ(-x)), then reduced over N.
 *
 * ```ts
 * const logits = tensor([[0, 0], [0, 0]]);
 * const tags = tensor([[1, 0], [0, 1]]);
 * multiLabelSoftMargin(logits, tags).item(); // 0.6931472 (ln 2) ([N, C] each)
 * ```
 */
export function multiLabelSoftMargin(
  x: Tensor,
  y: Tensor,
  options: MultiLabelSoftMarginOptions = {},
): Tensor {
  checkOptions('multiLabelSoftMargin', options, ['weight', 'reduction']);
  const reduction = checkReduction('multiLabelSoftMargin', options.reduction ?? 'mean');
  sameShape('multiLabelSoftMargin', ['input', 'target'], [x, y]);
  if (x.ndim < 1 || x.ndim > 2) {
    throw new ShapeError(
      `multiLabelSoftMargin: expects [N, C] or [C] input, got ${fmtShape(x.shape)}; reshape it to [N, C].`,
    );
  }
  const C = x.shape[x.ndim - 1];
  return tidy(() => {
    let loss = y
      .mul(logsigmoid(x))
      .add(y.neg().add(1).mul(logsigmoid(x.neg())))
      .neg();
    if (options.weight) loss = loss.mul(options.weight);
    return reduce(loss.sum(-1).div(C), reduction);
  });
}

/**
 * `new MarginRankingLoss({ margin }).forward(x1, x2, y)`: see marginRanking.
 *
 * `marginRanking(x1, x2, y, this.options)`: scores x1, x2 and y ∈ {1, -1} of one shape [*] → a scalar, or [*] with 'none'.
 *
 * ```ts
 * const lossFn = new MarginRankingLoss({ margin: 0.1 });
 * const scoresA = tensor([0.5, 0.1, 0.3]);
 * const scoresB = tensor([0.2, 0.4, 0.3]);
 * lossFn.forward(scoresA, scoresB, tensor([1, -1, 1])).item(); // 0.0333333 ([3] each → scalar)
 * ```
 */
export class MarginRankingLoss extends lossModule(marginRanking) {}

/**
 * `new HingeEmbeddingLoss({ margin }).forward(x, y)`: see hingeEmbedding.
 *
 * `hingeEmbedding(x, y, this.options)`: distances x and y ∈ {1, -1} of one shape [*] → a scalar, or [*] with 'none'.
 *
 * ```ts
 * const lossFn = new HingeEmbeddingLoss();
 * const distances = tensor([0.5, 0.5, 2]);
 * lossFn.forward(distances, tensor([1, -1, 1])).item(); // 1 ([3] each → scalar)
 * ```
 */
export class HingeEmbeddingLoss extends lossModule(hingeEmbedding) {}

/**
 * `new CosineEmbeddingLoss({ margin }).forward(x1, x2, y)`: see cosineEmbedding.
 *
 * `cosineEmbedding(x1, x2, y, this.options)`: rows x1, x2 [N, D] (or [D]) and y [N] ∈ {1, -1} → a scalar, or [N] with 'none'.
 *
 * ```ts
 * const lossFn = new CosineEmbeddingLoss();
 * const a = tensor([[1, 0], [1, 0]]);
 * const b = tensor([[1, 0], [0, 1]]);
 * lossFn.forward(a, b, tensor([1, -1])).item(); // 0 (a, b [2, D] → scalar)
 * ```
 */
export class CosineEmbeddingLoss extends lossModule(cosineEmbedding) {}

/**
 * `new TripletMarginLoss({ margin, p, swap }).forward(anchor, positive, negative)`: see tripletMargin.
 *
 * `tripletMargin(anchor, positive, negative, this.options)`: rows [N, D] (or [D]) each → a scalar, or [N] with 'none'.
 *
 * ```ts
 * const lossFn = new TripletMarginLoss({ margin: 0.5 });
 * const [anchor, positive, negative] = [randn([4, 8]), randn([4, 8]), randn([4, 8])];
 * lossFn.forward(anchor, positive, negative).shape; // [] ([N, D] each → scalar)
 * ```
 */
export class TripletMarginLoss extends lossModule(tripletMargin) {}

/**
 * `new MultiLabelSoftMarginLoss({ weight }).forward(logits, targets)`: see multiLabelSoftMargin.
 *
 * `multiLabelSoftMargin(x, y, this.options)`: logits and 0/1 targets [N, C] (or [C]) → a scalar, or [N] with 'none'.
 *
 * ```ts
 * const lossFn = new MultiLabelSoftMarginLoss();
 * const logits = randn([4, 3]);
 * const tags = tensor([[1, 0, 1], [0, 0, 1], [1, 1, 0], [0, 1, 0]]);
 * lossFn.forward(logits, tags).shape; // [] ([N, C] each → scalar)
 * ```
 */
export class MultiLabelSoftMarginLoss extends lossModule(multiLabelSoftMargin) {}
