/**
 * Kernel-level conformance: each fixture case is run straight through the backend contract
 * (alloc, write, kernel, read, free) and compared with PyTorch's values.
 */
import {
  type AdamUpdateParams,
  type ArgReduceOp,
  type Backend,
  type BinaryOp,
  type CompareOp,
  type Conv2dParams,
  type FusedActivation,
  OPTIONAL_KERNELS,
  type OptionalKernelName,
  type Pool2dParams,
  type ReduceOp,
  type SGDUpdateParams,
  sizeOf,
  type TensorInfo,
  type UnaryOp,
} from '@nnet/tensor';
import { mismatchTyped, type Tolerance } from './compare.js';
import { decode, type EncodedTensor, type KernelCase } from './fixtures.js';

/** The contract method a kernel id exercises ('binary.add' → 'binary'). */
export function kernelMethod(id: string): string {
  return id.split('.')[0];
}

export function isOptional(id: string): boolean {
  return (OPTIONAL_KERNELS as readonly string[]).includes(kernelMethod(id));
}

/** Runs one case; returns null on success or a message. Frees everything it allocated. */
export async function runKernelCase(backend: Backend, c: KernelCase, tol: Tolerance): Promise<string | null> {
  const handles: unknown[] = [];
  const upload = (t: EncodedTensor): TensorInfo => {
    const h = backend.alloc(t.dtype, Math.max(sizeOf(t.shape), 0));
    handles.push(h);
    if (t.data.length > 0) backend.write(h, decode(t));
    return { handle: h, dtype: t.dtype, shape: t.shape };
  };
  const alloc = (t: EncodedTensor): TensorInfo => {
    const h = backend.alloc(t.dtype, sizeOf(t.shape));
    handles.push(h);
    return { handle: h, dtype: t.dtype, shape: t.shape };
  };
  try {
    const ins = c.inputs.map((t) => (t ? upload(t) : null));
    const [a, b, d] = ins;
    const p = c.params ?? {};
    const [method, op] = c.kernel.split('.');
    let out = alloc(c.out);
    let out2: TensorInfo | null = null;
    switch (method) {
      case 'unary':
        backend.unary(op as UnaryOp, a!, out);
        break;
      case 'binary':
        backend.binary(op as BinaryOp, a!, b!, out);
        break;
      case 'compare':
        backend.compare(op as CompareOp, a!, b!, out);
        break;
      case 'where':
        backend.where(a!, b!, d!, out);
        break;
      case 'cast':
        backend.cast(a!, out);
        break;
      case 'fill':
        backend.fill(out, p.value as number);
        break;
      case 'copyStrided':
        backend.copyStrided(
          { ...a!, shape: p.shape as number[], strides: p.strides as number[], offset: p.offset as number },
          out,
        );
        break;
      case 'reduce':
        backend.reduce(op as ReduceOp, a!, p.axes as number[], out);
        break;
      case 'argReduce':
        backend.argReduce(op as ArgReduceOp, a!, p.axis as number, out);
        break;
      case 'matmul':
        backend.matmul(a!, b!, out, { transA: p.transA as boolean, transB: p.transB as boolean });
        break;
      case 'gather':
        backend.gather(a!, p.axis as number, b!, out);
        break;
      case 'scatterAdd':
        // The output starts as the first input and accumulates.
        out = a!;
        backend.scatterAdd(out, p.axis as number, b!, d!);
        break;
      default:
        out2 = runOptional(backend, method as OptionalKernelName, ins, p, out, c, alloc);
    }
    if (c.expected) {
      // In place: compare every input the kernel was meant to update.
      for (let i = 0; i < c.expected.length; i++) {
        const want = c.expected[i];
        const info = ins[i];
        if (!want || !info) continue;
        const got = await backend.read(info.handle, want.dtype, sizeOf(want.shape));
        const bad = mismatchTyped(got, decode(want), tol);
        if (bad) return `input ${i} after the update: ${bad}`;
      }
      return null;
    }
    const got = await backend.read(out.handle, c.out.dtype, sizeOf(c.out.shape));
    const bad = mismatchTyped(got, decode(c.out), tol);
    if (bad) return bad;
    if (c.out2 && out2) {
      const got2 = await backend.read(out2.handle, c.out2.dtype, sizeOf(c.out2.shape));
      const bad2 = mismatchTyped(got2, decode(c.out2), tol);
      if (bad2) return `second output: ${bad2}`;
    }
    return null;
  } finally {
    for (const h of handles) backend.free(h);
  }
}

function runOptional(
  backend: Backend,
  method: OptionalKernelName,
  ins: (TensorInfo | null)[],
  p: Record<string, unknown>,
  out: TensorInfo,
  c: KernelCase,
  alloc: (t: EncodedTensor) => TensorInfo,
): TensorInfo | null {
  const fn = backend[method];
  if (typeof fn !== 'function') throw new Error(`backend has no ${method}`);
  const [a, b, d] = ins;
  switch (method) {
    case 'conv2d':
      backend.conv2d!(a!, b!, d ?? null, p as unknown as Conv2dParams, out);
      return null;
    case 'conv2dBackwardInput':
      backend.conv2dBackwardInput!(a!, b!, p as unknown as Conv2dParams, out);
      return null;
    case 'conv2dBackwardFilter':
      backend.conv2dBackwardFilter!(a!, b!, p as unknown as Conv2dParams, out);
      return null;
    case 'maxPool2d': {
      const idx = alloc(c.out2!);
      backend.maxPool2d!(a!, p as unknown as Pool2dParams, out, idx);
      return idx;
    }
    case 'maxPool2dBackward':
      backend.maxPool2dBackward!(a!, b!, out);
      return null;
    case 'avgPool2d':
      backend.avgPool2d!(a!, p as unknown as Pool2dParams, out);
      return null;
    case 'avgPool2dBackward':
      backend.avgPool2dBackward!(a!, p as unknown as Pool2dParams, out);
      return null;
    case 'softmax':
      backend.softmax!(a!, p.axis as number, out);
      return null;
    case 'logSoftmax':
      backend.logSoftmax!(a!, p.axis as number, out);
      return null;
    case 'linear':
      backend.linear!(a!, b!, d ?? null, p.activation as FusedActivation, out);
      return null;
    case 'sgdUpdate':
      backend.sgdUpdate!(a!, b!, d ?? null, p as unknown as SGDUpdateParams);
      return null;
    case 'adamUpdate':
      backend.adamUpdate!(a!, b!, d!, ins[3]!, ins[4] ?? null, p as unknown as AdamUpdateParams);
      return null;
  }
  return null;
}
