/**
 * `Linear(inFeatures, outFeatures, { bias })`: y = x·Wᵀ + b.
 *
 * Shapes: x [..., inFeatures] → y [..., outFeatures]; weight [outFeatures, inFeatures];
 * bias [outFeatures]. Initialisation as PyTorch's (kaiming_uniform with a = √5):
 * W, b ~ U(-1/√in, 1/√in), drawn from the library's seeded generator.
 */
import {
  checkOptions,
  type FusedActivation,
  fmtShape,
  linear,
  noGrad,
  rand,
  ShapeError,
  type Tensor,
  ValueError,
  withOp,
} from '@nnet/tensor';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/**
 * A trainable float32 Parameter of `shape` drawn from U(-bound, bound) (the layers' default init).
 *
 * ```ts
 * const w = uniformParameter([8, 4], 1 / Math.sqrt(4));
 * ```
 */
export function uniformParameter(shape: number[], bound: number): Parameter {
  return noGrad(() => {
    const r = rand(shape);
    const scaled = r.mul(2 * bound).sub(bound);
    const p = new Parameter(scaled);
    r.dispose();
    scaled.dispose();
    return p;
  });
}

/**
 * Fully connected layer, PyTorch's nn.Linear: y = x·Wᵀ + b, x [*, inFeatures] → [*, outFeatures];
 * weight [outFeatures, inFeatures] and bias [outFeatures] ~ U(-1/√inFeatures, 1/√inFeatures).
 *
 * ```ts
 * const x = randn([32, 784]);
 * const fc = new Linear(784, 10);
 * const logits = fc.forward(x); // [N, 784] → [N, 10]
 * logits.shape; // [32, 10]
 * ```
 */
export class Linear extends Module {
  /** W [outFeatures, inFeatures] ~ U(-1/√inFeatures, 1/√inFeatures). */
  readonly weight: Parameter;
  /** b [outFeatures] ~ U(-1/√inFeatures, 1/√inFeatures) (null with bias: false). */
  readonly bias: Parameter | null;

  constructor(
    /** Input features (last dim of x). */
    readonly inFeatures: number,
    /** Output features (last dim of y). */
    readonly outFeatures: number,
    options: { bias?: boolean } = {},
  ) {
    super();
    checkOptions('Linear', options, ['bias']);
    for (const [n, v] of [
      ['inFeatures', inFeatures],
      ['outFeatures', outFeatures],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0)
        throw new ValueError(`Linear: ${n} must be a positive integer, got ${v}.`);
    }
    const bound = 1 / Math.sqrt(inFeatures);
    // A MemoryError for a huge layer names Linear, not the rand() inside.
    this.weight = withOp('Linear', () =>
      this.registerParameter('weight', uniformParameter([outFeatures, inFeatures], bound)),
    )!;
    this.bias = withOp('Linear', () =>
      this.registerParameter('bias', options.bias === false ? null : uniformParameter([outFeatures], bound)),
    );
  }

  forward(x: Tensor): Tensor {
    return linearForward(this, x, 'none');
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/**
 * Linear's forward with `activation` applied in the GEMM epilogue: act(x·Wᵀ + b), x [..., in] →
 * [..., out]. Sequential calls it for a Linear directly followed by a default ReLU, Tanh or
 * Sigmoid (one kernel instead of two). Internal: not exported from the package index.
 */
export function linearForward(layer: Linear, x: Tensor, activation: FusedActivation): Tensor {
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== layer.inFeatures) {
    throw new ShapeError(
      `Linear(${layer.inFeatures}, ${layer.outFeatures}): input ${fmtShape(x.shape)} has ` +
        `${x.shape[x.ndim - 1] ?? 0} features in its last dim, expected ${layer.inFeatures}. ` +
        `Reshape the input to [..., ${layer.inFeatures}] or change inFeatures.`,
    );
  }
  return activation === 'none'
    ? linear(x, layer.weight, layer.bias)
    : linear(x, layer.weight, layer.bias, { activation });
}
