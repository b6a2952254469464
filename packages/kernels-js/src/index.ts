/**
 * Typed-array kernels shared by nnet's CPU backend and the WASM backend's TypeScript paths, so
 * that each scalar rule and each loop exists once.
 */

/** Re-exported from @nnet/tensor, where the rule lives beside `AdamUpdateParams`. */
export { adamBiasCorrections } from '@nnet/tensor';
export { crossEntropy, crossEntropyBackward } from './cross_entropy.js';
export { cumsum } from './cumsum.js';
export { binary, cast, compare, fill, unary, where } from './elementwise.js';
export type { ArrayHandle, Dense } from './handle.js';
export { argReduce, copyStrided, gather, reduce, scatterAdd } from './layout.js';
export { adamUpdate, sgdUpdate } from './optimizer.js';
export { resizeAxis, resizeAxisBackward } from './resize.js';
export { BINARY, COMPARE, erf, powC, roundHalfEven, sigmoid, UNARY } from './scalar.js';
export { sortRows } from './sort.js';
