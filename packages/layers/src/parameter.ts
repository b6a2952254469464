/**
 * `Parameter`: a float32 tensor that a module learns. It requires grad, and it lives outside every
 * `tidy` scope (it is kept), so training steps inside `tidy` never free it. Optimizers update it
 * in place with `assign`.
 */
import { DTypeError, keep, Tensor } from '@nnet/tensor';

/**
 * A trainable tensor (requiresGrad, float32, kept out of every tidy scope): what a Module
 * registers and an optimizer updates. Any shape.
 *
 * ```ts
 * const w = new Parameter(randn([4, 2]).mul(0.1));
 * ```
 */
export class Parameter extends Tensor {
  /** Wraps `data` (sharing its storage; `data` itself may be disposed afterwards). */
  constructor(data: Tensor) {
    data._check('Parameter');
    if (data.dtype !== 'float32') {
      throw new DTypeError(`Parameter: parameters must be float32, got ${data.dtype}; use t.to('float32').`);
    }
    const dense = data._isDense() ? data : data.contiguous();
    super(dense._storage.retain(), dense.shape, dense.dtype);
    if (dense !== data) dense.dispose();
    this.requiresGrad = true;
    keep(this);
  }
}
