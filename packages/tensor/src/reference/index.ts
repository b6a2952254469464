/**
 * The reference decompositions of the optional kernels, one file per kernel, each with the
 * kernel's own signature (Burn's default methods): what the front end runs when a backend lacks a
 * kernel, and what the testkit checks against the kernel fixtures like any backend's kernel.
 */
import type { Backend, OptionalKernels } from '../backend.js';
import { hasKernel } from '../backend.js';
import { crossEntropyReference } from './cross_entropy.js';
import { crossEntropyBackwardReference } from './cross_entropy_backward.js';
import { cumsumReference } from './cumsum.js';
import { resizeAxisReference } from './resize_axis.js';
import { resizeAxisBackwardReference } from './resize_axis_backward.js';
import { sortRowsReference } from './sort_rows.js';

/** The optional kernels whose reference decomposition has the kernel's signature. */
export type ReferencedKernelName =
  | 'sortRows'
  | 'cumsum'
  | 'resizeAxis'
  | 'resizeAxisBackward'
  | 'crossEntropy'
  | 'crossEntropyBackward';

/** The kernels `referenceKernels` holds, with the contract's signatures. */
export type ReferenceKernels = Pick<OptionalKernels, ReferencedKernelName>;

/**
 * Every optional kernel's reference decomposition, callable exactly like the backend's kernel
 * (dense `TensorInfo`s of the current backend in, output buffers written in full). Spread them
 * over a backend to run it with the references: `{ ...backend, ...referenceKernels }`.
 *
 *   referenceKernels.cumsum(x, 0, false, out); // out = running sums of x along axis 0
 */
export const referenceKernels: ReferenceKernels = {
  sortRows: sortRowsReference,
  cumsum: cumsumReference,
  resizeAxis: resizeAxisReference,
  resizeAxisBackward: resizeAxisBackwardReference,
  crossEntropy: crossEntropyReference,
  crossEntropyBackward: crossEntropyBackwardReference,
};

/**
 * The one dispatch of an optional kernel: the backend's own kernel `name` (bound to it) when it
 * has one, else its reference decomposition, both with the kernel's signature.
 *
 *   optionalKernel(backend, 'cumsum')(x, 0, false, out);
 */
export function optionalKernel<N extends ReferencedKernelName>(
  backend: Backend,
  name: N,
): ReferenceKernels[N] {
  if (hasKernel(backend, name)) return backend[name].bind(backend) as ReferenceKernels[N];
  return referenceKernels[name];
}
