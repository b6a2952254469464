/**
 * The boundary with the AssemblyScript module: the functions it exports (every pointer a byte
 * offset into linear memory) and the marshalling of the GEMM argument struct. Op codes and the
 * struct's layout are in codes.ts, shared with the AssemblyScript sources.
 */
import { GemmField } from './codes.js';

/**
 * The functions the AssemblyScript module exports (every pointer a byte offset into `memory`,
 * every flag 0 or 1, op and kind codes from codes.ts). Tensors are dense row-major arrays of
 * 4-byte elements (bool: 1 byte); shapes below name their element counts. For a backend's
 * internals and its tests: an application uses the Backend interface.
 *
 * Example (instantiating the plain build by hand, as createWasmBackend does):
 *   const bytes = await readFile(fileURLToPath(import.meta.resolve('@nnet/backend-wasm/nnet.wasm')));
 *   const { instance } = await WebAssembly.instantiate(bytes, { env: { abort: wasmAbort } });
 *   const k = instance.exports as unknown as KernelExports;
 *   const x = k.heapBase();                          // 4 floats at the heap's start
 *   new Float32Array(k.memory.buffer, x, 4).set([1, 2, 3, 4]);
 *   k.unaryF32(Unary.exp, x, x, 4);                  // x = exp(x) in place
 */
export interface KernelExports {
  /** The module's linear memory (shared between threads in the shared builds); every pointer below indexes it. */
  memory: WebAssembly.Memory;
  /** Where the TypeScript allocator may start: the byte after the static data, 64-byte aligned. */
  heapBase(): number;
  /** Bytes of scratch one GEMM (or any job) needs: packed A and B blocks and one tile; each thread has its own. */
  gemmScratchBytes(): number;
  /** C = op(A)·op(B) (or +=) with the operands of the GemmField struct at `args`; `scratch` holds gemmScratchBytes(). */
  gemm(args: number, scratch: number): void;
  /** Runs the job at `job` (a Job kind, then its argument words); `scratch` holds gemmScratchBytes(). */
  runJob(job: number, scratch: number): void;
  /** Bytes of scratch one attention job needs (at most gemmScratchBytes()). */
  attentionScratchBytes(): number;
  /** Bytes of scratch sortRows32 needs for rows of n elements (8·n). */
  sortScratchBytes(n: number): number;
  /** Stable merge sort of each row of x [R, n] (isInt 1: int32, 0: float32; NaN last ascending, first descending) into values [R, n] and int32 indices [R, n]; `scratch` holds sortScratchBytes(n). */
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
  /** out = inclusive running sum of x viewed as [outer, len, inner] along len (reverse 1: from the end); isInt 1: int32 (wrapping), 0: float32 summed in order. */
  cumsum32(
    isInt: number,
    x: number,
    out: number,
    outer: number,
    len: number,
    inner: number,
    reverse: number,
  ): void;
  /** Resize along the middle dim of [outer, inSize, inner] to [outer, outSize, inner] with the per-output tables i0s, i1s (int32 [outSize]) and lams (float32 [outSize]): out[o] = (1 − λ)·x[i0] + λ·x[i1] (linear 1) or x[i0] (linear 0); backward 1 applies the adjoint (x is dy [outer, outSize, inner], out is dx [outer, inSize, inner], zeroed first). */
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
  /** out[i] = op(x[i]) for n contiguous floats (op: a Unary code; out may be x). */
  unaryF32(op: number, x: number, out: number, n: number): void;
  /** SGD step in place over n floats of parameter p with gradient g and momentum buffer buf (0 when momentum is 0); `first` 1 on the buffer's first step (formula in @nnet/tensor's contract). */
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
  /** Adam/AdamW step in place over n floats of p with gradient g and moments m, v (vmax: the amsgrad maximum, 0 without); decoupled 1 for AdamW's weight decay; bc1 = 1 − β₁ᵗ, sqrtBc2 = √(1 − β₂ᵗ). */
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
  /** out (bool bytes) = a op b on float32 (op: a Compare code), broadcast over the block [rank, shape, aStrides, bStrides] at `params`. */
  compareF32(op: number, a: number, b: number, out: number, params: number): void;
  /** out = cond ? a : b (cond bool bytes; a, b, out float32 or int32), broadcast over the block [rank, shape, condStrides, aStrides, bStrides]. */
  where32(cond: number, a: number, b: number, out: number, params: number): void;
  /** Casts n contiguous elements of x into out (kind: a Cast code, source_target). */
  cast(kind: number, x: number, out: number, n: number): void;
  /** out = a op b on float32 (op: a Binary code), broadcast over the block [rank, shape, aStrides, bStrides] (element strides, 0 where broadcast). */
  binaryF32(op: number, a: number, b: number, out: number, params: number): void;
  /** Materialises a strided view of 4-byte elements: out (dense) = src viewed through the block [rank, shape, strides, offset]. */
  copyStrided32(src: number, out: number, params: number): void;
  /** out [outer, inner] = the reduction (op: a Reduce code) of x viewed as [outer, len, inner] along len. */
  reduceF32(op: number, x: number, out: number, outer: number, len: number, inner: number): void;
  /** out[r] = Σ x[r·len … r·len + len) for `rows` contiguous rows. */
  rowSumF32(x: number, out: number, rows: number, len: number): void;
  /** softmax (log 0) or logSoftmax (log 1) of x viewed as [outer, len, inner] along len, the sum in float64. */
  softmaxF32(x: number, out: number, outer: number, len: number, inner: number, log: number): void;
  /** cols [Cg·kH·kW, Ho·Wo] (row stride: the block's ld, 0 = Ho·Wo) from one image's Cg planes H×W at x; `geometry`: [H, W, Ho, Wo, kH, kW, sH, sW, pH, pW, dH, dW, Cg, ld]. */
  im2col(x: number, cols: number, geometry: number): void;
  /** Copies `rows` rows of n floats from src (rows srcStride floats apart) to dst (rows dstStride apart): an image's [C, L] planes to or from a batch's [C, images·L] matrix. */
  copyRows(src: number, srcStride: number, dst: number, dstStride: number, rows: number, n: number): void;
  /** out = a op b on int32 (add, sub, mul, maximum, minimum; wrapping), broadcast as in binaryF32. */
  binaryI32(op: number, a: number, b: number, out: number, params: number): void;
  /** out (bool bytes) = a op b on int32 (op: a Compare code), broadcast as in binaryF32. */
  compareI32(op: number, a: number, b: number, out: number, params: number): void;
  /** PyTorch's gather on 32-bit data: out[q] = x[target(q)] with the index's value as the coordinate along the axis, 0 for an index outside [0, axisLen); block [rank, axis, axisLen, shape, xStrides]. */
  gather32(x: number, index: number, out: number, params: number): void;
  /** PyTorch's scatter_add_ in place: out[target(q)] += src[q] (isInt 1: int32, 0: float32), a contribution with an index outside [0, axisLen) dropped; block as gather32's. */
  scatterAdd32(isInt: number, out: number, index: number, src: number, params: number): void;
  /** out (int32 [outer, inner]) = the first index of the max (op 0) or min (op 1: an ArgReduce code) of float32 x viewed as [outer, len, inner] along len; a NaN wins. */
  argReduceF32(op: number, x: number, out: number, outer: number, len: number, inner: number): void;
  /** argReduceF32 on int32 x. */
  argReduceI32(op: number, x: number, out: number, outer: number, len: number, inner: number): void;
  /** Adds cols [Cg·kH·kW, Ho·Wo] back into one image's Cg planes at x (the adjoint of im2col); same geometry block. */
  col2im(cols: number, x: number, geometry: number): void;
  /** Adds bias[o] to every element of plane o of out [N, O, L]. */
  addChannelBias(out: number, bias: number, N: number, O: number, L: number): void;
  /** out[i] += src[i] for n floats. */
  addInto(out: number, src: number, n: number): void;
  /** Max pooling of `planes` planes H×W into out [planes, Ho, Wo], with the int32 argmax positions in `indices`; geometry block as im2col's (dH = dW = 1). */
  maxPool(x: number, out: number, indices: number, planes: number, geometry: number): void;
  /** dx [planes, HW] (zeroed here) gets each dy [planes, L] element at its recorded max position in `indices`. */
  maxPoolBackward(dy: number, indices: number, dx: number, planes: number, HW: number, L: number): void;
  /** Average pooling of `planes` planes (backward 0: x → out) or its gradient (backward 1: x is dy, out is dx); includePad 1 counts the padding in each window's divisor; geometry block as im2col's. */
  avgPool(
    x: number,
    out: number,
    planes: number,
    geometry: number,
    includePad: number,
    backward: number,
  ): void;
}

