export { DEFAULT_TOLERANCE, mismatch, type Tolerance } from './compare.js';
export { type ConformanceOptions, runBackendConformance } from './conformance.js';
export {
  decode,
  type EncodedTensor,
  type KernelCase,
  kernelCases,
  type OpCase,
  opCases,
} from './fixtures.js';
export { runKernelCase } from './kernels.js';
export { formatMatrix, type KernelStatus } from './matrix.js';
export { checkOpAgainstFixture, checkOpFiniteDifferences, OPS } from './ops.js';
