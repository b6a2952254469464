/** The training loop the backend-agreement tests (backends-agree, webgpu-agrees) compare. */
import type { Tensor } from '@nnet/tensor';
import { tidy } from '@nnet/tensor';
import { readItem } from '@nnet/test-utils';

/**
 * Runs `steps` optimizer steps on the loss `lossFn` computes and returns that loss at each step
 * (read asynchronously, before the step's update shows).
 */
export async function trainLosses(
  steps: number,
  opt: { zeroGrad(): void; step(): void },
  lossFn: () => Tensor,
): Promise<number[]> {
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = tidy(() => {
      opt.zeroGrad();
      const l = lossFn();
      l.backward();
      opt.step();
      return l;
    });
    losses.push(await readItem(loss));
    loss.dispose();
  }
  return losses;
}