/** The names of KernelExports' functions (every member but `memory`). */
export type KernelFunctionName = {
  [K in keyof KernelExports]: KernelExports[K] extends (...args: never[]) => unknown ? K : never;
}[keyof KernelExports];

/**
 * Each function of KernelExports with its parameter count. The type is derived from the
 * interface, so a missing or extra name, or a count that differs from the declared signature,
 * fails to compile; test/ffi.test.ts checks the built modules against this table (the interface
 * itself is applied to `instance.exports` unchecked).
 */
export const kernelArity: { readonly [K in KernelFunctionName]: Parameters<KernelExports[K]>['length'] } = {
  heapBase: 0,
  gemmScratchBytes: 0,
  gemm: 2,
  runJob: 2,
  attentionScratchBytes: 0,
  sortScratchBytes: 1,
  sortRows32: 8,
  cumsum32: 7,
  resizeAxisF32: 11,
  dotRows: 1,
  unaryF32: 4,
  sgdUpdate: 10,
  adamUpdate: 14,
  compareF32: 5,
  where32: 5,
  cast: 4,
  binaryF32: 5,
  copyStrided32: 3,
  reduceF32: 6,
  rowSumF32: 4,
  softmaxF32: 6,
  im2col: 3,
  copyRows: 6,
  binaryI32: 5,
  compareI32: 5,
  gather32: 4,
  scatterAdd32: 5,
  argReduceF32: 6,
  argReduceI32: 6,
  col2im: 3,
  addChannelBias: 5,
  addInto: 3,
  maxPool: 5,
  maxPoolBackward: 6,
  avgPool: 6,
};

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
