/**
 * The reference decompositions of the optional kernels, one file per kernel, each with the
 * kernel's own signature (Burn's default methods): what the front end runs when a backend lacks a
 * kernel, and what the testkit checks against the kernel fixtures like any backend's kernel.
 */
import type { Backend, OptionalKernelName, OptionalKernels } from '../backend.js';
import { hasKernel } from '../backend.js';
import { adamUpdateReference } from './adam_update.js';
import { attentionReference } from './attention.js';
import { avgPool2dReference } from './avg_pool2d.js';
import { avgPool2dBackwardReference } from './avg_pool2d_backward.js';
import { conv2dReference } from './conv2d.js';
import { conv2dBackwardFilterReference } from './conv2d_backward_filter.js';
import { conv2dBackwardInputReference } from './conv2d_backward_input.js';
import { crossEntropyReference } from './cross_entropy.js';
import { crossEntropyBackwardReference } from './cross_entropy_backward.js';
import { cumsumReference } from './cumsum.js';
import { linearReference } from './linear.js';
import { logSoftmaxReference } from './log_softmax.js';
import { maxPool2dReference } from './max_pool2d.js';
import { maxPool2dBackwardReference } from './max_pool2d_backward.js';
import { resizeAxisReference } from './resize_axis.js';
import { resizeAxisBackwardReference } from './resize_axis_backward.js';
import { sgdUpdateReference } from './sgd_update.js';
import { softmaxReference } from './softmax.js';
import { sortRowsReference } from './sort_rows.js';

/**
 * Every optional kernel's reference decomposition, callable exactly like a backend's kernel
 * (dense `TensorInfo`s of the current backend in, outputs written in full, in-place kernels
 * updating their state). Spread them over a backend to run it on the references:
 * `{ ...backend, ...referenceKernels }`; the testkit checks them against the kernel fixtures.
 *
 * ```ts
 * const backend = getBackend(); // after import '@nnet/backend-cpu'
 * const info = (data: number[], shape: number[]): TensorInfo => {
 *   const handle = backend.alloc('float32', data.length);
 *   backend.write(handle, new Float32Array(data));
 *   return { handle, dtype: 'float32', shape };
 * };
 * const x = info([1, 2, 3], [3]);
 * const out = info([0, 0, 0], [3]);
 * referenceKernels.cumsum(x, 0, false, out); // out = running sums of x along axis 0
 * await backend.read(out.handle, 'float32', 3)   // [1, 3, 6]
 * ```
 */
export const referenceKernels: Readonly<OptionalKernels> = {
  conv2d: conv2dReference,
  conv2dBackwardInput: conv2dBackwardInputReference,
  conv2dBackwardFilter: conv2dBackwardFilterReference,
  maxPool2d: maxPool2dReference,
  maxPool2dBackward: maxPool2dBackwardReference,
  avgPool2d: avgPool2dReference,
  avgPool2dBackward: avgPool2dBackwardReference,
  softmax: softmaxReference,
  logSoftmax: logSoftmaxReference,
  sgdUpdate: sgdUpdateReference,
  adamUpdate: adamUpdateReference,
  linear: linearReference,
  attention: attentionReference,
  sortRows: sortRowsReference,
  cumsum: cumsumReference,
  resizeAxis: resizeAxisReference,
  resizeAxisBackward: resizeAxisBackwardReference,
  crossEntropy: crossEntropyReference,
  crossEntropyBackward: crossEntropyBackwardReference,
};

/**
 * The one dispatch of an optional kernel: the backend's own kernel `name` (bound to it) when it
 * has one, else its reference decomposition; both have the kernel's signature, so a call site
 * neither branches nor needs a non-null `!`.
 *
 * ```ts
 * const backend = getBackend(); // after import '@nnet/backend-cpu'
 * const info = (data: number[], shape: number[]): TensorInfo => {
 *   const handle = backend.alloc('float32', data.length);
 *   backend.write(handle, new Float32Array(data));
 *   return { handle, dtype: 'float32', shape };
 * };
 * const x = info([1, 2, 3], [3]);
 * const out = info([0, 0, 0], [3]);
 * optionalKernel(backend, 'cumsum')(x, 0, true, out); // reversed: sums from the end
 * await backend.read(out.handle, 'float32', 3)   // [6, 5, 3]
 * ```
 */
export function optionalKernel<N extends OptionalKernelName>(backend: Backend, name: N): OptionalKernels[N] {
  if (hasKernel(backend, name)) return backend[name].bind(backend) as OptionalKernels[N];
  return referenceKernels[name];
}
