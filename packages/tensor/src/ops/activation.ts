/**
 * Activation functions built from the elementwise kernels. Each computes its value without
 * recording the pieces and records one node whose gradient is the closed-form derivative.
 */
import { compute, record } from '../autograd.js';
import { checkOptions, DTypeError, describeValue, ValueError, withOp } from '../errors.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { add, logicalAnd, maximum, minimum, mul, sub, where } from './binary.js';
import { ge, gt, le } from './compare.js';
import { checkTensor } from './kernel.js';
import { clampTensor } from './math_extra.js';
import { cast, erf, exp, log1p, relu, sigmoid, tanh } from './unary.js';

function requireFloat(op: string, x: Tensor): void {
  checkTensor(op, x, 'input');
  if (x.dtype !== 'float32')
    throw new DTypeError(`${op}: expects float32 input, got ${x.dtype}; use x.to('float32').`);
}

/**
 * x where x > 0, slope·x elsewhere.   d/dx = 1 where x > 0, slope elsewhere
 * Shapes: x → same shape and dtype (float32).
 *
 * ```ts
 * leakyRelu(tensor([-2, 0, 3]))   // [3] → [-0.02, 0, 3]
 * leakyRelu(tensor([-2, 3]), 0.1)   // [2] → [-0.2, 3]
 * ```
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  requireFloat('leakyRelu', x);
  if (typeof negativeSlope !== 'number') {
    throw new ValueError(
      `leakyRelu: negativeSlope must be a number (e.g. 0.01), got ${describeValue(negativeSlope)}.`,
    );
  }
  const y = compute(() => where(gt(x, 0), x, mul(x, negativeSlope)));
  return record('leakyRelu', [x], y, [x], (g, [v]) => [where(gt(v, 0), g, mul(g, negativeSlope))]);
}

const SQRT_HALF = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const TANH_K = Math.sqrt(2 / Math.PI);

/**
 * GELU: x·Φ(x) with Φ the standard normal CDF, or its tanh approximation
 * ½x(1 + tanh(√(2/π)(x + 0.044715x³))) with `approximate: 'tanh'`.
 *   exact: d/dx = Φ(x) + x·φ(x)
 *   tanh:  d/dx = ½(1 + t) + ½x(1 - t²)·√(2/π)(1 + 3·0.044715x²), t = tanh(...)
 *
 * ```ts
 * gelu(tensor([-1, 0, 1]))   // [3] → [-0.1587, 0, 0.8413]
 * gelu(tensor([1]), { approximate: 'tanh' })   // [1] → [0.8412]
 * ```
 */
export function gelu(x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  requireFloat('gelu', x);
  checkOptions('gelu', options, ['approximate']);
  const approx = options.approximate ?? 'none';
  if (approx !== 'none' && approx !== 'tanh') {
    throw new ValueError(`gelu: approximate must be 'none' or 'tanh', got '${String(approx)}'.`);
  }
  if (approx === 'none') {
    const y = compute(() => mul(mul(x, 0.5), add(erf(mul(x, SQRT_HALF)), 1)));
    return record('gelu', [x], y, [x], (g, [v]) => {
      const cdf = mul(add(erf(mul(v, SQRT_HALF)), 1), 0.5);
      const pdf = mul(exp(mul(mul(v, v), -0.5)), INV_SQRT_2PI);
      return [mul(g, add(cdf, mul(v, pdf)))];
    });
  }
  const inner = (v: Tensor) => mul(add(v, mul(mul(v, mul(v, v)), 0.044715)), TANH_K);
  const y = compute(() => mul(mul(x, 0.5), add(tanh(inner(x)), 1)));
  return record('gelu', [x], y, [x], (g, [v]) => {
    const t = tanh(inner(v));
    const dInner = mul(add(mul(mul(v, v), 3 * 0.044715), 1), TANH_K);
    const d = add(mul(add(t, 1), 0.5), mul(mul(mul(v, 0.5), sub(1, mul(t, t))), dInner));
    return [mul(g, d)];
  });
}

/**
 * softplus(x) = (1/β)·ln(1 + e^(βx)), and x itself where βx > threshold (PyTorch's rule).
 * Computed as (max(βx, 0) + ln(1 + e^(-|βx|)))/β, which never overflows.
 *   d/dx = σ(βx) (1 where βx > threshold)
 *
 * ```ts
 * softplus(tensor([0, 30]))   // [2] → [0.6931, 30] (x itself above the threshold 20)
 * ```
 */
export function softplus(x: Tensor, options: { beta?: number; threshold?: number } = {}): Tensor {
  requireFloat('softplus', x);
  checkOptions('softplus', options, ['beta', 'threshold']);
  const beta = options.beta ?? 1;
  const threshold = options.threshold ?? 20;
  if (!(beta > 0)) throw new ValueError(`softplus: beta must be > 0, got ${beta}.`);
  const y = compute(() => {
    const bx = mul(x, beta);
    const smooth = mul(add(relu(bx), log1p(exp(bx.abs().neg()))), 1 / beta);
    return where(gt(bx, threshold), x, smooth);
  });
  return record('softplus', [x], y, [x], (g, [v]) => {
    const bx = mul(v, beta);
    return [where(gt(bx, threshold), g, mul(g, sigmoid(bx)))];
  });
}

/**
 * Clamps into [min, max] (either bound may be omitted; tensor bounds broadcast, see clampTensor).
 *   d/dx = 1 where min <= x <= max, else 0 (PyTorch's rule: the bounds pass the gradient)
 *
 * ```ts
 * const x = randn([3]);
 * clamp(tensor([-2, 0.5, 3]), 0, 1)   // [3] → [0, 0.5, 1]
 * clamp(x, 0)   // only a lower bound: relu
 * ```
 */
export function clamp(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  return withOp('clamp', () => {
    checkTensor('clamp', x, 'input');
    // Tensor bounds (broadcast, with their own gradients): ops/math_extra.ts.
    if (min instanceof Tensor || max instanceof Tensor) return clampTensor(x, min, max);
    const lo = min ?? null;
    const hi = max ?? null;
    if (lo === null && hi === null) throw new ValueError('clamp: give at least one of min and max.');
    if (lo !== null && hi !== null && lo > hi)
      throw new ValueError(`clamp: min ${lo} is greater than max ${hi}.`);
    const y = compute(() => {
      let out = x;
      if (lo !== null) out = maximum(out, lo);
      if (hi !== null) out = minimum(out, hi);
      return out.dtype === x.dtype ? out : cast(out, x.dtype);
    });
    return record('clamp', [x], y, [x], (g, [v]) => {
      let mask = lo !== null ? ge(v, lo) : null;
      if (hi !== null) mask = mask ? logicalAnd(mask, le(v, hi)) : le(v, hi);
      return [where(mask!, g, 0)];
    });
  });
}
