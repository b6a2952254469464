/**
 * What every reference decomposition shares: it receives the kernel's arguments (dense
 * `TensorInfo`s on the current backend), views them as tensors without taking ownership, computes
 * with front-end ops (no autograd, every temporary freed) and copies its result into the kernel's
 * output buffer, as a backend's kernel would.
 */
import { compute } from '../autograd.js';
import type { TensorInfo } from '../backend.js';
import { getBackend } from '../registry.js';
import { sizeOf } from '../shape.js';
import { Storage } from '../storage.js';
import { Tensor } from '../tensor.js';

/** A tensor over a kernel argument's buffer; disposing it never frees the buffer. */
export function borrow(info: TensorInfo): Tensor {
  return new Tensor(Storage.borrow(info.handle, info.dtype, sizeOf(info.shape)), [...info.shape], info.dtype);
}

/**
 * Copies `value` (out's size, in row-major order; cast to out's dtype when it differs) into the
 * kernel output `out`, writing every element.
 */
export function writeTo(out: TensorInfo, value: Tensor): void {
  const size = sizeOf(out.shape);
  if (value.size !== size) {
    throw new Error(
      `reference kernel: a result of ${value.size} elements for an output of shape [${out.shape.join(', ')}]`,
    );
  }
  if (size === 0) return;
  const src = value.dtype === out.dtype ? value : value.to(out.dtype);
  getBackend().copyStrided(src._strided(), out);
}

/** Runs a reference decomposition's body: no gradient recorded, every temporary freed. */
export function runReference(body: () => void): void {
  compute(body);
}
