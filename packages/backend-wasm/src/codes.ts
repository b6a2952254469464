/**
 * The numbers the TypeScript side and the AssemblyScript kernels agree on, written once: op codes
 * and the layouts of the job structs. This file is valid TypeScript and valid AssemblyScript
 * (enums only): `assembly/*.ts` imports it as `../src/codes`, `src/*.ts` as `./codes.js`, so the
 * two sides cannot drift apart. The op enums (Unary, Binary, Compare, Reduce) are generated from
 * `@nnet/tensor`'s op lists by scripts/gen-codes.mjs, which also declares the ops left to
 * TypeScript; test/codes.test.ts fails when they are stale.
 */

// <generated> by scripts/gen-codes.mjs from @nnet/tensor's op lists; edit that script, not this part.

/**
 * Unary ops with a float32 AssemblyScript kernel (`unaryF32`).
 * logicalNot: no member, run in TypeScript (@nnet/kernels-js).
 */
export enum Unary {
  neg = 0,
  abs = 1,
  sign = 2,
  exp = 3,
  log = 4,
  log1p = 5,
  sqrt = 6,
  rsqrt = 7,
  reciprocal = 8,
  sin = 9,
  cos = 10,
  tanh = 11,
  sigmoid = 12,
  relu = 13,
  erf = 14,
  floor = 15,
  ceil = 16,
  round = 17,
}

/**
 * Binary ops with an AssemblyScript kernel: every member on float32 (`binaryF32`; the codes up to
 * div have a SIMD path), add, sub, mul, maximum and minimum on int32 (`binaryI32`, wrapping).
 * logicalAnd, logicalOr: no member, run in TypeScript (@nnet/kernels-js).
 */
export enum Binary {
  add = 0,
  sub = 1,
  mul = 2,
  div = 3,
  pow = 4,
  maximum = 5,
  minimum = 6,
}

/** Comparisons (`compareF32`, `compareI32`). */
export enum Compare {
  eq = 0,
  ne = 1,
  lt = 2,
  le = 3,
  gt = 4,
  ge = 5,
}

/** Reductions (`reduceF32`). */
export enum Reduce {
  sum = 0,
  max = 1,
  min = 2,
  prod = 3,
}

// </generated>

/** Arg-reductions (`argReduceF32`, `argReduceI32`). */
export enum ArgReduce {
  argmax,
  argmin,
}

/** Fused activations of the GEMM epilogue (GemmField.act, used by the fused linear). */
export enum Activation {
  none,
  relu,
  tanh,
  sigmoid,
}

/**
 * Casts done in WASM (`cast`), named source_target. float32 → int32 stays in TypeScript: its
 * saturating rule differs from a plain truncation.
 */
export enum Cast {
  bool_float32,
  float32_bool,
  int32_float32,
  bool_int32,
  int32_bool,
}

/**
 * The GEMM argument struct: int32 fields at these word offsets. C [M×N] (rows ldc floats apart)
 * = act(op(A)·op(B) + bias), or += when accumulate is 1 (then bias = 0 and act = none); element (i, k) of op(A) is at byte a + 4·(i·aRow +
 * k·aCol), element (k, j) of op(B) at b + 4·(k·bRow + j·bCol). `gemm` and `dotRows` read it from
 * linear memory; the worker pool keeps one in each worker's control slot.
 */
export enum GemmField {
  M,
  N,
  K,
  a,
  aRow,
  aCol,
  b,
  bRow,
  bCol,
  c,
  ldc,
  accumulate,
  /** The epilogue, applied to C's final values: bias [N] added (0 = none), then an Activation. */
  bias,
  act,
  /** The number of fields (words per struct). */
  count,
}

/**
 * Limits of the AssemblyScript kernels: the highest rank their multi-index scratch holds.
 * Broadcast, strided-copy and gather/scatter kernels of higher rank run in TypeScript instead.
 */
export enum Limit {
  rank = 16,
}

/**
 * The kinds of job a pool slot (and the calling thread, through the same `runJob` export) runs:
 * the job's first word; its arguments follow as int32 words (floats by their bit patterns).
 */
