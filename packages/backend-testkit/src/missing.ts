/** The up-front contract check: which storage methods and required kernels a backend lacks. */
import { REQUIRED_KERNELS } from '@nnet/tensor';

/**
 * The storage methods every backend implements (`readSync` is an optional capability).
 *
 * @example
 * ```ts
 * import { STORAGE_METHODS } from '@nnet/backend-testkit';
 *
 * STORAGE_METHODS.includes('readSync'); // false: readSync is optional
 * ```
 */
export const STORAGE_METHODS: readonly string[] = ['alloc', 'free', 'write', 'read', 'memory'];

/**
 * The storage methods and required kernel methods `backend` lacks, in contract order (empty when
 * it has them all).
 *
 * @example
 * ```ts
 * import { missingContract } from '@nnet/backend-testkit';
 *
 * missingContract({ alloc() {}, free() {} }).slice(0, 3); // ['write', 'read', 'memory']
 * ```
 */
export function missingContract(backend: object): string[] {
  const has = (m: string) => typeof (backend as Record<string, unknown>)[m] === 'function';
  return [...STORAGE_METHODS, ...REQUIRED_KERNELS].filter((m) => !has(m));
}

/**
 * The failure message for `missingContract`'s result.
 *
 * @example
 * ```ts
 * import { missingContract, missingMessage } from '@nnet/backend-testkit';
 *
 * const backend = { name: 'half' };
 * missingMessage(backend.name, missingContract(backend));
 * // "backend 'half' lacks 17 method(s) of the contract: alloc, free, write, read, memory, unary, binary, ..."
 * ```
 */
export function missingMessage(name: string, missing: readonly string[]): string {
  return (
    `backend '${name}' lacks ${missing.length} method(s) of the contract: ${missing.join(', ')}. ` +
    'Every backend implements the storage methods and the required kernels (REQUIRED_KERNELS in ' +
    '@nnet/tensor); the cases of a missing kernel are not run.'
  );
}
