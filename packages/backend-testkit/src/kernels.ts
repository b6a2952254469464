/**
 * Kernel-level conformance: each fixture case runs straight through the backend contract
 * (alloc, write, kernel, read, free) and is compared with PyTorch's values. Beyond the values, a
 * case checks what the contract promises about memory and buffers:
 * - the output is prefilled with a sentinel, so an element the kernel forgets to write fails;
 * - every input reads back bit-identical afterwards (only scatterAdd and the in-place optimizer
 *   kernels may write their inputs, and only the ones they update);
 * - `backend.memory()` is the same right before and right after the kernel call (a kernel
 *   allocates nothing that outlives the call), and the case frees everything it allocated.
 */
import type {
  AdamUpdateParams,
  ArgReduceOp,
  AttentionParams,
  Backend,
  BinaryOp,
  CompareOp,
  Conv2dParams,
  CrossEntropyParams,
  DType,
  FusedActivation,
  Pool2dParams,
  ReduceOp,
  ResizeAxisParams,
  SGDUpdateParams,
  TensorInfo,
  TypedArray,
  UnaryOp,
} from '@nnet/tensor';
import { DEFAULT_TOLERANCE, identical, memoryDelta, mismatchTyped, type Tolerance } from './compare.js';
import { decode, decodeNumber, describeTensors, type EncodedTensor, type KernelCase } from './fixtures.js';
import { kernelMethod } from './ids.js';

/**
 * What an output buffer holds before the kernel runs: no kernel result equals it by accident.
 *
 * @example
 * ```ts
 * import { SENTINEL } from '@nnet/backend-testkit';
 *
 * new Float32Array(4).fill(SENTINEL.float32); // an output buffer before the kernel writes it
 * ```
 */
export const SENTINEL: Readonly<Record<DType, number>> = { float32: -98765.4375, int32: -98765, bool: 1 };

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function filled(dtype: DType, size: number): TypedArray {
  const v = SENTINEL[dtype];
  if (dtype === 'int32') return new Int32Array(size).fill(v);
  if (dtype === 'bool') return new Uint8Array(size).fill(v);
  return new Float32Array(size).fill(v);
}

interface Uploaded {
  info: TensorInfo;
  data: TypedArray;
}

/** The inputs a kernel is allowed to write: scatterAdd's out, the optimizer kernels' state. */
function mutatedInputs(c: KernelCase): Set<number> {
  if (c.kernel === 'scatterAdd') return new Set([0]);
  const m = new Set<number>();
  c.expected?.forEach((e, i) => {
    if (e) m.add(i);
  });
  return m;
}

/**
 * Runs one kernel case on `backend`; resolves to null on success or to a message listing what went
 * wrong (wrong values, an unwritten output, a modified input, a storage allocated by the kernel, an
 * exception), followed by the case's inputs (dtype, shape, first values) and params. Frees everything it
 * allocated, whatever happens.
 *
 * @example
 * ```ts
 * import { CpuBackend } from '@nnet/backend-cpu';
 * import { kernelCases, runKernelCase } from '@nnet/backend-testkit';
 *
 * const msg = await runKernelCase(new CpuBackend(), kernelCases()[0]); // null when it passes
 * ```
 */
export async function runKernelCase(
  backend: Backend,
  c: KernelCase,
  tol: Tolerance = DEFAULT_TOLERANCE,
): Promise<string | null> {
  const err = await runKernelCaseBare(backend, c, tol);
  if (err === null) return null;
  const params = c.params ? `; params ${JSON.stringify(c.params)}` : '';
  return `${err}\n  inputs: ${describeTensors(c.inputs)}${params}`;
}

