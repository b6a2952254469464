// Fused optimizer updates in place (formulas in the contract's doc comments), restating
// @nnet/kernels-js's optimizer.ts; test/scalar-rules.test.ts checks the two agree.

/** SGD step over n floats; buf = 0 when momentum is 0 (formula in the contract's docs). */
export function sgdUpdate(p: usize, g: usize, buf: usize, n: i32, lr: f32, momentum: f32, dampening: f32, nesterov: bool, weightDecay: f32, first: bool): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    const pv = load<f32>(p + at);
    let d = load<f32>(g + at) + weightDecay * pv;
    if (buf) {
      const b = first ? d : momentum * load<f32>(buf + at) + (1 - dampening) * d;
      store<f32>(buf + at, b);
      d = nesterov ? d + momentum * b : b;
    }
    store<f32>(p + at, pv - lr * d);
  }
}

/** Adam/AdamW step over n floats; vmax = 0 without amsgrad. bc1 = 1 - β₁ᵗ, sqrtBc2 = √(1 - β₂ᵗ). */
export function adamUpdate(
  p: usize, g: usize, m: usize, v: usize, vmax: usize, n: i32,
  lr: f32, beta1: f32, beta2: f32, eps: f32, weightDecay: f32, decoupled: bool, bc1: f32, sqrtBc2: f32,
): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    let pv = load<f32>(p + at);
    let gv = load<f32>(g + at);
    if (weightDecay != 0) {
      if (decoupled) pv = pv * (1 - lr * weightDecay);
      else gv = gv + weightDecay * pv;
    }
    const mv = beta1 * load<f32>(m + at) + (1 - beta1) * gv;
    const vv = beta2 * load<f32>(v + at) + (1 - beta2) * gv * gv;
    store<f32>(m + at, mv);
    store<f32>(v + at, vv);
    let vh = vv;
    if (vmax) {
      vh = max(load<f32>(vmax + at), vv);
      store<f32>(vmax + at, vh);
    }
    store<f32>(p + at, pv - (lr / bc1) * (mv / (Mathf.sqrt(vh) / sqrtBc2 + eps)));
  }
}

