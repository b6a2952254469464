/**
 * The numbers the TypeScript side and the AssemblyScript kernels agree on, written once: op codes
 * and the layout of the GEMM argument struct. This file is valid TypeScript and valid
 * AssemblyScript (enums only): `assembly/*.ts` imports it as `../src/codes`, `src/*.ts` as
 * `./codes.js`, so the two sides cannot drift apart. Member names are the contract's op names
 * (test/codes.test.ts checks them against `@nnet/tensor`'s lists).
 */

/** Unary float32 ops with an AssemblyScript kernel (`unaryF32`); logicalNot runs in TypeScript. */
export enum Unary {
  neg,
  abs,
  sign,
  exp,
  log,
  log1p,
  sqrt,
  rsqrt,
  reciprocal,
  sin,
  cos,
  tanh,
  sigmoid,
  relu,
  erf,
  floor,
  ceil,
  round,
}

/**
 * Binary ops with an AssemblyScript kernel: all seven on float32 (`binaryF32`; add..div have a
 * SIMD path), add, sub, mul, maximum and minimum on int32 (`binaryI32`, wrapping).
 */
export enum Binary {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
}

/** Comparisons (`compareF32`, `compareI32`). */
export enum Compare {
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
}

/** Reductions (`reduceF32`). */
export enum Reduce {
  sum,
  max,
  min,
  prod,
}

/** Arg-reductions (`argReduceF32`, `argReduceI32`). */
export enum ArgReduce {
  argmax,
  argmin,
}

/** Fused activations of the linear epilogue (`biasActivation`). */
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
 * = op(A)·op(B), or += when accumulate is 1; element (i, k) of op(A) is at byte a + 4·(i·aRow +
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
