/**
 * Reference decomposition of the optional kernel `linear` (see `OptionalKernels.linear`):
 * act(x·wᵀ + bias) from matmul, add and the activation's own op.
 */
import type { FusedActivation, TensorInfo } from '../backend.js';
import { add } from '../ops/binary.js';
import { matmul } from '../ops/matmul.js';
import { relu, sigmoid, tanh } from '../ops/unary.js';
import { transpose } from '../ops/views.js';
import type { Tensor } from '../tensor.js';
import { borrow, runReference, writeTo } from './borrow.js';

/**
 * The fused activation applied to y (identity for 'none').
 *
 *   applyActivation(y, 'relu') // max(y, 0)
 */
export function applyActivation(y: Tensor, activation: FusedActivation): Tensor {
  switch (activation) {
    case 'relu':
      return relu(y);
    case 'tanh':
      return tanh(y);
    case 'sigmoid':
      return sigmoid(y);
    default:
      return y;
  }
}

/** linear by decomposition: out [M, N] = act(x [M, K] · w [N, K]ᵀ + bias [N]). */
export function linearReference(
  x: TensorInfo,
  w: TensorInfo,
  bias: TensorInfo | null,
  activation: FusedActivation,
  out: TensorInfo,
): void {
  runReference(() => {
    const y = matmul(borrow(x), transpose(borrow(w), 0, 1));
    writeTo(out, applyActivation(bias ? add(y, borrow(bias)) : y, activation));
  });
}