export enum Job {
  /** Nothing: measures a round trip to the workers (the pool's dispatch cost). */
  none,
  /** A GEMM: a GemmField struct. */
  gemm,
  /** Query blocks t0..t1 of a fused attention: an AttnField struct. */
  attention,
  /** Elements from..to of a float32 unary op: [op, x, out, from, to]. */
  unary,
  /** Elements from..to of a same-shape float32 binary op: [op, a, b, out, from, to]. */
  binary,
  /** Elements from..to of an Adam/AdamW update: an AdamField struct. */
  adam,
  /** Rows from..to of a fused softmax cross-entropy (forward or backward): a CeField struct. */
  crossEntropy,
  /** Images n0..n1 of a convolution or one of its gradients: a ConvField struct. */
  conv,
  /** Rows of a sortRows: [isInt, x, rows, n, descending, values, indices, scratch] (pointers at the first row). */
  sort,
  /** Outer rows of a cumsum: [isInt, x, out, outer, len, inner, reverse] (pointers at the first row). */
  cumsum,
  /** Outer rows of a resizeAxis or its adjoint: resizeAxisF32's arguments (pointers at the first row). */
  resize,
  /**
   * Planes of a pooling or its gradient: [PoolMode, x, out, indices, planes, geometry, includePad,
   * HW, L] (pointers at the first plane; HW and L for the max pooling's gradient).
   */
  pool,
  /**
   * Outer rows of a broadcast kernel: [Broadcast, op, x, y, z, out, params] (pointers and the
   * parameter block's first dim for the rows; z only for where32, x then the condition).
   */
  broadcast,
  /** Elements of a cast: [Cast, x, out, n] (pointers at the first element). */
  cast,
  /** Outer rows of a reduction: [Reduce code, or −1 for rowSumF32, x, out, outer, len, inner] (pointers at the first row). */
  reduce,
  /**
   * Elements of an SGD update: [p, g, buf, n, lr, momentum, dampening, nesterov, weightDecay,
   * first] (pointers at the first element, floats by their bit patterns).
   */
  sgd,
}

/** What a pool job computes for its planes. */
export enum PoolMode {
  /** Max pooling and the argmax positions. */
  max,
  /** The max pooling's gradient (dx zeroed in the job). */
  maxBackward,
  /** Average pooling. */
  avg,
  /** The average pooling's gradient (dx zeroed in the job). */
  avgBackward,
}

/** The broadcast kernel a broadcast job runs. */
export enum Broadcast {
  binaryF32,
  compareF32,
  compareI32,
  binaryI32,
  where32,
}

/** What a conv job computes for each of its images. */
export enum ConvMode {
  /** y[n] = W·im2col(x[n]) (bias added afterwards). */
  forward,
  /** dx[n] = col2im(Wᵀ·dy[n]) (dx zeroed beforehand). */
  backwardInput,
  /** grad += Σₙ dy[n]·im2col(x[n])ᵀ, images n0..n1 in order (grad: dw, or a partial sum of it). */
  backwardFilter,
}

/**
 * A conv job over images n0..n1: x [N, C, H, W], w [O, Cg, kH, kW], y (or dy) [N, O, Ho, Wo],
 * the gradient it writes (dx, or this part's dw; 0 for forward), the geometry block (conv.ts's
 * layout: [H, W, Ho, Wo, kH, kW, sH, sW, pH, pW, dH, dW, Cg, ld]), `nb` the images per product
 * (forward and input gradient; the filter gradient takes one image per product), and the part's
 * own scratch: `args` (a GemmField struct's room and a copy of the geometry: 128 bytes), `cols`
 * ([Cg·kH·kW, nb·Ho·Wo] floats) and, when nb > 1, `batch` ([O/groups, nb·Ho·Wo] floats).
 */
export enum ConvField {
  mode,
  x,
  w,
  y,
  grad,
  n0,
  n1,
  C,
  O,
  groups,
  geo,
  args,
  cols,
  nb,
  batch,
  count,
}

/**
 * The fused attention struct: q [B, L, E], k [B, S, E], v [B, S, Ev], mask (0 = none) [Bm, L, S]
 * with maskShared = 1 when Bm = 1, out [B, L, Ev], lse [B, L]; scale as float32 bits; causal 0/1;
 * the job covers query blocks t0..t1 (4 rows each, numbered b·⌈L/4⌉ + block).
 */
export enum AttnField {
  q,
  k,
  v,
  mask,
  maskShared,
  B,
  L,
  S,
  E,
  Ev,
  scale,
  causal,
  out,
  lse,
  t0,
  t1,
  count,
}

/**
 * The Adam update struct (floats as float32 bits): p, g, m, v, vmax (0 = no amsgrad), elements
 * from..to, then lr, beta1, beta2, eps, weightDecay, decoupled (0/1), bc1, sqrtBc2.
 */
export enum AdamField {
  p,
  g,
  m,
  v,
  vmax,
  from,
  to,
  lr,
  beta1,
  beta2,
  eps,
  weightDecay,
  decoupled,
  bc1,
  sqrtBc2,
  count,
}

/**
 * The fused cross-entropy struct: logits [N, C], target int32 [N], ignoreIndex, rows from..to;
 * forward writes loss and lse [N]; backward (backward = 1) reads lse and dloss [N] and writes
 * dlogits [N, C].
 */
export enum CeField {
  logits,
  target,
  C,
  ignoreIndex,
  from,
  to,
  backward,
  loss,
  lse,
  dloss,
  dlogits,
  count,
}
