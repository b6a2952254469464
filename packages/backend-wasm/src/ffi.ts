/**
 * The boundary with the AssemblyScript module: the functions it exports (every pointer a byte
 * offset into linear memory) and the marshalling of the GEMM argument struct. Op codes and the
 * struct's layout are in codes.ts, shared with the AssemblyScript sources.
 */
import { GemmField } from './codes.js';

/** The functions the AssemblyScript module exports (pointers are byte offsets). */
export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  gemmScratchBytes(): number;
  /** C = op(A)·op(B) (or +=) with the operands of the GemmField struct at `args`; `scratch` holds gemmScratchBytes(). */
  gemm(args: number, scratch: number): void;
  /** Runs the job at `job` (a Job kind, then its argument words); `scratch` holds gemmScratchBytes(). */
  runJob(job: number, scratch: number): void;
  attentionScratchBytes(): number;
  sortScratchBytes(n: number): number;
  sortRows32(
    isInt: number,
    x: number,
    R: number,
    n: number,
    descending: number,
    values: number,
    indices: number,
    scratch: number,
  ): void;
  cumsum32(
    isInt: number,
    x: number,
    out: number,
    outer: number,
    len: number,
    inner: number,
    reverse: number,
  ): void;
  resizeAxisF32(
    x: number,
    out: number,
    outer: number,
    inSize: number,
    outSize: number,
    inner: number,
    i0s: number,
    i1s: number,
    lams: number,
    linear: number,
    backward: number,
  ): void;
  /** The same product for a few rows of A times a row-major Bᵀ (aCol = 1, bRow = 1), without packing. */
  dotRows(args: number): void;
  unaryF32(op: number, x: number, out: number, n: number): void;
  sgdUpdate(
    p: number,
    g: number,
    buf: number,
    n: number,
    lr: number,
    momentum: number,
    dampening: number,
    nesterov: number,
    weightDecay: number,
    first: number,
  ): void;
  adamUpdate(
    p: number,
    g: number,
    m: number,
    v: number,
    vmax: number,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    decoupled: number,
    bc1: number,
    sqrtBc2: number,
  ): void;
  compareF32(op: number, a: number, b: number, out: number, params: number): void;
  where32(cond: number, a: number, b: number, out: number, params: number): void;
  cast(kind: number, x: number, out: number, n: number): void;
  binaryF32(op: number, a: number, b: number, out: number, params: number): void;
  copyStrided32(src: number, out: number, params: number): void;
  reduceF32(op: number, x: number, out: number, outer: number, len: number, inner: number): void;
  rowSumF32(x: number, out: number, rows: number, len: number): void;
  softmaxF32(x: number, out: number, outer: number, len: number, inner: number, log: number): void;
  im2col(x: number, cols: number, geometry: number): void;
  copyRows(src: number, srcStride: number, dst: number, dstStride: number, rows: number, n: number): void;
  binaryI32(op: number, a: number, b: number, out: number, params: number): void;
  compareI32(op: number, a: number, b: number, out: number, params: number): void;
  gather32(x: number, index: number, out: number, params: number): void;
  scatterAdd32(isInt: number, out: number, index: number, src: number, params: number): void;
  argReduceF32(op: number, x: number, out: number, outer: number, len: number, inner: number): void;
  argReduceI32(op: number, x: number, out: number, outer: number, len: number, inner: number): void;
  col2im(cols: number, x: number, geometry: number): void;
  addChannelBias(out: number, bias: number, N: number, O: number, L: number): void;
  /** out[i] += src[i] for n floats. */
  addInto(out: number, src: number, n: number): void;
  maxPool(x: number, out: number, indices: number, planes: number, geometry: number): void;
  maxPoolBackward(dy: number, indices: number, dx: number, planes: number, HW: number, L: number): void;
  avgPool(
    x: number,
    out: number,
    planes: number,
    geometry: number,
    includePad: number,
    backward: number,
  ): void;
}

/**
 * One GEMM's operands: C [M×N] (rows ldc floats apart, at byte c) = op(A)·op(B), or += with
 * accumulate; element (i, k) of op(A) is at byte a + 4·(i·aRow + k·aCol), element (k, j) of op(B)
 * at b + 4·(k·bRow + j·bCol).
 */
export interface GemmArgs {
  M: number;
  N: number;
  K: number;
  a: number;
  aRow: number;
  aCol: number;
  b: number;
  bRow: number;
  bCol: number;
  c: number;
  ldc: number;
  accumulate: boolean;
  /** The epilogue: a bias [N] added to each row of C (0 = none) and an Activation code (0 = none). */
  bias?: number;
  act?: number;
}

/** `args` as the words of a GemmField struct. */
export function gemmWords(args: GemmArgs): number[] {
  const w = new Array<number>(GemmField.count);
  w[GemmField.M] = args.M;
  w[GemmField.N] = args.N;
  w[GemmField.K] = args.K;
  w[GemmField.a] = args.a;
  w[GemmField.aRow] = args.aRow;
  w[GemmField.aCol] = args.aCol;
  w[GemmField.b] = args.b;
  w[GemmField.bRow] = args.bRow;
  w[GemmField.bCol] = args.bCol;
  w[GemmField.c] = args.c;
  w[GemmField.ldc] = args.ldc;
  w[GemmField.accumulate] = args.accumulate ? 1 : 0;
  w[GemmField.bias] = args.bias ?? 0;
  w[GemmField.act] = args.act ?? 0;
  return w;
}

const bitsF32 = new Float32Array(1);
const bitsI32 = new Int32Array(bitsF32.buffer);

/** The bit pattern of `x` rounded to float32, as an int32 word (floats travel in job structs so). */
export function f32bits(x: number): number {
  bitsF32[0] = x;
  return bitsI32[0];
}

/** Throws when a kernel traps through AssemblyScript's abort (it should not: built with --noAssert). */
export function wasmAbort(): never {
  throw new Error('nnet wasm kernel aborted');
}
