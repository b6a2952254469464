// nnet WebAssembly kernels (AssemblyScript, 128-bit SIMD; relaxed FMA in the relaxed build), one
// file per kernel family. Memory is managed by the TypeScript side: every argument is a byte
// offset into linear memory, and shapes, strides and GEMM operands are passed through i32 blocks.
// Op codes and the GEMM struct's layout come from ../src/codes.ts, shared with the TypeScript side.

export * from './attention';
export * from './conv';
export * from './crossentropy';
export * from './elementwise';
export * from './gemm';
export * from './jobs';
export * from './layout';
export * from './optimizer';
export * from './pool';
export * from './reduce';
export * from './resize';
export * from './scan';
export * from './softmax';
export * from './sort';

/** Where the TypeScript allocator may start (after static data), 64-byte aligned. */
export function heapBase(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}
