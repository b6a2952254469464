/** The check every fixture test of a layer with a weight and a bias runs (Linear, Conv2d, ConvTranspose2d). */
import type { Tensor } from '@nnet/tensor';
import { type Enc, expectClose, t } from '@nnet/test-utils';

/** A PyTorch case of such a layer: its parameters, input, output, upstream gradient and gradients. */
export type WeightBiasCase = Record<'x' | 'weight' | 'bias' | 'out' | 'g' | 'gradX' | 'gradW' | 'gradB', Enc>;

/** What the check needs of the layer. */
interface WeightBiasLayer {
  loadStateDict(state: Record<string, Tensor>): unknown;
  forward(x: Tensor): Tensor;
  readonly weight: Tensor;
  readonly bias: Tensor | null;
}

/**
 * Loads the case's weight and bias into `layer`, checks its output on x against PyTorch's, then the
 * gradients of sum(y·g) with respect to x, the weight and the bias.
 */
export async function checkWeightBiasCase(layer: WeightBiasLayer, c: WeightBiasCase): Promise<void> {
  layer.loadStateDict({ weight: t(c.weight), bias: t(c.bias) });
  const x = t(c.x, true);
  const y = layer.forward(x);
  await expectClose(y, c.out);
  y.mul(t(c.g)).sum().backward();
  await expectClose(x.grad!, c.gradX);
  await expectClose(layer.weight.grad!, c.gradW);
  await expectClose(layer.bias!.grad!, c.gradB);
}
