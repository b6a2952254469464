/** The check every PyTorch fixture case of a loss runs: its value, then the input's gradient. */
import { type Tensor, tensor } from '@nnet/tensor';
import { type Enc, expectClose, t } from '@nnet/test-utils';

/** A case of a loss fixture: input and target, PyTorch's output, upstream gradient g and dL/dinput. */
export interface LossCase {
  input: Enc;
  target: Enc;
  targetDtype: 'int32' | 'float32';
  out: Enc;
  g: Enc;
  grad: Enc;
}

/**
 * Runs `loss(input, target)` on the case's tensors (class indices as int32), checks the output
 * against PyTorch's, then the gradient of sum(out·g) with respect to the input, both within
 * expectClose's `rtol` and `atol` (its defaults unless given).
 */
export async function checkLossCase(
  c: LossCase,
  loss: (input: Tensor, target: Tensor) => Tensor,
  rtol?: number,
  atol?: number,
): Promise<void> {
  const x = t(c.input, true);
  const y =
    c.targetDtype === 'int32'
      ? tensor(Int32Array.from(c.target.data), { shape: c.target.shape })
      : t(c.target);
  const out = loss(x, y);
  await expectClose(out, c.out, rtol, atol);
  out.mul(t(c.g)).sum().backward();
  await expectClose(x.grad!, c.grad, rtol, atol);
}
