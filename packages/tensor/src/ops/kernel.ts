/**
 * The bridge between ops and a backend's kernels: checks that inputs live on the current backend,
 * materialises views into dense temporaries, allocates outputs and wraps them as tensors.
 * Nothing here records autograd; ops do that around these calls.
 */
import type { Backend, TensorInfo } from '../backend.js';
import type { DType } from '../dtype.js';
import { BackendError } from '../errors.js';
import { getBackend } from '../registry.js';
import { padShape, type Shape, sizeOf } from '../shape.js';
import { Storage } from '../storage.js';
import { Tensor } from '../tensor.js';

/** The current backend, after checking that every input tensor lives on it. */
export function backendFor(op: string, inputs: readonly Tensor[]): Backend {
  const backend = getBackend();
  for (const t of inputs) {
    t._check(op);
    if (t._storage.backend !== backend) {
      throw new BackendError(
        `${op}: a tensor with shape [${t.shape.join(', ')}] lives on backend '${t.backend}' but the ` +
          `current backend is '${backend.name}'. Make tensors after setBackend(), or move it with toBackend().`,
      );
    }
  }
  return backend;
}

/** A fresh, dense, untracked-by-autograd tensor of the given shape and dtype (contents unset). */
export function empty(shape: Shape, dtype: DType): Tensor {
  return new Tensor(Storage.alloc(dtype, sizeOf(shape)), [...shape], dtype);
}

/** A dense copy of any view (no autograd). */
export function materialize(t: Tensor): Tensor {
  const backend = backendFor('contiguous', [t]);
  const out = empty(t.shape, t.dtype);
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
  const temps: Tensor[] = [];
  const infos = inputs.map((t) => {
    let d = t;
    if (!t._isDense()) {
      d = materialize(t);
      temps.push(d);
    }
    const info = d._info();
    return rank === undefined ? info : { ...info, shape: padShape(info.shape, rank) };
  });
  try {
    return fn(infos, backend);
  } finally {
    for (const t of temps) t.dispose();
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
  const out = withDense(
    op,
    inputs,
    (infos, backend) => {
      const o = empty(outShape, outDtype);
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
  return out;
}
