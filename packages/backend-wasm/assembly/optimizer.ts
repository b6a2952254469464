// Fused optimizer updates in place (formulas in the contract's doc comments), restating
// @nnet/kernels-js's optimizer.ts in float32; test/scalar-rules.test.ts checks the two agree.
// Four elements at a time, one loop per variant (the flags decided once, outside the loop), each
// lane computed by the same float32 operations in the same order as the scalar rule that takes
// the last n mod 4 elements (f32x4 add, mul, div and sqrt are IEEE's, as f32's; no fused
// multiply-add): results do not depend on where a range starts or ends.

/** The scalar SGD rule on the element at byte offset `at` (buf = 0 without momentum). */
@inline function sgdScalar(at: usize, p: usize, g: usize, buf: usize, lr: f32, momentum: f32, dampening: f32, nesterov: bool, weightDecay: f32, first: bool): void {
  const pv = load<f32>(p + at);
  let d = load<f32>(g + at) + weightDecay * pv;
  if (buf) {
    const b = first ? d : momentum * load<f32>(buf + at) + (1 - dampening) * d;
    store<f32>(buf + at, b);
    d = nesterov ? d + momentum * b : b;
  }
  store<f32>(p + at, pv - lr * d);
}

/**
 * sgdScalar over n floats, four lanes at a time for the whole vectors; the flags (hasBuf, first,
 * nesterov) are constants at each call site, so each call is its own loop without branches.
 */
@inline function sgdLoop(p: usize, g: usize, buf: usize, hasBuf: bool, n: i32, lr: f32, momentum: f32, dampening: f32, nesterov: bool, weightDecay: f32, first: bool): void {
  const rate = f32x4.splat(lr);
  const mom = f32x4.splat(momentum);
  const keep = f32x4.splat(1 - dampening);
  const decay = f32x4.splat(weightDecay);
  const end = <usize>(n & ~3) << 2;
  for (let o: usize = 0; o < end; o += 16) {
    const pv = v128.load(p + o);
    let d = f32x4.add(v128.load(g + o), f32x4.mul(decay, pv));
    if (hasBuf) {
      const b = first ? d : f32x4.add(f32x4.mul(mom, v128.load(buf + o)), f32x4.mul(keep, d));
      v128.store(buf + o, b);
      d = nesterov ? f32x4.add(d, f32x4.mul(mom, b)) : b;
    }
    v128.store(p + o, f32x4.sub(pv, f32x4.mul(rate, d)));
  }
  for (let at = end; at < <usize>n << 2; at += 4) sgdScalar(at, p, g, buf, lr, momentum, dampening, nesterov, weightDecay, first);
}

/** SGD step over n floats; buf = 0 when momentum is 0 (formula in the contract's docs). */
export function sgdUpdate(p: usize, g: usize, buf: usize, n: i32, lr: f32, momentum: f32, dampening: f32, nesterov: bool, weightDecay: f32, first: bool): void {
  if (!buf) sgdLoop(p, g, 0, false, n, lr, momentum, dampening, false, weightDecay, false);
  else if (first && nesterov) sgdLoop(p, g, buf, true, n, lr, momentum, dampening, true, weightDecay, true);
  else if (first) sgdLoop(p, g, buf, true, n, lr, momentum, dampening, false, weightDecay, true);
  else if (nesterov) sgdLoop(p, g, buf, true, n, lr, momentum, dampening, true, weightDecay, false);
  else sgdLoop(p, g, buf, true, n, lr, momentum, dampening, false, weightDecay, false);
}

/** How an Adam step applies weight decay: none (weightDecay 0), to the gradient (Adam) or decoupled (AdamW). */
const NO_DECAY: i32 = 0;
const COUPLED: i32 = 1;
const DECOUPLED: i32 = 2;

