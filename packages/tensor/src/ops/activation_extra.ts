/**
 * More activation functions (SiLU, ELU, SELU, Mish, the hard-* family, softsign, logsigmoid, GLU,
 * PReLU), each with its closed-form derivative beside it and PyTorch's choice at the kinks.
 */

import { DTypeError, ShapeError, ValueError, withOp } from '../errors.js';
import { tidy } from '../scope.js';
import { fmtShape, normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, logicalAnd, maximum, minimum, mul, sub, where } from './binary.js';
import { gt, le, lt } from './compare.js';
import { chunk } from './join.js';
import { checkNumber, checkTensor } from './kernel.js';
import { pointwise } from './pointwise.js';
import { abs, cast, exp, log1p, neg, relu, sigmoid, tanh } from './unary.js';
import { reshape } from './views.js';

/** ln(1 + eˣ) without overflow: max(x, 0) + ln(1 + e^(-|x|)). */
function softplusStable(x: Tensor): Tensor {
  return add(relu(x), log1p(exp(neg(abs(x)))));
}

/**
 * SiLU (swish): x·σ(x).
 *   d/dx = σ(x)·(1 + x·(1 - σ(x)))
 *
 * ```ts
 * silu(tensor([-1, 0, 2]))   // [-0.2689, 0, 1.7616]
 * ```
 */
export function silu(x: Tensor): Tensor {
  return pointwise(
    'silu',
    x,
    (v) => mul(v, sigmoid(v)),
    (v) => {
      const s = sigmoid(v);
      return mul(s, add(mul(v, sub(1, s)), 1));
    },
  );
}

/**
 * ELU: x where x > 0, α(eˣ - 1) elsewhere.
 *   d/dx = 1 where x > 0, α·eˣ elsewhere (α at 0, like PyTorch)
 *
 * ```ts
 * elu(tensor([-1, 2]))   // [2] → [-0.6321, 2]
 * ```
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  return withOp('elu', () => {
    checkNumber('elu', 'alpha', alpha);
    return pointwise(
      'elu',
      x,
      (v) => where(gt(v, 0), v, mul(sub(exp(minimum(v, 0)), 1), alpha)),
      (v) => where(gt(v, 0), 1, mul(exp(minimum(v, 0)), alpha)),
    );
  });
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * SELU: scale·ELU(x, α) with α ≈ 1.6733 and scale ≈ 1.0507 (self-normalising constants).
 *   d/dx = scale where x > 0, scale·α·eˣ elsewhere
 *
 * ```ts
 * selu(tensor([-1, 1]))   // [2] → [-1.1113, 1.0507]
 * ```
 */
export function selu(x: Tensor): Tensor {
  return pointwise(
    'selu',
    x,
    (v) => mul(where(gt(v, 0), v, mul(sub(exp(minimum(v, 0)), 1), SELU_ALPHA)), SELU_SCALE),
    (v) => where(gt(v, 0), SELU_SCALE, mul(exp(minimum(v, 0)), SELU_ALPHA * SELU_SCALE)),
  );
}

/**
 * Mish: x·tanh(softplus(x)).
 *   d/dx = tanh(sp) + x·σ(x)·(1 - tanh²(sp)),  sp = ln(1 + eˣ)
 *
 * ```ts
 * mish(tensor([0, 1]))   // [2] → [0, 0.8651]
 * ```
 */
export function mish(x: Tensor): Tensor {
  return pointwise(
    'mish',
    x,
    (v) => mul(v, tanh(softplusStable(v))),
    (v) => {
      const t = tanh(softplusStable(v));
      return add(t, mul(mul(v, sigmoid(v)), sub(1, mul(t, t))));
    },
  );
}

/**
 * HardTanh: x clamped into [minVal, maxVal] (defaults -1, 1).
 *   d/dx = 1 where minVal < x < maxVal, 0 elsewhere (0 at the bounds, unlike clamp: PyTorch's rule)
 *
 * ```ts
 * hardtanh(tensor([-2, 0.5, 2]))   // [3] → [-1, 0.5, 1]
 * ```
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  if (!(minVal <= maxVal)) throw new ValueError(`hardtanh: minVal ${minVal} must be <= maxVal ${maxVal}.`);
  return pointwise(
    'hardtanh',
    x,
    (v) => minimum(maximum(v, minVal), maxVal),
    (v) => cast(logicalAnd(gt(v, minVal), lt(v, maxVal)), 'float32'),
  );
}

/**
 * ReLU6: min(max(x, 0), 6).
 *   d/dx = 1 where 0 < x < 6, 0 elsewhere
 *
 * ```ts
 * relu6(tensor([-1, 3, 8]))   // [3] → [0, 3, 6]
 * ```
 */
export function relu6(x: Tensor): Tensor {
  checkTensor('relu6', x);
  return hardtanh(x, 0, 6);
}

