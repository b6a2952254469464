/**
 * `nnet/wasm`: registers the WebAssembly SIMD backend (`@nnet/backend-wasm`, priority 2, above
 * `cpu`) and re-exports its controls (`setThreads`, `simdSupported`, ...). Initialisation is
 * asynchronous, so select it before the first op.
 *
 * @example
 * ```ts
 * import { setBackend } from 'nnet';
 * import 'nnet/wasm';
 *
 * await setBackend('wasm'); // or `await ready()`: the registered backend of highest priority
 * ```
 * @module
 */
export * from '@nnet/backend-wasm';
