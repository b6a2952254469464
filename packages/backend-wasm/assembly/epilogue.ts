// The linear layer's epilogue: bias and activation applied to a GEMM's output in place.

import { Activation } from '../src/codes';

/** out[i, j] = act(out[i, j] + bias[j]); act an Activation code; bias 0 = none. */
export function biasActivation(out: usize, bias: usize, M: i32, N: i32, act: i32): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const at = out + (<usize>(i * N + j) << 2);
      let v = <f64>load<f32>(at) + (bias ? <f64>load<f32>(bias + (<usize>j << 2)) : 0);
      if (act == Activation.relu) v = v > 0 ? v : 0;
      else if (act == Activation.tanh) v = Math.tanh(v);
      else if (act == Activation.sigmoid) v = 1.0 / (1.0 + Math.exp(-v));
      store<f32>(at, <f32>v);
    }
  }
}