/**
 * HardSigmoid: min(max(x/6 + ½, 0), 1).
 *   d/dx = 1/6 where -3 < x < 3, 0 elsewhere
 *
 * ```ts
 * hardsigmoid(tensor([-3, 0, 1.5]))   // [3] → [0, 0.5, 0.75]
 * ```
 */
export function hardsigmoid(x: Tensor): Tensor {
  return pointwise(
    'hardsigmoid',
    x,
    (v) => minimum(maximum(add(div(v, 6), 0.5), 0), 1),
    (v) => mul(cast(logicalAnd(gt(v, -3), lt(v, 3)), 'float32'), 1 / 6),
  );
}

/**
 * HardSwish: x·min(max(x + 3, 0), 6)/6.
 *   d/dx = 0 where x < -3, x/3 + ½ where -3 <= x <= 3, 1 where x > 3 (PyTorch's closed ends)
 *
 * ```ts
 * hardswish(tensor([-4, 1, 4]))   // [3] → [0, 0.6667, 4]
 * ```
 */
export function hardswish(x: Tensor): Tensor {
  return pointwise(
    'hardswish',
    x,
    (v) => mul(v, div(minimum(maximum(add(v, 3), 0), 6), 6)),
    (v) => where(lt(v, -3), 0, where(le(v, 3), add(div(v, 3), 0.5), 1)),
  );
}

/**
 * Softsign: x/(1 + |x|).
 *   d/dx = 1/(1 + |x|)²
 *
 * ```ts
 * softsign(tensor([-1, 3]))   // [2] → [-0.5, 0.75]
 * ```
 */
export function softsign(x: Tensor): Tensor {
  return pointwise(
    'softsign',
    x,
    (v) => div(v, add(abs(v), 1)),
    (v) => {
      const d = add(abs(v), 1);
      return div(1, mul(d, d));
    },
  );
}

/**
 * log σ(x) = -softplus(-x), computed as min(x, 0) - ln(1 + e^(-|x|)) (no overflow).
 *   d/dx = 1 - σ(x) = σ(-x)
 *
 * ```ts
 * logsigmoid(tensor([0, -100]))   // [2] → [-0.6931, -100] (no overflow)
 * ```
 */
export function logsigmoid(x: Tensor): Tensor {
  return pointwise(
    'logsigmoid',
    x,
    (v) => sub(minimum(v, 0), log1p(exp(neg(abs(v))))),
    (v) => sigmoid(neg(v)),
  );
}

/**
 * Gated linear unit: splits `dim` in halves a, b and returns a·σ(b) (dim must have even size).
 *   ∂/∂a = σ(b),  ∂/∂b = a·σ(b)(1 - σ(b))   (by composition)
 *
 * ```ts
 * glu(randn([4, 6]))   // [4, 3]
 * ```
 */
export function glu(x: Tensor, dim = -1): Tensor {
  checkTensor('glu', x);
  if (x.dtype !== 'float32') throw new DTypeError(`glu: expects float32 input, got ${x.dtype}.`);
  if (x.ndim === 0)
    throw new ShapeError('glu: a 0-d tensor cannot be halved; give a tensor with at least 1 dim.');
  const d = normalizeDim('glu', dim, x.ndim, x.shape);
  if (x.shape[d] % 2 !== 0) {
    throw new ShapeError(
      `glu: dim ${d} of shape ${fmtShape(x.shape)} has odd size ${x.shape[d]}; it must be even.`,
    );
  }
  return tidy(() => {
    const [a, b] = chunk(x, 2, d);
    return mul(a, sigmoid(b));
  });
}

/**
 * PReLU: x where x > 0, w·x elsewhere, with a learnt slope `weight` (1 element, or one per
 * channel: dim 1 of x).
 *   ∂/∂x = 1 where x > 0, w elsewhere;  ∂/∂w = Σ x·g over x <= 0   (by composition)
 *
 * ```ts
 * prelu(tensor([[-2, 3]]), tensor([0.25]))   // [1, 2], weight [1] → [[-0.5, 3]]
 * ```
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  checkTensor('prelu', x);
  checkTensor('prelu', weight, 'weight');
  if (x.dtype !== 'float32' || weight.dtype !== 'float32') {
    throw new DTypeError(`prelu: expects float32 input and weight, got ${x.dtype} and ${weight.dtype}.`);
  }
  if (weight.ndim > 1)
    throw new ShapeError(`prelu: weight must be 0-d or 1-D, got ${fmtShape(weight.shape)}.`);
  const channels = x.ndim >= 2 ? x.shape[1] : 1;
  if (weight.size !== 1 && weight.size !== channels) {
    throw new ShapeError(
      `prelu: weight has ${weight.size} elements; it must have 1 or one per channel (dim 1 of input ${fmtShape(x.shape)} = ${channels}).`,
    );
  }
  return tidy(() => {
    const w =
      weight.size === 1 || x.ndim < 2
        ? reshape(weight, [])
        : reshape(weight, [channels, ...new Array<number>(x.ndim - 2).fill(1)]);
    return where(gt(x, 0), x, mul(w, x));
  });
}
