/**
 * The shape every composed elementwise function shares: compute the value from existing ops
 * without recording the pieces, then record one node whose rule is the closed-form derivative.
 */
import { compute, record } from '../autograd.js';
import { isFloat } from '../dtype.js';
import { DTypeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { mul } from './binary.js';
import { checkTensor } from './kernel.js';
import { cast } from './unary.js';

/**
 * y = fwd(x) recorded as `name` with ∂y/∂x = deriv(x, y). With `promote`, int and bool inputs
 * are computed in float32 (PyTorch's rule for float functions); otherwise non-float32 input
 * throws a DTypeError.
 */
export function pointwise(
  name: string,
  x: Tensor,
  fwd: (x: Tensor) => Tensor,
  deriv: (x: Tensor, y: Tensor) => Tensor,
  promote = false,
): Tensor {
  checkTensor(name, x);
  if (!isFloat(x.dtype) && !promote) {
    throw new DTypeError(`${name}: expects float32 input, got ${x.dtype}; use x.to('float32').`);
  }
  const y = compute(() => fwd(isFloat(x.dtype) ? x : cast(x, 'float32')));
  return record(name, [x], y, [x, y], (g, [v, out]) => [mul(g, deriv(v, out))]);
}