/** The scalar Adam rule on the element at byte offset `at`; shrink = 1 - lr·weightDecay, step = lr / bc1. */
@inline function adamScalar(
  at: usize, p: usize, g: usize, m: usize, v: usize, vmax: usize, decay: i32,
  beta1: f32, beta2: f32, eps: f32, weightDecay: f32, shrink: f32, step: f32, sqrtBc2: f32,
): void {
  let pv = load<f32>(p + at);
  let gv = load<f32>(g + at);
  if (decay == DECOUPLED) pv = pv * shrink;
  else if (decay == COUPLED) gv = gv + weightDecay * pv;
  const mv = beta1 * load<f32>(m + at) + (1 - beta1) * gv;
  const vv = beta2 * load<f32>(v + at) + (1 - beta2) * gv * gv;
  store<f32>(m + at, mv);
  store<f32>(v + at, vv);
  let vh = vv;
  if (vmax) {
    vh = max(load<f32>(vmax + at), vv);
    store<f32>(vmax + at, vh);
  }
  store<f32>(p + at, pv - step * (mv / (Mathf.sqrt(vh) / sqrtBc2 + eps)));
}

/** adamScalar over n floats, four lanes at a time for the whole vectors (decay and amsgrad constant per call site). */
@inline function adamLoop(
  p: usize, g: usize, m: usize, v: usize, vmax: usize, amsgrad: bool, n: i32, decay: i32,
  beta1: f32, beta2: f32, eps: f32, weightDecay: f32, shrink: f32, step: f32, sqrtBc2: f32,
): void {
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(1 - beta1);
  const b2 = f32x4.splat(beta2), c2 = f32x4.splat(1 - beta2);
  const wd = f32x4.splat(weightDecay), sh = f32x4.splat(shrink);
  const st = f32x4.splat(step), bc = f32x4.splat(sqrtBc2), ep = f32x4.splat(eps);
  const end = <usize>(n & ~3) << 2;
  for (let o: usize = 0; o < end; o += 16) {
    let pv = v128.load(p + o);
    let gv = v128.load(g + o);
    if (decay == DECOUPLED) pv = f32x4.mul(pv, sh);
    else if (decay == COUPLED) gv = f32x4.add(gv, f32x4.mul(wd, pv));
    const mv = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, gv));
    const vv = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(f32x4.mul(c2, gv), gv));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    let vh = vv;
    if (amsgrad) {
      // f32x4.max is f32's max (NaN-propagating, +0 above -0).
      vh = f32x4.max(v128.load(vmax + o), vv);
      v128.store(vmax + o, vh);
    }
    v128.store(p + o, f32x4.sub(pv, f32x4.mul(st, f32x4.div(mv, f32x4.add(f32x4.div(f32x4.sqrt(vh), bc), ep)))));
  }
  for (let at = end; at < <usize>n << 2; at += 4) {
    adamScalar(at, p, g, m, v, vmax, decay, beta1, beta2, eps, weightDecay, shrink, step, sqrtBc2);
  }
}

/** Adam/AdamW step over n floats; vmax = 0 without amsgrad. bc1 = 1 - β₁ᵗ, sqrtBc2 = √(1 - β₂ᵗ). */
export function adamUpdate(
  p: usize, g: usize, m: usize, v: usize, vmax: usize, n: i32,
  lr: f32, beta1: f32, beta2: f32, eps: f32, weightDecay: f32, decoupled: bool, bc1: f32, sqrtBc2: f32,
): void {
  const shrink: f32 = 1 - lr * weightDecay;
  const step: f32 = lr / bc1;
  const decay = weightDecay == 0 ? NO_DECAY : decoupled ? DECOUPLED : COUPLED;
  if (vmax) {
    if (decay == NO_DECAY) adamLoop(p, g, m, v, vmax, true, n, NO_DECAY, beta1, beta2, eps, weightDecay, shrink, step, sqrtBc2);
    else if (decay == COUPLED) adamLoop(p, g, m, v, vmax, true, n, COUPLED, beta1, beta2, eps, weightDecay, shrink, step, sqrtBc2);
    else adamLoop(p, g, m, v, vmax, true, n, DECOUPLED, beta1, beta2, eps, weightDecay, shrink, step, sqrtBc2);
  } else if (decay == NO_DECAY) adamLoop(p, g, m, v, 0, false, n, NO_DECAY, beta1, beta2, eps, weightDecay, shrink, step, sqrtBc2);
  else if (decay == COUPLED) adamLoop(p, g, m, v, 0, false, n, COUPLED, beta1, beta2, eps, weightDecay, shrink, step, sqrtBc2);
  else adamLoop(p, g, m, v, 0, false, n, DECOUPLED, beta1, beta2, eps, weightDecay, shrink, step, sqrtBc2);
}
