/**
 * The bridge between ops and a backend's kernels: checks that inputs live on the current backend,
 * materialises views into dense temporaries, allocates outputs and wraps them as tensors.
 * Nothing here records autograd; ops do that around these calls.
 */
import { checkAnomaly, isGradEnabled } from '../autograd.js';
import type { Backend, TensorInfo } from '../backend.js';
import { getDebug } from '../debug.js';
import type { DType } from '../dtype.js';
import { BackendError, DTypeError, describeValue, ValueError } from '../errors.js';
import { getBackend } from '../registry.js';
import { padShape, type Shape, sizeOf } from '../shape.js';
import { checkStorageSize, Storage } from '../storage.js';
import { Tensor } from '../tensor.js';

/**
 * Throws a DTypeError naming `op` and the argument `name` unless `x` is a Tensor, and a
 * DisposedError if it was disposed; returns it (marked as used).
 *
 * ```ts
 * const b = tensor([1, 2]);
 * checkTensor('matmul', b, 'other');
 * ```
 */
export function checkTensor(op: string, x: unknown, name = 'input'): Tensor {
  if (!(x instanceof Tensor)) {
    throw new DTypeError(
      `${op}: ${name} must be a Tensor, got ${describeValue(x)}. Make one with tensor(...) first.`,
    );
  }
  return x._check(op);
}

/** Throws unless `v` is a (by default finite) number: a scalar argument such as a fill value, alpha or eps. */
export function checkNumber(op: string, name: string, v: unknown, finite = true): number {
  if (typeof v !== 'number' || (finite && !Number.isFinite(v))) {
    throw new ValueError(
      `${op}: ${name} must be a ${finite ? 'finite ' : ''}number, got ${describeValue(v)}.`,
    );
  }
  return v;
}

/** The current backend, after checking that every input tensor lives on it. */
export function backendFor(op: string, inputs: readonly Tensor[]): Backend {
  const backend = getBackend();
  for (const t of inputs) {
    checkTensor(op, t);
    if (t._storage.backend !== backend) {
      throw new BackendError(
        `${op}: a tensor with shape [${t.shape.join(', ')}] lives on backend '${t.backend}' but the ` +
          `current backend is '${backend.name}'. Make tensors after setBackend(), or copy this one across: tensor(await t.data(), { shape: t.shape, dtype: t.dtype }) under the new backend.`,
      );
    }
  }
  return backend;
}

/**
 * A fresh, dense, untracked-by-autograd tensor of the given shape and dtype (contents unset).
 * `op` is the op named in a MemoryError when the size exceeds the backend's limit.
 */
export function empty(shape: Shape, dtype: DType, op = 'empty'): Tensor {
  // Storage.alloc checks the size (one check per allocation), naming `shape` in its error.
  return new Tensor(Storage.alloc(dtype, sizeOf(shape), op, shape), [...shape], dtype);
}

/** A dense copy of any view (no autograd); `op` names the op in errors. */
export function materialize(t: Tensor, op = 'contiguous'): Tensor {
  const backend = backendFor(op, [t]);
  const out = empty(t.shape, t.dtype, op);
  if (t.size > 0) backend.copyStrided(t._strided(), out._info());
  return out;
}

/**
 * Runs `fn` with dense kernel views of `inputs` (views are copied into temporaries, freed after).
 * Each info's shape is left-padded to `rank` when given (for broadcasting kernels).
 */
export function withDense<T>(
  op: string,
  inputs: readonly Tensor[],
  fn: (infos: TensorInfo[], backend: Backend) => T,
  rank?: number,
): T {
  const backend = backendFor(op, inputs);
  // Plain loops and no temporaries list unless a view needs copying: this runs for every kernel.
  let temps: Tensor[] | null = null;
  try {
    const infos = new Array<TensorInfo>(inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      let d = inputs[i];
      if (!d._isDense()) {
        d = materialize(d, op);
        if (temps === null) temps = [];
        temps.push(d);
      }
      infos[i] =
        rank === undefined || d.shape.length === rank
          ? d._info()
          : { handle: d._storage.handle, dtype: d.dtype, shape: padShape(d.shape, rank) };
    }
    return fn(infos, backend);
  } finally {
    if (temps) for (const t of temps) t.dispose();
  }
}

/** Allocates an output, runs a kernel into it, and returns it. Size-0 outputs skip the kernel. */
export function runKernel(
  op: string,
  inputs: readonly Tensor[],
  outShape: Shape,
  outDtype: DType,
  kernel: (infos: TensorInfo[], out: TensorInfo, backend: Backend) => void,
  broadcastRank?: number,
): Tensor {
  checkStorageSize(op, outShape, outDtype);
  const out = withDense(
    op,
    inputs,
    (infos, backend) => {
      const o = empty(outShape, outDtype, op);
      if (o.size > 0) {
        try {
          kernel(infos, o._info(), backend);
        } catch (err) {
          o.dispose();
          throw err;
        }
      }
      return o;
    },
    broadcastRank,
  );
  // Anomaly detection checks every kernel output of the program's own forward pass (not the
  // internals of ops computed under noGrad, nor gradient rules, which autograd checks itself).
  if (getDebug().detectAnomaly && isGradEnabled() && out.size > 0) {
    try {
      checkAnomaly(op, out, 'forward', inputs);
    } catch (err) {
      out.dispose();
      throw err;
    }
  }
  return out;
}

/**
 * `runKernel` for kernels with several outputs (`outs`: one [shape, dtype] each), returned in
 * order. The kernel is skipped when every output is empty.
 *
 *   const [values, indices] = runKernelOutputs('sort', [x], [[[R, n], 'float32'], [[R, n], 'int32']],
 *     ([xi], [v, i], b) => optionalKernel(b, 'sortRows')(xi, false, v, i));
 */
export function runKernelOutputs(
  op: string,
  inputs: readonly Tensor[],
  outs: readonly (readonly [Shape, DType])[],
  kernel: (infos: TensorInfo[], outs: TensorInfo[], backend: Backend) => void,
): Tensor[] {
  for (const [shape, dtype] of outs) checkStorageSize(op, shape, dtype);
  return withDense(op, inputs, (infos, backend) => {
    const made: Tensor[] = [];
    try {
      for (const [shape, dtype] of outs) made.push(empty(shape, dtype, op));
      if (made.some((t) => t.size > 0)) {
        kernel(
          infos,
          made.map((t) => t._info()),
          backend,
        );
      }
      return made;
    } catch (err) {
      for (const t of made) t.dispose();
      throw err;
    }
  });
}