async function runKernelCaseBare(backend: Backend, c: KernelCase, tol: Tolerance): Promise<string | null> {
  const handles: unknown[] = [];
  const errors: string[] = [];
  const alloc = (dtype: DType, shape: readonly number[]): TensorInfo => {
    const handle = backend.alloc(dtype, sizeOf(shape));
    handles.push(handle);
    return { handle, dtype, shape };
  };
  const upload = (t: EncodedTensor): Uploaded => {
    const info = alloc(t.dtype, t.shape);
    const data = decode(t);
    if (data.length > 0) backend.write(info.handle, data);
    return { info, data };
  };
  const output = (t: EncodedTensor): TensorInfo => {
    const info = alloc(t.dtype, t.shape);
    const size = sizeOf(t.shape);
    if (size > 0) backend.write(info.handle, filled(t.dtype, size));
    return info;
  };
  const compare = async (what: string, info: TensorInfo, want: EncodedTensor) => {
    const got = await backend.read(info.handle, want.dtype, sizeOf(want.shape));
    const bad = mismatchTyped(got, decode(want), tol);
    if (bad) errors.push(`${what}: ${bad}`);
  };
  try {
    const ins = c.inputs.map((t) => (t ? upload(t) : null));
    const infos = ins.map((u) => u?.info ?? null);
    const inPlace = c.kernel === 'scatterAdd' || c.expected !== undefined;
    const out = inPlace ? (infos[0] as TensorInfo) : output(c.out);
    const out2 = c.out2 ? output(c.out2) : null;

    const before = backend.memory();
    try {
      invoke(backend, c, infos, out, out2);
    } catch (e) {
      return `${c.kernel} threw: ${e instanceof Error ? e.message : String(e)}`;
    }
    const leak = memoryDelta(before, backend.memory());
    if (leak)
      errors.push(`the kernel call itself: ${leak} (a kernel allocates nothing that outlives the call)`);

    if (c.expected) {
      for (let i = 0; i < c.expected.length; i++) {
        const want = c.expected[i];
        const info = infos[i];
        if (want && info) await compare(`input ${i} after the in-place update`, info, want);
      }
    } else {
      await compare('output', out, c.out);
    }
    if (c.out2 && out2) await compare('second output', out2, c.out2);

    const mutated = mutatedInputs(c);
    for (let i = 0; i < ins.length; i++) {
      const u = ins[i];
      if (!u || mutated.has(i) || u.data.length === 0) continue;
      const after = await backend.read(u.info.handle, u.info.dtype, u.data.length);
      const bad = identical(after, u.data);
      if (bad) errors.push(`input ${i} was modified (kernels must not write their inputs): ${bad}`);
    }
    return errors.length ? errors.join('; ') : null;
  } catch (e) {
    return `storage call failed: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    for (const h of handles) backend.free(h);
  }
}

function arg(infos: (TensorInfo | null)[], i: number, c: KernelCase): TensorInfo {
  const t = infos[i];
  if (!t) throw new Error(`fixture case '${c.name}' lacks input ${i}`);
  return t;
}

function num(p: Record<string, unknown>, key: string): number {
  return decodeNumber(p[key]);
}

/** Calls the kernel a case names with the case's buffers and params. */
function invoke(
  backend: Backend,
  c: KernelCase,
  infos: (TensorInfo | null)[],
  out: TensorInfo,
  out2: TensorInfo | null,
): void {
  const p = c.params ?? {};
  const x = (i: number) => arg(infos, i, c);
  const opt = (i: number) => infos[i] ?? null;
  const op = c.kernel.split('.')[1];
  const method = kernelMethod(c.kernel);
  const missing = () => new Error(`backend '${backend.name}' has no ${method} kernel`);
  switch (method) {
    case 'unary':
      backend.unary(op as UnaryOp, x(0), out);
      break;
    case 'binary':
      backend.binary(op as BinaryOp, x(0), x(1), out);
      break;
    case 'compare':
      backend.compare(op as CompareOp, x(0), x(1), out);
      break;
    case 'where':
      backend.where(x(0), x(1), x(2), out);
      break;
    case 'cast':
      backend.cast(x(0), out);
      break;
    case 'fill':
      backend.fill(out, num(p, 'value'));
      break;
    case 'copyStrided':
      backend.copyStrided(
        {
          ...x(0),
          shape: p.shape as number[],
          strides: p.strides as number[],
          offset: num(p, 'offset'),
        },
        out,
      );
      break;
    case 'reduce':
      backend.reduce(op as ReduceOp, x(0), p.axes as number[], out);
      break;
    case 'argReduce':
      backend.argReduce(op as ArgReduceOp, x(0), num(p, 'axis'), out);
      break;
    case 'matmul':
      backend.matmul(x(0), x(1), out, { transA: p.transA === true, transB: p.transB === true });
      break;
    case 'gather':
      backend.gather(x(0), num(p, 'axis'), x(1), out);
      break;
    case 'scatterAdd':
      backend.scatterAdd(x(0), num(p, 'axis'), x(1), x(2));
      break;
    case 'conv2d':
      if (!backend.conv2d) throw missing();
      backend.conv2d(x(0), x(1), opt(2), p as unknown as Conv2dParams, out);
      break;
    case 'conv2dBackwardInput':
      if (!backend.conv2dBackwardInput) throw missing();
      backend.conv2dBackwardInput(x(0), x(1), p as unknown as Conv2dParams, out);
      break;
    case 'conv2dBackwardFilter':
      if (!backend.conv2dBackwardFilter) throw missing();
      backend.conv2dBackwardFilter(x(0), x(1), p as unknown as Conv2dParams, out);
      break;
    case 'maxPool2d':
      if (!backend.maxPool2d) throw missing();
      if (!out2) throw new Error(`fixture case '${c.name}' lacks the indices output`);
      backend.maxPool2d(x(0), p as unknown as Pool2dParams, out, out2);
      break;
    case 'maxPool2dBackward':
      if (!backend.maxPool2dBackward) throw missing();
      backend.maxPool2dBackward(x(0), x(1), out);
      break;
    case 'avgPool2d':
      if (!backend.avgPool2d) throw missing();
      backend.avgPool2d(x(0), p as unknown as Pool2dParams, out);
      break;
    case 'avgPool2dBackward':
      if (!backend.avgPool2dBackward) throw missing();
      backend.avgPool2dBackward(x(0), p as unknown as Pool2dParams, out);
      break;
    case 'softmax':
      if (!backend.softmax) throw missing();
      backend.softmax(x(0), num(p, 'axis'), out);
      break;
    case 'logSoftmax':
      if (!backend.logSoftmax) throw missing();
      backend.logSoftmax(x(0), num(p, 'axis'), out);
      break;
    case 'linear':
      if (!backend.linear) throw missing();
      backend.linear(x(0), x(1), opt(2), p.activation as FusedActivation, out);
      break;
    case 'sgdUpdate':
      if (!backend.sgdUpdate) throw missing();
      backend.sgdUpdate(x(0), x(1), opt(2), p as unknown as SGDUpdateParams);
      break;
    case 'adamUpdate':
      if (!backend.adamUpdate) throw missing();
      backend.adamUpdate(x(0), x(1), x(2), x(3), opt(4), p as unknown as AdamUpdateParams);
      break;
    case 'attention':
      if (!backend.attention) throw missing();
      if (!out2) throw new Error(`fixture case '${c.name}' lacks the logsumexp output`);
      backend.attention(x(0), x(1), x(2), opt(3), p as unknown as AttentionParams, out, out2);
      break;
    case 'sortRows':
      if (!backend.sortRows) throw missing();
      if (!out2) throw new Error(`fixture case '${c.name}' lacks the indices output`);
      backend.sortRows(x(0), p.descending === true, out, out2);
      break;
    case 'cumsum':
      if (!backend.cumsum) throw missing();
      backend.cumsum(x(0), num(p, 'axis'), p.reverse === true, out);
      break;
    case 'resizeAxis':
      if (!backend.resizeAxis) throw missing();
      backend.resizeAxis(x(0), p as unknown as ResizeAxisParams, out);
      break;
    case 'resizeAxisBackward':
      if (!backend.resizeAxisBackward) throw missing();
      backend.resizeAxisBackward(x(0), p as unknown as ResizeAxisParams, out);
      break;
    case 'crossEntropy':
      if (!backend.crossEntropy) throw missing();
      if (!out2) throw new Error(`fixture case '${c.name}' lacks the logsumexp output`);
      backend.crossEntropy(x(0), x(1), p as unknown as CrossEntropyParams, out, out2);
      break;
    case 'crossEntropyBackward':
      if (!backend.crossEntropyBackward) throw missing();
      backend.crossEntropyBackward(x(0), x(1), x(2), x(3), p as unknown as CrossEntropyParams, out);
      break;
    default:
      throw new Error(`unknown kernel id '${c.kernel}' in fixture case '${c.name}'`);
  }
}
