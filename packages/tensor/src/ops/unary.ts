/**
 * Elementwise functions of one tensor, each beside its derivative.
 * Float functions (exp, log, ...) of int or bool inputs compute in float32, like PyTorch.
 */

import { record } from '../autograd.js';
import type { UnaryOp } from '../backend.js';
import { DTYPES, type DType, isFloat } from '../dtype.js';
import { DTypeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from './binary.js';
import { zerosLike } from './creation.js';
import { checkTensor, runKernel } from './kernel.js';

/** Runs the `unary` kernel; `out` has `dtype` (x must already have it). */
export function unaryKernel(op: UnaryOp, x: Tensor, dtype: DType = x.dtype): Tensor {
  return runKernel(op, [x], x.shape, dtype, ([xi], out, b) => b.unary(op, xi, out));
}

/**
 * Converts to `dtype` (returns a shared view when it already has it).
 * Shapes: x → same shape, dtype `dtype` (float → int truncates toward zero; non-zero → true for bool).
 *
 * ```ts
 * cast(tensor([1.7, -1.7, 0]), 'int32')   // [3] float32 → [1, -1, 0] int32
 * ```
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor('to', x, 'input');
  if (!DTYPES.includes(dtype)) {
    throw new DTypeError(
      `to: unsupported dtype ${typeof dtype === 'string' ? `'${dtype}'` : String(dtype)}; use one of ${DTYPES.join(', ')}` +
        ' (float16, float64 and int64 are not supported).',
    );
  }
  if (x.dtype === dtype) return x.reshape(x.shape);
  const out = runKernel('to', [x], x.shape, dtype, ([xi], o, b) => b.cast(xi, o));
  // Only float -> float casts carry a gradient; there is one float dtype, so none do.
  return out;
}

function asFloat(x: Tensor): Tensor {
  return isFloat(x.dtype) ? x : cast(x, 'float32');
}

/** A float function: int/bool inputs are promoted to float32 first. */
function floatUnary(op: UnaryOp, x: Tensor, save: 'x' | 'y', rule: (g: Tensor, v: Tensor) => Tensor): Tensor {
  checkTensor(op, x, 'input');
  const xf = asFloat(x);
  const y = unaryKernel(op, xf);
  if (xf !== x) xf.dispose();
  return record(op, [x], y, [save === 'x' ? x : y], (g, [v]) => [rule(g, v)]);
}

/**
 * -x.   d/dx = -1
 * Shapes: x → same shape; same dtype (bool refused).
 *
 * ```ts
 * neg(tensor([1, -2]))   // [2] → [-1, 2]
 * ```
 */
export function neg(x: Tensor): Tensor {
  checkTensor('neg', x, 'input');
  if (x.dtype === 'bool') throw new DTypeError('neg: bool tensors cannot be negated; use logicalNot().');
  return record('neg', [x], unaryKernel('neg', x), [], (g) => [neg(g)]);
}

/**
 * |x|.   d/dx = sign(x)
 * Shapes: x → same shape; same dtype.
 *
 * ```ts
 * abs(tensor([-1.5, 2]))   // [2] → [1.5, 2]
 * ```
 */
export function abs(x: Tensor): Tensor {
  checkTensor('abs', x, 'input');
  // |b| = b for bool (backends get bool unary requests only for logicalNot).
  if (x.dtype === 'bool') return x.reshape(x.shape);
  return record('abs', [x], unaryKernel('abs', x), [x], (g, [v]) => [mul(g, sign(v))]);
}

/**
 * -1, 0 or 1 (0 for NaN, like PyTorch). Zero gradient.
 * Shapes: x → same shape; same dtype.
 *
 * ```ts
 * sign(tensor([-3, 0, 2]))   // [3] → [-1, 0, 1]
 * ```
 */
export function sign(x: Tensor): Tensor {
  checkTensor('sign', x, 'input');
  if (x.dtype === 'bool') return x.reshape(x.shape);
  return record('sign', [x], unaryKernel('sign', x), [], (g) => [zerosLike(g)]);
}

/**
 * eˣ.   d/dx = eˣ = y
 * Shapes: x → same shape; float32 (int/bool promoted).
 *
 * ```ts
 * exp(tensor([0, 1]))   // [2] → [1, 2.7183]
 * ```
 */
export function exp(x: Tensor): Tensor {
  return floatUnary('exp', x, 'y', (g, y) => mul(g, y));
}

/**
 * ln x.   d/dx = 1/x
 * Shapes: x → same shape; float32 (int/bool promoted).
 *
 * ```ts
 * log(tensor([1, Math.E]))   // [2] → [0, 1]
 * ```
 */
export function log(x: Tensor): Tensor {
  return floatUnary('log', x, 'x', (g, v) => div(g, v));
}

/**
 * ln(1 + x), accurate for small x.   d/dx = 1/(1 + x)
 * Shapes: x → same shape; float32 (int/bool promoted).
 *
 * ```ts
 * log1p(tensor([0, 1e-8]))   // [2] → [0, 1e-8]
 * ```
 */
export function log1p(x: Tensor): Tensor {
  return floatUnary('log1p', x, 'x', (g, v) => div(g, add(v, 1)));
}

/**
 * √x.   d/dx = 1/(2√x) = 1/(2y)
 * Shapes: x → same shape; float32 (int/bool promoted).
 *
 * ```ts
 * sqrt(tensor([4, 9]))   // [2] → [2, 3]
 * ```
 */
export function sqrt(x: Tensor): Tensor {
  return floatUnary('sqrt', x, 'y', (g, y) => div(g, mul(y, 2)));
}

/**
 * 1/√x.   d/dx = -½ x^(-3/2) = -½ y³
 * Shapes: x → same shape; float32 (int/bool promoted).
 *
 * ```ts
 * rsqrt(tensor([4, 16]))   // [2] → [0.5, 0.25]
 * ```
 */
export function rsqrt(x: Tensor): Tensor {
  return floatUnary('rsqrt', x, 'y', (g, y) => mul(g, mul(mul(y, mul(y, y)), -0.5)));
}

/**
 * 1/x.   d/dx = -1/x² = -y²
 * Shapes: x → same shape; float32 (int/bool promoted).
 *
 * ```ts
 * reciprocal(tensor([2, 4]))   // [2] → [0.5, 0.25]
 * ```
 */
export function reciprocal(x: Tensor): Tensor {
  return floatUnary('reciprocal', x, 'y', (g, y) => mul(g, mul(y, y).neg()));
}

/**
 * x².   d/dx = 2x
 * Shapes: x → same shape; same dtype.
 *
 * ```ts
 * square(tensor([-2, 3]))   // [2] → [4, 9]
 * ```
 */
export function square(x: Tensor): Tensor {
  return mul(x, x);
}

/**
 * sin x.   d/dx = cos x
 * Shapes: x → same shape; float32 (int/bool promoted).
 *
 * ```ts
 * sin(tensor([0, Math.PI / 2]))   // [2] → [0, 1]
 * ```
 */
export function sin(x: Tensor): Tensor {
  return floatUnary('sin', x, 'x', (g, v) => mul(g, cos(v)));
}

/**
 * cos x.   d/dx = -sin x
 * Shapes: x → same shape; float32 (int/bool promoted).
 *
 * ```ts
 * cos(tensor([0, Math.PI]))   // [2] → [1, -1]
 * ```
 */
export function cos(x: Tensor): Tensor {
  return floatUnary('cos', x, 'x', (g, v) => mul(g, sin(v)).neg());
}

/**
 * tanh x.   d/dx = 1 - tanh² x = 1 - y²
 * Shapes: x → same shape; float32 (int/bool promoted).
 *
 * ```ts
 * tanh(tensor([0, 1]))   // [2] → [0, 0.7616]
 * ```
 */
export function tanh(x: Tensor): Tensor {
  return floatUnary('tanh', x, 'y', (g, y) => mul(g, sub(1, mul(y, y))));
}

/**
 * σ(x) = 1/(1 + e⁻ˣ).   d/dx = σ(x)(1 - σ(x)) = y(1 - y)
 * Shapes: x → same shape; float32 (int/bool promoted).
 *
 * ```ts
 * sigmoid(tensor([0, 2]))   // [2] → [0.5, 0.8808]
 * ```
 */
export function sigmoid(x: Tensor): Tensor {
  return floatUnary('sigmoid', x, 'y', (g, y) => mul(g, mul(y, sub(1, y))));
}

/**
 * max(x, 0).   d/dx = 1 where x > 0, else 0, computed as sign(y) of the saved output y ≥ 0 (one
 * kernel instead of a comparison, a cast and a product; the fused linear's relu does the same; a
 * NaN input gets gradient 0, as sign(NaN) = 0).
 * Shapes: x → same shape; same dtype (bool refused).
 *
 * ```ts
 * relu(tensor([-1, 0, 2]))   // [3] → [0, 0, 2]
 * ```
 */
export function relu(x: Tensor): Tensor {
  checkTensor('relu', x, 'input');
  if (x.dtype === 'bool') throw new DTypeError('relu: bool input; cast to float32 first.');
  const y = unaryKernel('relu', x);
  return record('relu', [x], y, [y], (g, [sy]) => [mul(g, unaryKernel('sign', sy))]);
}

/**
 * The error function.   d/dx = 2/√π · e^(-x²)
 * Shapes: x → same shape; float32 (int/bool promoted).
 *
 * ```ts
 * erf(tensor([0, 1]))   // [2] → [0, 0.8427]
 * ```
 */
export function erf(x: Tensor): Tensor {
  return floatUnary('erf', x, 'x', (g, v) => mul(g, mul(exp(mul(v, v).neg()), 2 / Math.sqrt(Math.PI))));
}

function rounding(op: 'floor' | 'ceil' | 'round', x: Tensor): Tensor {
  checkTensor(op, x, 'input');
  const y = isFloat(x.dtype) ? unaryKernel(op, x) : x.reshape(x.shape);
  // Piecewise constant: zero gradient.
  return record(op, [x], y, [], (g) => [zerosLike(g)]);
}

/**
 * Rounds down. Zero gradient.
 * Shapes: x → same shape; same dtype (int inputs pass through).
 *
 * ```ts
 * floor(tensor([1.5, -1.5]))   // [2] → [1, -2]
 * ```
 */
export function floor(x: Tensor): Tensor {
  return rounding('floor', x);
}

/**
 * Rounds up. Zero gradient.
 * Shapes: x → same shape; same dtype (int inputs pass through).
 *
 * ```ts
 * ceil(tensor([1.5, -1.5]))   // [2] → [2, -1]
 * ```
 */
export function ceil(x: Tensor): Tensor {
  return rounding('ceil', x);
}

/**
 * Rounds half to even, like PyTorch. Zero gradient.
 * Shapes: x → same shape; same dtype (int inputs pass through).
 *
 * ```ts
 * round(tensor([0.5, 1.5, 2.5]))   // [3] → [0, 2, 2]
 * ```
 */
export function round(x: Tensor): Tensor {
  return rounding('round', x);
}

/**
 * Elementwise NOT; any input is read as bool (non-zero is true).
 * Shapes: x → same shape; bool.
 *
 * ```ts
 * logicalNot(tensor([0, 1, 2]))   // [3] → [true, false, false]
 * ```
 */
export function logicalNot(x: Tensor): Tensor {
  checkTensor('logicalNot', x, 'input');
  const xb = x.dtype === 'bool' ? x : cast(x, 'bool');
  const y = unaryKernel('logicalNot', xb);
  if (xb !== x) xb.dispose();
  return y;
}
