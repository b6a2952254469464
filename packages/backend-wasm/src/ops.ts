/** Op codes shared with assembly/index.ts. */
import type { BinaryOp, UnaryOp } from '@nnet/tensor';

export const UNARY_CODE: Partial<Record<UnaryOp, number>> = {
  neg: 0,
  abs: 1,
  sign: 2,
  exp: 3,
  log: 4,
  log1p: 5,
  sqrt: 6,
  rsqrt: 7,
  reciprocal: 8,
  sin: 9,
  cos: 10,
  tanh: 11,
  sigmoid: 12,
  relu: 13,
  erf: 14,
  floor: 15,
  ceil: 16,
  round: 17,
};

export const BINARY_CODE: Partial<Record<BinaryOp, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  maximum: 5,
  minimum: 6,
};
