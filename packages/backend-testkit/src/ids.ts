/**
 * Stable kernel ids: the names skips, failures and the support matrix use. One id per elementwise
 * op (`unary.exp`, `binary.add`, `compare.lt`, `reduce.sum`, `argReduce.argmax`), one per other
 * required kernel (`where`, `cast`, `matmul`, ...) and one per optional kernel (`conv2d`, ...), plus
 * `storage` (alloc/write/read/free/memory) and `storage.readSync` (an optional capability).
 */
import { BINARY_OPS, COMPARE_OPS, OPTIONAL_KERNELS, REDUCE_OPS, UNARY_OPS } from '@nnet/tensor';

/**
 * Ids of the required kernels, in contract order.
 *
 * @example
 * ```ts
 * import { REQUIRED_KERNEL_IDS } from '@nnet/backend-testkit';
 *
 * REQUIRED_KERNEL_IDS.includes('matmul'); // true: every backend implements matmul
 * ```
 */
export const REQUIRED_KERNEL_IDS: readonly string[] = [
  ...UNARY_OPS.map((op) => `unary.${op}`),
  ...BINARY_OPS.map((op) => `binary.${op}`),
  ...COMPARE_OPS.map((op) => `compare.${op}`),
  'where',
  'cast',
  'fill',
  'copyStrided',
  ...REDUCE_OPS.map((op) => `reduce.${op}`),
  'argReduce.argmax',
  'argReduce.argmin',
  'matmul',
  'gather',
  'scatterAdd',
];

/**
 * Ids of the optional kernels (the contract method names).
 *
 * @example
 * ```ts
 * import { OPTIONAL_KERNEL_IDS } from '@nnet/backend-testkit';
 *
 * OPTIONAL_KERNEL_IDS.includes('conv2d'); // true: a backend may lack conv2d
 * ```
 */
export const OPTIONAL_KERNEL_IDS: readonly string[] = [...OPTIONAL_KERNELS];

/**
 * Every kernel id the fixtures cover: required, then optional.
 *
 * @example
 * ```ts
 * import { KERNEL_IDS } from '@nnet/backend-testkit';
 *
 * KERNEL_IDS.includes('binary.add') && KERNEL_IDS.includes('conv2d'); // true
 * ```
 */
export const KERNEL_IDS: readonly string[] = [...REQUIRED_KERNEL_IDS, ...OPTIONAL_KERNEL_IDS];

/**
 * The storage checks: required `storage` and the optional `storage.readSync` capability.
 *
 * @example
 * ```ts
 * import { STORAGE_IDS } from '@nnet/backend-testkit';
 *
 * STORAGE_IDS; // ['storage', 'storage.readSync']
 * ```
 */
export const STORAGE_IDS: readonly string[] = ['storage', 'storage.readSync'];

/**
 * The contract method a kernel id exercises: 'binary.add' → 'binary', 'conv2d' → 'conv2d'.
 *
 * @example
 * ```ts
 * import { kernelMethod } from '@nnet/backend-testkit';
 *
 * kernelMethod('binary.add'); // 'binary'
 * kernelMethod('conv2d');     // 'conv2d'
 * ```
 */
export function kernelMethod(id: string): string {
  return id.split('.')[0];
}

/**
 * True for the ids of optional kernels (a backend may lack them; the front end decomposes them).
 *
 * @example
 * ```ts
 * import { isOptionalKernel } from '@nnet/backend-testkit';
 *
 * isOptionalKernel('conv2d');     // true
 * isOptionalKernel('binary.add'); // false
 * ```
 */
export function isOptionalKernel(id: string): boolean {
  return OPTIONAL_KERNEL_IDS.includes(kernelMethod(id));
}

/**
 * True when `backend` has a method for the kernel id (always true for a complete required kernel).
 *
 * @example
 * ```ts
 * import { backendHas } from '@nnet/backend-testkit';
 *
 * backendHas({ binary() {} }, 'binary.add'); // true
 * backendHas({}, 'conv2d');                   // false
 * ```
 */
export function backendHas(backend: object, id: string): boolean {
  return typeof (backend as Record<string, unknown>)[kernelMethod(id)] === 'function';
}
