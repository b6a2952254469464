// nnet WebAssembly kernels (AssemblyScript, 128-bit SIMD; relaxed FMA in the relaxed build), one
// file per kernel family. Memory is managed by the TypeScript side: every argument is a byte
// offset into linear memory, and shapes, strides and GEMM operands are passed through i32 blocks.
// Op codes and the GEMM struct's layout come from ../src/codes.ts, shared with the TypeScript side.

export * from './conv';
export * from './elementwise';
export * from './epilogue';
export * from './gemm';
export * from './layout';
export * from './optimizer';
export * from './pool';
export * from './reduce';
export * from './softmax';

/** Where the TypeScript allocator may start (after static data), 64-byte aligned. */
export function heapBase(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}
