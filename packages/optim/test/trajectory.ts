/**
 * The optimizer fixtures' problem (loss = mean((A·w + b − y)²), PyTorch's trajectory of w and b
 * step by step) and the loop every optimizer's trajectory test runs on it.
 */
import { type Tensor, tidy } from '@nnet/tensor';
import { type Enc, t } from '@nnet/test-utils';
import { expect } from 'vitest';

/** The problem of a trajectory fixture: A [6, 4], y [6, 2], the starting weight [4, 2] and bias [2]. */
export interface TrajectoryProblem {
  A: Enc;
  y: Enc;
  weight: Enc;
  bias: Enc;
}

/** PyTorch's weight and bias after one step. */
export interface TrajectoryStep {
  weight: Enc;
  bias: Enc;
}

/** What the loop needs of an optimizer. */
interface Stepper {
  zeroGrad(): void;
  step(): void;
}

/** One step of the fixture's problem: loss = mean((A·w + b - y)²), backward, the optimizer's step. */
export function lossStep(opt: Stepper, w: Tensor, b: Tensor, A: Tensor, y: Tensor): void {
  tidy(() => {
    opt.zeroGrad();
    A.matmul(w).add(b).sub(y).square().mean().backward();
    opt.step();
  });
}

/**
 * Starts w and b from the fixture, makes the optimizer with `make([w, b])`, and after each step
 * checks both against PyTorch's: |got − want| ≤ 1e-5 + rtol·|want| elementwise.
 */
export async function followTrajectory(
  problem: TrajectoryProblem,
  steps: TrajectoryStep[],
  make: (params: Tensor[]) => Stepper,
  rtol: number,
): Promise<void> {
  const A = t(problem.A);
  const y = t(problem.y);
  const w = t(problem.weight, true);
  const b = t(problem.bias, true);
  const opt = make([w, b]);
  for (const step of steps) {
    lossStep(opt, w, b, A, y);
    for (const [got, want] of [
      [w, step.weight],
      [b, step.bias],
    ] as const) {
      const g = await got.data();
      want.data.forEach((v, i) => expect(Math.abs(g[i] - v)).toBeLessThanOrEqual(1e-5 + rtol * Math.abs(v)));
    }
  }
}
