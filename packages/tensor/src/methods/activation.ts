/**
 * Tensor methods: activations, clamping and softmax (ops/unary.ts, ops/activation.ts,
 * ops/activation_extra.ts, ops/math_extra.ts, ops/softmax.ts).
 * `x.relu(...)` is `relu(x, ...)`; tensor.ts imports this file for its effect (see install.ts).
 */

import * as act from '../ops/activation.js';
import * as ax from '../ops/activation_extra.js';
import * as mx from '../ops/math_extra.js';
import * as sm from '../ops/softmax.js';
import * as u from '../ops/unary.js';
import type { TensorLike } from '../tensor.js';
import { defineTensorMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * max(x, 0) elementwise; same shape.
     *
     *   tensor([-1, 2]).relu()   // [0, 2]
     */
    relu(): Tensor;
    /**
     * σ(x) = 1 / (1 + e⁻ˣ) elementwise; same shape.
     *
     *   tensor([0]).sigmoid()   // [0.5]
     */
    sigmoid(): Tensor;
    /**
     * x where x > 0, negativeSlope·x elsewhere (default slope 0.01); same shape.
     *
     *   tensor([-1, 2]).leakyRelu(0.1)   // [-0.1, 2]
     */
    leakyRelu(negativeSlope?: number): Tensor;
    /**
     * GELU x·Φ(x) elementwise (exact erf form, or the tanh approximation with `approximate: 'tanh'`); same
     * shape.
     *
     *   x.gelu({ approximate: 'tanh' })   // [2, 3] → [2, 3]
     */
    gelu(options?: { approximate?: 'none' | 'tanh' }): Tensor;
    /**
     * (1/β)·log(1 + e^(βx)) elementwise, linear where βx > threshold (defaults β = 1, threshold = 20); same
     * shape.
     *
     *   tensor([0]).softplus()   // [0.6931]
     */
    softplus(options?: { beta?: number; threshold?: number }): Tensor;
    /**
     * Clamps into [min, max]; either bound may be omitted (null); same shape.
     *
     *   tensor([-2, 0.5, 3]).clamp(0, 1)   // [0, 0.5, 1]
     */
    clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor;
    /** clamp with tensor (or number) bounds that broadcast with this tensor. */
    clampTensor(min?: TensorLike | null, max?: TensorLike | null): Tensor;
    /**
     * SiLU (swish) x·σ(x) elementwise; same shape.
     *
     *   tensor([0]).silu()   // [0]
     */
    silu(): Tensor;
    /**
     * x where x > 0, α(eˣ - 1) elsewhere (default α = 1); same shape.
     *
     *   tensor([-1, 2]).elu()   // [-0.6321, 2]
     */
    elu(alpha?: number): Tensor;
    /**
     * scale·(max(0, x) + min(0, α(eˣ - 1))) with PyTorch's α ≈ 1.6733, scale ≈ 1.0507; same shape.
     *
     *   x.selu()   // [2, 3] → [2, 3]
     */
    selu(): Tensor;
    /**
     * x·tanh(softplus(x)) elementwise; same shape.
     *
     *   tensor([0]).mish()   // [0]
     */
    mish(): Tensor;
    /**
     * Clamps into [minVal, maxVal] (default [-1, 1]); same shape.
     *
     *   tensor([-2, 0.5, 2]).hardtanh()   // [-1, 0.5, 1]
     */
    hardtanh(minVal?: number, maxVal?: number): Tensor;
    /**
     * min(max(x, 0), 6) elementwise; same shape.
     *
     *   tensor([-1, 3, 8]).relu6()   // [0, 3, 6]
     */
    relu6(): Tensor;
    /**
     * relu6(x + 3) / 6 elementwise; same shape.
     *
     *   tensor([-3, 0, 3]).hardsigmoid()   // [0, 0.5, 1]
     */
    hardsigmoid(): Tensor;
    /**
     * x·relu6(x + 3) / 6 elementwise; same shape.
     *
     *   tensor([-3, 0, 3]).hardswish()   // [0, 0, 3]
     */
    hardswish(): Tensor;
    /**
     * x / (1 + |x|) elementwise; same shape.
     *
     *   tensor([-1, 3]).softsign()   // [-0.5, 0.75]
     */
    softsign(): Tensor;
    /**
     * log σ(x) = -softplus(-x), computed stably; same shape.
     *
     *   tensor([0]).logsigmoid()   // [-0.6931]
     */
    logsigmoid(): Tensor;
    /**
     * Gated linear unit: splits `dim` (even size) into halves a, b and returns a·σ(b); that dim halves.
     *
     *   x.glu()   // [4, 6] → [4, 3]
     */
    glu(dim?: number): Tensor;
    /**
     * x where x > 0, w·x elsewhere, with a learnt slope `weight` (1 element, or one per channel: dim 1).
     *
     *   x.prelu(w)   // x [N, C, H, W], w [C] → [N, C, H, W]
     */
    prelu(weight: Tensor): Tensor;
    /**
     * exp(x) / Σ exp(x) along `dim` (stable); same shape, each slice sums to 1.
     *
     *   logits.softmax(-1)   // [N, C] → [N, C]
     */
    softmax(dim: number): Tensor;
    /**
     * x - logsumexp(x) along `dim` (stable); same shape.
     *
     *   logits.logSoftmax(1)   // [N, C] → [N, C]
     */
    logSoftmax(dim: number): Tensor;
  }
}

defineTensorMethods({
  relu() {
    return u.relu(this);
  },
  sigmoid() {
    return u.sigmoid(this);
  },
  leakyRelu(negativeSlope = 0.01) {
    return act.leakyRelu(this, negativeSlope);
  },
  gelu(options = {}) {
    return act.gelu(this, options);
  },
  softplus(options = {}) {
    return act.softplus(this, options);
  },
  clamp(min, max) {
    return act.clamp(this, min, max);
  },
  clampTensor(min, max) {
    return mx.clampTensor(this, min, max);
  },
  silu() {
    return ax.silu(this);
  },
  elu(alpha = 1) {
    return ax.elu(this, alpha);
  },
  selu() {
    return ax.selu(this);
  },
  mish() {
    return ax.mish(this);
  },
  hardtanh(minVal = -1, maxVal = 1) {
    return ax.hardtanh(this, minVal, maxVal);
  },
  relu6() {
    return ax.relu6(this);
  },
  hardsigmoid() {
    return ax.hardsigmoid(this);
  },
  hardswish() {
    return ax.hardswish(this);
  },
  softsign() {
    return ax.softsign(this);
  },
  logsigmoid() {
    return ax.logsigmoid(this);
  },
  glu(dim = -1) {
    return ax.glu(this, dim);
  },
  prelu(weight) {
    return ax.prelu(this, weight);
  },
  softmax(dim) {
    return sm.softmax(this, dim);
  },
  logSoftmax(dim) {
    return sm.logSoftmax(this, dim);
  },
});
